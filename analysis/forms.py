"""Forms of the analysis pages; the views write through the territory's services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import DateInput, FieldsetForm
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
