"""Belgium's administrative geography: region → province → arrondissement → commune.

Codes are Statbel's REFNIS (NIS) codes. Only the communes in force are rows of
Commune; codes that no longer exist live in CodeSuccessor so that old data still
resolves to today's commune.
"""

import datetime
import re
import unicodedata

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lib.i18n import pick_name
from lib.text import validate_line
from lib.versioning import Versioned

_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def search_key(text: str) -> str:
    """Text folded for matching names: no accents, no case, punctuation as spaces.

    "Saint-Vith" and "saint vith" both give "saint vith", "Liège" gives "liege".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub(" ", bare.casefold()).strip()


class LanguageArea(models.TextChoices):
    FRENCH = "fr", _("région de langue française")
    DUTCH = "nl", _("région de langue néerlandaise")
    GERMAN = "de", _("région de langue allemande")
    BILINGUAL = "fr-nl", _("région bilingue de Bruxelles-Capitale")


class NamedPlace(models.Model):
    nis = models.CharField(_("code INS"), max_length=5, primary_key=True)
    name_fr = models.CharField(_("nom (français)"), max_length=100)
    name_nl = models.CharField(_("nom (néerlandais)"), max_length=100)
    name_de = models.CharField(_("nom (allemand)"), max_length=100, blank=True)

    class Meta:
        abstract = True
        ordering = ["nis"]

    def __str__(self) -> str:
        return self.name

    # The language a place's own name is in, when the interface's is missing.
    official_languages: tuple[str, ...] = ("fr",)

    @property
    def name(self) -> str:
        return pick_name(self, "name", self.official_languages)


class Region(NamedPlace):
    name_en = models.CharField(_("nom (anglais)"), max_length=100, blank=True)

    class Meta(NamedPlace.Meta):
        verbose_name = _("région")
        verbose_name_plural = _("régions")


class Province(NamedPlace):
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="provinces", verbose_name=_("région")
    )
    name_en = models.CharField(_("nom (anglais)"), max_length=100, blank=True)

    class Meta(NamedPlace.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def get_absolute_url(self) -> str:
        return reverse("territory:province_detail", args=[self.nis])


class Arrondissement(NamedPlace):
    """An administrative arrondissement: its code is its communes' first two digits
    followed by 000."""

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="arrondissements", verbose_name=_("région")
    )
    # Brussels-Capital's arrondissement belongs to no province.
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="arrondissements",
        verbose_name=_("province"),
    )

    class Meta(NamedPlace.Meta):
        verbose_name = _("arrondissement")
        verbose_name_plural = _("arrondissements")

    def get_absolute_url(self) -> str:
        return reverse("territory:arrondissement_detail", args=[self.nis])


class CommuneQuerySet(models.QuerySet["Commune"]):
    def in_scope(self, scope: str) -> "CommuneQuerySet":
        """Communes of the configured scope: a region's NIS code, or "BE" for all."""
        if scope == "BE":
            return self
        return self.filter(region_id=scope)

    def named_like(self, text: str) -> "CommuneQuerySet":
        """Communes one of whose names contains the text, ignoring accents and case."""
        return self.filter(search_names__contains=search_key(text))

    def without_boundary(self) -> "CommuneQuerySet":
        """Leaves the (large) boundary out; `has_boundary` says if there is one."""
        return self.defer("boundary").annotate(
            has_boundary=ExpressionWrapper(
                Q(boundary__isnull=False), output_field=BooleanField()
            )
        )


