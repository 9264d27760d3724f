"""The register list's filters: a form that reads them from the URL, used by the
list page and by the export page, which keeps them."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.collation import sort_key
from lib.i18n import current_language
from lib.refcache import cached_reference
from lib.widgets import FastSelect, PreparedChoiceField, PreparedChoices
from register.models import Service, SpokenLanguage
from register.pickers import scope_communes
from taxonomy.choices import grouped_themes
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    Sector,
    TargetGroup,
    Term,
    Theme,
)
from territory.models import Arrondissement, Commune, Province

Choices = list[tuple[Any, Any]]


STATUS_CHOICES = [
    ("active", _("actives")),
    ("archived", _("archivées")),
    ("incomplete", _("à compléter")),
    ("all", _("toutes")),
]
SORT_CHOICES = [
    ("name", _("nom (A → Z)")),
    ("-name", _("nom (Z → A)")),
    ("-updated", _("modifiées récemment")),
    ("updated", _("modifiées il y a longtemps")),
]

SERVICE_STATUS_CHOICES = [
    ("current", _("en cours ou prévus")),
    *Service.Status.choices,
    ("all", _("tous")),
]
SERVICE_SORT_CHOICES = [
    ("title", _("intitulé (A → Z)")),
    ("organisation", _("organisation (A → Z)")),
    ("-updated", _("modifiés récemment")),
]


def _term_choices(model: type[Term], empty: Any) -> Choices:
    return [
        ("", empty),
        *((term.code, term.name) for term in model._default_manager.all()),
    ]


def filter_choices() -> dict[str, PreparedChoices]:
    """The choices of the register list's filters, in the active language.

    The list is the register's busiest page and these choices (every commune,
    every vocabulary) cost it eight queries: they are reference data, kept in the
    cache (lib.refcache) with their <option>s written (PreparedChoices).
    """
    return cached_reference(
        f"register:filter-choices:{current_language()}",
        _build_filter_choices,
        sources=(
            ActorType,
            InstitutionalLevel,
            Sector,
            TargetGroup,
            Theme,
            Arrondissement,
            Commune,
            Province,
        ),
    )


def _build_filter_choices() -> dict[str, PreparedChoices]:
    every, all_feminine = gettext("Tous"), gettext("Toutes")
    themes = Theme.objects.order_by("position", "code")
    # Only the columns the names need.
    communes = scope_communes().only(
        "nis", "name_fr", "name_nl", "name_de", "language_area"
    )
    scope = settings.TERRITORY_SCOPE
    in_scope = {} if scope == "BE" else {"region_id": scope}
    provinces = Province.objects.filter(**in_scope).order_by("nis")
    arrondissements = Arrondissement.objects.filter(**in_scope)
    choices = {
        "level": _term_choices(InstitutionalLevel, every),
        "sector": _term_choices(Sector, every),
        "actor_type": _term_choices(ActorType, every),
        "target_group": _term_choices(TargetGroup, every),
        "theme": [("", every), *grouped_themes(themes, value="code")],
        "province": [("", all_feminine), *((p.nis, p.name) for p in provinces)],
        "arrondissement": [
            ("", every),
            *sorted(
                ((a.nis, a.name) for a in arrondissements),
                key=lambda choice: sort_key(choice[1]),
            ),
        ],
        "commune": [("", all_feminine), *((c.nis, c.name) for c in communes)],
        "language": [("", all_feminine), *SpokenLanguage.choices],
        "status": STATUS_CHOICES,
        "sort": SORT_CHOICES,
    }
    # Plain strings (the language is in the key).
    return {name: PreparedChoices(choices[name]) for name in choices}


class _RegisterFilters(forms.Form):
    """The filters the register's lists share: who they serve, where, in which
    language; each list adds its own and sets its fields' order."""

    target_group = PreparedChoiceField(
        widget=FastSelect, label=_("Public cible"), required=False
    )
    province = PreparedChoiceField(
        widget=FastSelect, label=_("Province desservie"), required=False
    )
    arrondissement = PreparedChoiceField(
        widget=FastSelect, label=_("Arrondissement desservi"), required=False
    )
    commune = PreparedChoiceField(
        widget=FastSelect, label=_("Commune desservie"), required=False
    )
    language = PreparedChoiceField(
        widget=FastSelect, label=_("Langue parlée"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = filter_choices()
        for name, field in self.fields.items():
            if name in choices and isinstance(field, PreparedChoiceField):
                field.choices = choices[name]


class OrganisationFilterForm(_RegisterFilters):
    """The register list's filters, read from the URL; every one is optional."""

    field_order = [
        "q",
        "level",
        "sector",
        "actor_type",
        "theme",
        "target_group",
        "province",
        "arrondissement",
        "commune",
        "language",
        "status",
        "sort",
    ]

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("Nom, sigle ou description d'un service, avec ou sans accents."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    level = PreparedChoiceField(widget=FastSelect, label=_("Niveau"), required=False)
    sector = PreparedChoiceField(widget=FastSelect, label=_("Secteur"), required=False)
    actor_type = PreparedChoiceField(
        widget=FastSelect, label=_("Type d'acteur"), required=False
    )
    theme = PreparedChoiceField(widget=FastSelect, label=_("Thème"), required=False)
    status = PreparedChoiceField(widget=FastSelect, label=_("Statut"), required=False)
    sort = PreparedChoiceField(widget=FastSelect, label=_("Trier par"), required=False)

    def filters(self) -> dict[str, str]:
        """The valid filters, by the names of selectors.OrganisationFilters."""
        values = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value
        }
        values.setdefault("status", "active")
        values.setdefault("sort", "name")
        return values


class ServiceFilterForm(_RegisterFilters):
    """The services list's filters (the 4W rows), read from the URL; every one
    is optional. The territory filters keep only the communes served there."""

    field_order = [
        "q",
        "theme",
        "target_group",
        "level",
        "province",
        "arrondissement",
        "commune",
        "language",
        "status",
        "active_on",
        "sort",
    ]

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("Intitulé ou description du service, avec ou sans accents."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    theme = PreparedChoiceField(
        widget=FastSelect, label=_("Thème ou sous-thème"), required=False
    )
    level = PreparedChoiceField(
        widget=FastSelect, label=_("Niveau de l'organisation"), required=False
    )
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=SERVICE_STATUS_CHOICES
    )
    active_on = forms.DateField(
        label=_("Actif le"),
        required=False,
        help_text=_("Les services dont les dates couvrent ce jour."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort = forms.ChoiceField(
        label=_("Trier par"), required=False, choices=SERVICE_SORT_CHOICES
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters, by the names of selectors.ServiceFilters."""
        values = {
            name: value.isoformat() if name == "active_on" else value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value
        }
        values.setdefault("status", "current")
        values.setdefault("sort", "title")
        return values
