"""API authentication: a session (the browser) or a personal token (Bearer)."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from accounts.models import User
from accounts.services import api_token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


# Deny by default: every endpoint needs one of these unless it says `auth=None`.
API_AUTH: list[Any] = [TokenAuth(), django_auth]
