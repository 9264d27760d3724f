"""Forms of the consultations' pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import CheckedTextForm


class ImportForm(CheckedTextForm, forms.Form):
    file = forms.FileField(
        label=_("Fichier XLSForm"),
        help_text=_(
            "Un classeur .xlsx ou .xls (ou le markdown de pyxform, .md), de 5 Mo au "
            "plus, tel que KoboToolbox ou ODK les écrivent."
        ),
    )
    key = forms.SlugField(
        label=_("Identifiant"),
        max_length=100,
        required=False,
        help_text=_(
            "Facultatif : par défaut, le form_id du formulaire, sinon son titre. "
            "Importer sous un identifiant existant en fait la version suivante."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Vérifier seulement, sans importer"), required=False
    )
