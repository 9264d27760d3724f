"""API authentication: a session (the browser) or a personal token (Bearer)."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from accounts.models import User
from accounts.permissions import can
from accounts.services import api_token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser's session, CSRF-checked on unsafe methods.

    Without a session cookie there is nothing to protect from forgery: skip the
    CSRF check so that such a request (a wrong token, no credentials) gets 401,
    not a CSRF 403.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        key: str | None = super()._get_key(request)
        return key


# Deny by default: every endpoint needs one of these unless it says `auth=None`.
API_AUTH: list[Any] = [TokenAuth(), SessionAuth()]


def api_user(
    request: HttpRequest, *, may: str | Callable[[User], bool] | None = None
) -> User:
    """Who is asking (session or token: API_AUTH let nobody else in), provided
    they may: `may` is an action of accounts.permissions or a test of the user.
    PermissionDenied (403) otherwise."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied
    if may is None:
        return user
    allowed = can(user, may) if isinstance(may, str) else may(user)
    if not allowed:
        raise PermissionDenied
    return user