class Commune(NamedPlace):
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="communes", verbose_name=_("région")
    )
    province = models.ForeignKey(
        Province,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("province"),
    )
    arrondissement = models.ForeignKey(
        Arrondissement,
        models.PROTECT,
        related_name="communes",
        verbose_name=_("arrondissement"),
    )
    language_area = models.CharField(
        _("région linguistique"), max_length=5, choices=LanguageArea.choices
    )
    # Imported boundaries (GeoJSON geometry, WGS84) and a point inside the commune
    # for markers; empty until `import_boundaries` runs.
    boundary = models.JSONField(_("limites"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # The names folded by search_key, French first, "|" between them: lets the
    # database match names without accents or case (SQLite has no unaccent) and
    # sort them alphabetically. Written by the loader with the names.
    search_names = models.CharField(
        _("noms pour la recherche"), max_length=310, blank=True, editable=False
    )

    objects = CommuneQuerySet.as_manager()

    class Meta(NamedPlace.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        indexes = [models.Index(fields=["name_fr"]), models.Index(fields=["name_nl"])]

    def get_absolute_url(self) -> str:
        return reverse("territory:commune_detail", args=[self.nis])

    @property
    def official_languages(self) -> tuple[str, ...]:  # type: ignore[override]
        return {
            LanguageArea.DUTCH: ("nl", "fr"),
            LanguageArea.GERMAN: ("de", "fr"),
        }.get(LanguageArea(self.language_area), ("fr", "nl"))

    @property
    def is_german_speaking(self) -> bool:
        return self.language_area == LanguageArea.GERMAN

    def names_for_search(self) -> str:
        """The value of `search_names` for the commune's current names."""
        names = (self.name_fr, self.name_nl, self.name_de)
        return "|".join(dict.fromkeys(search_key(name) for name in names if name))


class PostalCode(models.Model):
    """A postal code and a commune it serves (a few codes serve two communes)."""

    code = models.CharField(_("code postal"), max_length=4, db_index=True)
    commune = models.ForeignKey(
        Commune, models.CASCADE, related_name="postal_codes", verbose_name=_("commune")
    )

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        ordering = ["code", "commune_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "commune"], name="postal_code_unique_per_commune"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune}"


class CodeSuccessor(models.Model):
    """A NIS code that no longer exists and the commune that took it over."""

    old_nis = models.CharField(_("ancien code INS"), max_length=5, primary_key=True)
    commune = models.ForeignKey(
        Commune, models.CASCADE, related_name="former_codes", verbose_name=_("commune")
    )
    since = models.DateField(_("depuis le"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("code INS remplacé")
        verbose_name_plural = _("codes INS remplacés")
        ordering = ["old_nis"]

    def __str__(self) -> str:
        return f"{self.old_nis} → {self.commune_id}"


# The largest figure a commune can have (Belgium has 11.8 million people): a
# bigger one is a typing error, and it would overflow an integer column.
POPULATION_MAX = 20_000_000
# Figures are counted from this date on (earlier ones are a typing error).
POPULATION_FIRST_DATE = datetime.date(1990, 1, 1)


class PopulationFigure(Versioned):
    """An aggregate figure about a commune's people on a date, such as the
    number of people under temporary protection living there: never anything
    about a person. The series is kept, one row per commune, indicator and
    date; a correction changes its row, and the row's history keeps the value
    it replaced."""

    class Indicator(models.TextChoices):
        TEMPORARY_PROTECTION = (
            "temporary_protection",
            _("personnes sous protection temporaire"),
        )
        TOTAL_POPULATION = "total_population", _("population totale")

    commune = models.ForeignKey(
        Commune,
        models.PROTECT,
        related_name="population_figures",
        verbose_name=_("commune"),
    )
    indicator = models.CharField(
        _("indicateur"), max_length=30, choices=Indicator.choices
    )
    date = models.DateField(_("date"))
    value = models.PositiveIntegerField(
        _("valeur"), validators=[MaxValueValidator(POPULATION_MAX)]
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        validators=[validate_line],
        help_text=_("Par exemple : Office des étrangers, registre national."),
    )
    fictitious = models.BooleanField(
        _("fictif"),
        default=False,
        help_text=_("Un chiffre inventé pour une démonstration."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chiffre de population")
        verbose_name_plural = _("chiffres de population")
        ordering = ["commune_id", "indicator", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "indicator", "date"],
                name="population_figure_unique",
                violation_error_message=_(
                    "Cette commune a déjà un chiffre de cet indicateur à cette "
                    "date : corrigez-le plutôt."
                ),
            ),
            models.CheckConstraint(
                condition=Q(value__lte=POPULATION_MAX),
                name="population_figure_value_max",
            ),
        ]
        indexes = [
            # The latest figure of an indicator in each commune.
            models.Index(fields=["indicator", "commune", "-date"]),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.indicator} {self.date}: {self.value}"
