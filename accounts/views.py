from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import (
    ApiTokenForm,
    EmailAuthenticationForm,
    ProfileForm,
    QueuedPasswordResetForm,
)
from accounts.models import User
from accounts.services import api_token_create, api_token_revoke


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        if user.language:
            set_language_cookie(response, user.language)
        return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite="Lax",
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - LoginRequiredMiddleware guards it
    return user


def _profile_page(
    request: HttpRequest,
    *,
    form: ProfileForm | None = None,
    token_form: ApiTokenForm | None = None,
    new_secret: str = "",
) -> HttpResponse:
    user = _user(request)
    if form is None:
        initial = {
            "full_name": user.full_name,
            "language": user.language or get_language(),
        }
        form = ProfileForm(initial=initial)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "token_form": token_form or ApiTokenForm(),
            "tokens": user.api_tokens.order_by("-created_at", "-id"),
            "new_secret": new_secret,
        },
    )


def profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, form=form)
    user.full_name = form.cleaned_data["full_name"]
    user.language = form.cleaned_data["language"]
    user.save(update_fields=["full_name", "language"])
    translation.activate(user.language)
    messages.success(request, _("Votre profil a été enregistré."))
    response = redirect("accounts:profile")
    set_language_cookie(response, user.language)
    return response


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a personal API token and show its secret, this once only: the page
    is answered directly, never stored for a later redirect."""
    token_form = ApiTokenForm(request.POST)
    if not token_form.is_valid():
        return _profile_page(request, token_form=token_form)
    _token, secret = api_token_create(
        user=_user(request), name=token_form.cleaned_data["name"]
    )
    response = _profile_page(request, new_secret=secret)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_user(request).api_tokens, pk=pk)
    api_token_revoke(token=token)
    messages.success(
        request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name}
    )
    return redirect(reverse("accounts:profile") + "#api-tokens")
