"""Forms of the analysis pages; the views write through the territory's services."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from analysis.bodies import BodyFilters
from analysis.coverage import CoverageFilters
from analysis.maps import MEASURES
from analysis.models import BodyAssessment
from analysis.network import NetworkFilters
from analysis.selectors import (
    BODY_VOCABULARIES,
    COVERAGE_VOCABULARIES,
    NETWORK_VOCABULARIES,
    main_themes,
    term_ids,
)
from lib.forms import DateInput, FieldsetForm
from lib.widgets import FastSelect, PreparedChoiceField
from register.filters import filter_choices
from register.models import Service
from taxonomy.models import (
    RelationType,
)
from taxonomy.selectors import terms_by_id
from territory.models import Commune, PopulationFigure, Province


class CommuneChoiceField(forms.ModelChoiceField[Commune]):
    def label_from_instance(self, obj: Commune) -> str:
        return f"{obj.name} ({obj.nis})"


class PopulationFigureForm(FieldsetForm, forms.ModelForm[PopulationFigure]):
    commune = CommuneChoiceField(label=_("Commune"), queryset=Commune.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PopulationFigure
        fields = ["commune", "indicator", "date", "value", "source", "fictitious"]
        widgets = {"date": DateInput()}

    fieldsets = (
        (_("Chiffre"), ["commune", "indicator", "date", "value"]),
        (_("Origine"), ["source", "fictitious"]),
    )

    def __init__(self, *args: Any, scope: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = (  # type: ignore[attr-defined]
            Commune.objects.in_scope(scope).defer("boundary").order_by("name_fr")
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def figure_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PopulationImportForm(FieldsetForm, forms.Form):
    file = forms.FileField(
        label=_("Fichier XLSX ou CSV"),
        help_text=_(
            "Une ligne par chiffre ; la première nomme les colonnes : commune (code "
            "INS, ancien code INS, code postal ou nom), date, indicateur, valeur, "
            "source."
        ),
    )
    indicator = forms.ChoiceField(
        label=_("Indicateur, si le fichier n'a pas de colonne « indicateur »"),
        choices=[("", "—"), *PopulationFigure.Indicator.choices],
        required=False,
    )
    date = forms.DateField(
        label=_("Date, si le fichier n'a pas de colonne « date »"),
        required=False,
        widget=DateInput(),
    )
    source = forms.CharField(
        label=_("Source, si le fichier n'a pas de colonne « source »"),
        max_length=255,
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Vérifier le fichier sans rien enregistrer"), required=False
    )

    fieldsets = (
        (_("Fichier"), ["file"]),
        (_("Ce que le fichier ne dit pas"), ["indicator", "date", "source"]),
        (_("Import"), ["dry_run"]),
    )


class PopulationFilterForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.none(),
        required=False,
        empty_label=_("Toutes"),
        to_field_name="nis",
    )
    as_of = forms.DateField(label=_("Chiffres au"), required=False, widget=DateInput())

    def __init__(self, *args: Any, scope: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = Province.objects.order_by("name_fr")
        if scope != "BE":
            provinces = provinces.filter(region_id=scope)
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]


BY_CHOICES = [
    ("region", _("Wallonie")),
    ("province", _("provinces")),
    ("arrondissement", _("arrondissements")),
    ("commune", _("communes")),
]
MEASURE_CHOICES = [
    ("services", _("services actifs")),
    ("organisations", _("organisations")),
    ("capacity", _("capacité totale")),
    ("per_1000", _("services pour 1 000 personnes")),
    ("capacity_per_1000", _("capacité pour 1 000 personnes")),
    ("competent", _("offert par un niveau compétent")),
]


class CoverageFilterForm(forms.Form):
    """The coverage matrix's and the gaps' filters, read from the URL; every
    one is optional. Vocabularies are given by their codes."""

    by = forms.ChoiceField(
        label=_("Territoires"),
        choices=BY_CHOICES,
        required=False,
        initial="province",
    )
    measure = forms.ChoiceField(
        label=_("Chiffre montré"), choices=MEASURE_CHOICES, required=False
    )
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    province = PreparedChoiceField(
        widget=FastSelect, label=_("Province"), required=False
    )
    level = PreparedChoiceField(widget=FastSelect, label=_("Niveau"), required=False)
    sector = PreparedChoiceField(widget=FastSelect, label=_("Secteur"), required=False)
    actor_type = PreparedChoiceField(
        widget=FastSelect, label=_("Type d'acteur"), required=False
    )
    target_group = PreparedChoiceField(
        widget=FastSelect, label=_("Public cible"), required=False
    )
    language = PreparedChoiceField(
        widget=FastSelect, label=_("Langue proposée"), required=False
    )
    delivery_mode = forms.ChoiceField(
        label=_("Mode de prestation"),
        choices=[("", _("Tous")), *Service.DeliveryMode.choices],
        required=False,
    )
    as_of = forms.DateField(
        label=_("Services actifs le"), required=False, widget=DateInput()
    )
    threshold = forms.DecimalField(
        label=_("Lacune sous (services pour 1 000 personnes)"),
        required=False,
        min_value=0,
        max_value=1000,
        max_digits=7,
        decimal_places=2,
        help_text=_("Vide : seulement les thèmes sans aucun service actif."),
    )

    def __init__(
        self,
        *args: Any,
        gaps: bool = False,
        overlaps: bool = False,
        mapping: bool = False,
        report: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = filter_choices()
        for name, field in self.fields.items():
            if name in choices and isinstance(field, PreparedChoiceField):
                field.choices = choices[name]
        self.fields["theme"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous")),
            *((theme.code, theme.name) for theme in main_themes()),
        ]
        if report:
            # The report shows every measure; the gaps have no threshold.
            for name in ("measure", "threshold"):
                del self.fields[name]
        elif mapping:
            # One theme coloured at a time, on the communes.
            for name in ("by", "threshold"):
                del self.fields[name]
            themes = cast(forms.ChoiceField, self.fields["theme"])
            themes.choices = cast(list[tuple[str, str]], themes.choices)[1:]
            measure = cast(forms.ChoiceField, self.fields["measure"])
            measure.choices = list(MEASURES.items())
            measure.initial = "per_1000"
            self.order_fields(["theme", "measure"])
        elif overlaps:
            for name in ("by", "measure", "threshold"):
                del self.fields[name]
        elif gaps:
            del self.fields["measure"]
        else:
            del self.fields["threshold"]

    def coverage_filters(self) -> CoverageFilters:
        """The valid filters, codes turned into ids (an unknown code is
        refused by the form's choices)."""
        data = getattr(self, "cleaned_data", {})
        ids, _unknown = term_ids(data, COVERAGE_VOCABULARIES)
        return CoverageFilters(
            by=data.get("by") or "province",
            province=data.get("province") or "",
            language=data.get("language") or "",
            delivery_mode=data.get("delivery_mode") or "",
            as_of=data.get("as_of"),
            competent_only=data.get("measure") == "competent",
            **ids,
        )


NETWORK_SORTS = [
    ("betweenness", _("intermédiarité")),
    ("degree", _("degré")),
    ("in_degree", _("relations entrantes")),
    ("out_degree", _("relations sortantes")),
    ("levels_reached", _("niveaux atteints")),
]


class NetworkFilterForm(forms.Form):
    """The network's filters and its table's order, read from the URL."""

    relation_type = PreparedChoiceField(
        widget=FastSelect, label=_("Type de relation"), required=False
    )
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    level = PreparedChoiceField(widget=FastSelect, label=_("Niveau"), required=False)
    province = PreparedChoiceField(
        widget=FastSelect, label=_("Province du siège"), required=False
    )
    sort = forms.ChoiceField(
        label=_("Trier par"), choices=NETWORK_SORTS, required=False
    )
    isolated = forms.BooleanField(
        label=_("Seulement les organisations isolées"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = filter_choices()
        for name in ("level", "province"):
            self.fields[name].choices = choices[name]  # type: ignore[attr-defined]
        self.fields["relation_type"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous")),
            *(
                (term.code, term.name)
                for term in sorted(
                    terms_by_id(RelationType).values(),
                    key=lambda term: (term.position, term.code),
                )
            ),
        ]
        self.fields["theme"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous")),
            *((theme.code, theme.name) for theme in main_themes()),
        ]

    def network_filters(self) -> NetworkFilters:
        data = getattr(self, "cleaned_data", {})
        ids, _unknown = term_ids(data, NETWORK_VOCABULARIES)
        return NetworkFilters(
            province=data.get("province") or "",
            relation_type=ids.get("relation_type"),
            theme=ids.get("theme"),
            level=ids.get("level"),
        )


BODY_SORTS = [
    ("name", _("nom")),
    ("score", _("score moyen, le plus faible d'abord")),
    ("-score", _("score moyen, le plus élevé d'abord")),
]


class BodyFilterForm(forms.Form):
    """The assessment of the bodies' filters, read from the URL."""

    theme = forms.ChoiceField(label=_("Thème"), required=False)
    level = PreparedChoiceField(
        widget=FastSelect, label=_("Niveau de l'organe"), required=False
    )
    province = PreparedChoiceField(
        widget=FastSelect, label=_("Province"), required=False
    )
    sort = forms.ChoiceField(label=_("Trier par"), choices=BODY_SORTS, required=False)

    def __init__(self, *args: Any, scores: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = filter_choices()
        for name in ("level", "province"):
            self.fields[name].choices = choices[name]  # type: ignore[attr-defined]
        self.fields["theme"].choices = [  # type: ignore[attr-defined]
            ("", _("Tous")),
            *((theme.code, theme.name) for theme in main_themes()),
        ]
        if not scores:
            del self.fields["sort"]

    def body_filters(self) -> BodyFilters:
        data = getattr(self, "cleaned_data", {})
        ids, _unknown = term_ids(data, BODY_VOCABULARIES)
        return BodyFilters(
            theme=ids["theme"], level=ids["level"], province=data.get("province") or ""
        )


class BodyAssessmentForm(FieldsetForm, forms.ModelForm[BodyAssessment]):
    class Meta:
        model = BodyAssessment
        fields = [*BodyAssessment.CRITERIA, "assessed_on", "note"]
        widgets = {
            **dict.fromkeys(BodyAssessment.CRITERIA, forms.RadioSelect),
            "assessed_on": DateInput,
        }

    fieldsets = (
        (
            _("Les cinq critères, de 1 (faible) à 5 (fort)"),
            list(BodyAssessment.CRITERIA),
        ),
        (_("Contexte"), ["assessed_on", "note"]),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in BodyAssessment.CRITERIA:
            # Radio buttons need no empty choice.
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = [
                choice
                for choice in cast(list[tuple[Any, Any]], field.choices)
                if choice[0] != ""
            ]

    def validate_constraints(self) -> None:
        """The scales are radio buttons from 1 to 5: the fields validate them."""

    def assessment_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
