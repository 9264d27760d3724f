from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.services import password_reset_email_queue
from lib.forms import CheckedTextForm


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Le mot de passe tient "
            "compte des majuscules."
        ),
        "inactive": _("Ce compte est désactivé."),
    }


class ProfileForm(CheckedTextForm, forms.Form):
    full_name = forms.CharField(label=_("Nom complet"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Langue de l'interface et des e-mails"),
        choices=lambda: settings.LANGUAGES,
    )


class ApiTokenForm(CheckedTextForm, forms.Form):
    # The profile page holds two forms: keep this one's names and ids apart.
    prefix = "token"

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_("Pour le reconnaître, par exemple « Script d'import du CPAS »."),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose e-mail is queued for the worker (with retries)
    instead of sent during the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        password_reset_email_queue(
            user=context["user"],
            domain=context["domain"],
            protocol=context["protocol"],
            language=get_language(),
        )
