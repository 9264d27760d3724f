"""Helpers shared by the register's views (and the coordination bodies')."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from accounts.models import User

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def current_user(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware keeps anonymous visitors out)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def render_page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only its partial for an htmx request (not for htmx's
    history restoration, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def posted_version(request: HttpRequest) -> int | None:
    """The version a confirmation form was shown with (None: do not check)."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def on_version(request: HttpRequest, version: int) -> Any:
    """The submitted data, set to overwrite the version stored now if sent again."""
    data = request.POST.copy()
    data["version"] = str(version)
    return data
