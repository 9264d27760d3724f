from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from territory.models import Province


class CommuneSearchForm(forms.Form):
    """The filters of the commune list; every field is optional."""

    name = forms.CharField(
        label=_("Nom"),
        required=False,
        max_length=100,
        help_text=_("En français, néerlandais ou allemand, avec ou sans accents."),
    )
    postal_code = forms.CharField(
        label=_("Code postal"),
        required=False,
        max_length=4,
        validators=[
            RegexValidator(r"^\d{4}$", _("Un code postal belge compte 4 chiffres."))
        ],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        required=False,
        queryset=Province.objects.none(),
        empty_label=_("Toutes les provinces"),
    )

    def __init__(self, *args: object, scope: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        provinces = Province.objects.order_by("name_fr")
        if scope != "BE":
            provinces = provinces.filter(region_id=scope)
        self.fields["province"].queryset = provinces  # type: ignore[attr-defined]
