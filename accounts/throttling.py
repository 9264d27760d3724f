"""Login throttling (django-axes): what a failed login is counted against."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from accounts.models import normalise_email


def login_attempt_username(
    request: HttpRequest, credentials: dict[str, Any] | None = None
) -> str | None:
    """The address a login attempt counts against, normalised as accounts store it
    (AXES_USERNAME_CALLABLE). Logins ignore the case of the address, so the
    lock-out must too: otherwise every spelling of it would get its own five
    attempts, and one not yet locked would let the right password in."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return normalise_email(username) if isinstance(username, str) else None
