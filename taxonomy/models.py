"""Editable vocabularies shared by the whole platform.

Every term has a stable English code (used by the API, imports and exports) and a
name in each language; administrators edit them in the admin. `load_reference`
seeds them and never overwrites an edit.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.i18n import pick_name

# Every term is named in the interface languages; public terms also in the
# languages of the people the public directory serves.
LANGUAGES = ("fr", "nl", "de", "en")
PUBLIC_LANGUAGES = (*LANGUAGES, "uk", "ru")


class Term(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_fr = models.CharField(_("nom (français)"), max_length=200)
    name_nl = models.CharField(_("nom (néerlandais)"), max_length=200, blank=True)
    name_de = models.CharField(_("nom (allemand)"), max_length=200, blank=True)
    name_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(
        _("en usage"),
        default=True,
        help_text=_("Un terme retiré reste sur les données existantes."),
    )

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_name(self, "name")

    def name_in(self, language: str) -> str:
        """The name in the given language, or the best fallback when it is empty."""
        return str(getattr(self, f"name_{language}", "")) or pick_name(self, "name")


class PublicTerm(Term):
    """A term the public directory shows, so also named in Ukrainian and Russian."""

    name_uk = models.CharField(_("nom (ukrainien)"), max_length=200, blank=True)
    name_ru = models.CharField(_("nom (russe)"), max_length=200, blank=True)

    class Meta(Term.Meta):
        abstract = True


class InstitutionalLevel(Term):
    class Meta(Term.Meta):
        verbose_name = _("niveau institutionnel")
        verbose_name_plural = _("niveaux institutionnels")


class Sector(Term):
    class Meta(Term.Meta):
        verbose_name = _("secteur")
        verbose_name_plural = _("secteurs")


class ActorType(Term):
    class Meta(Term.Meta):
        verbose_name = _("type d'acteur")
        verbose_name_plural = _("types d'acteurs")


class Theme(PublicTerm):
    """A theme of support; a theme with a parent is a sub-theme (one level deep)."""

    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="subthemes",
        verbose_name=_("thème parent"),
    )

    class Meta(PublicTerm.Meta):
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def clean(self) -> None:
        super().clean()
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": _("Un thème ne peut pas être son propre parent.")}
            )
        if self.parent is not None and self.parent.parent_id is not None:
            raise ValidationError(
                {
                    "parent": _(
                        "Le parent doit être un thème principal, pas un sous-thème."
                    )
                }
            )
        if self.pk is not None and self.subthemes.exists():
            raise ValidationError(
                {
                    "parent": _(
                        "Ce thème a des sous-thèmes : il ne peut pas en devenir un."
                    )
                }
            )


class TargetGroup(PublicTerm):
    class Meta(PublicTerm.Meta):
        verbose_name = _("public cible")
        verbose_name_plural = _("publics cibles")


class RelationType(Term):
    """How one organisation relates to another, read "A <name> B".

    The inverse name reads the same relation from B's side ("B <inverse name> A");
    for a symmetric relation it is the name itself.
    """

    inverse_name_fr = models.CharField(
        _("nom inverse (français)"), max_length=200, blank=True
    )
    inverse_name_nl = models.CharField(
        _("nom inverse (néerlandais)"), max_length=200, blank=True
    )
    inverse_name_de = models.CharField(
        _("nom inverse (allemand)"), max_length=200, blank=True
    )
    inverse_name_en = models.CharField(
        _("nom inverse (anglais)"), max_length=200, blank=True
    )

    class Meta(Term.Meta):
        verbose_name = _("type de relation")
        verbose_name_plural = _("types de relations")

    @property
    def inverse_name(self) -> str:
        return pick_name(self, "inverse_name") or self.name

    @property
    def is_symmetric(self) -> bool:
        return self.inverse_name_fr in ("", self.name_fr)


class Competence(models.Model):
    """Which institutional level Belgian law makes competent for a theme."""

    class Kind(models.TextChoices):
        EXCLUSIVE = "exclusive", _("compétence exclusive")
        SHARED = "shared", _("compétence partagée")
        SUPPORTING = "supporting", _("rôle d'appui ou de mise en œuvre")

    level = models.ForeignKey(
        InstitutionalLevel,
        models.CASCADE,
        related_name="competences",
        verbose_name=_("niveau"),
    )
    theme = models.ForeignKey(
        Theme, models.CASCADE, related_name="competences", verbose_name=_("thème")
    )
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    legal_basis = models.CharField(_("base légale"), max_length=300, blank=True)
    note = models.TextField(_("remarque"), blank=True)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["theme__position", "level__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "theme"], name="competence_unique_level_theme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} — {self.theme}"
