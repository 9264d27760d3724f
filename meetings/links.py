"""The secrets of the links that work without signing in: an invitation's
answer link, a calendar feed's address."""

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from meetings.models import Invitation

ANSWER_SALT = "meetings.invitation.answer"


def new_key() -> str:
    return secrets.token_urlsafe(32)


def answer_token(invitation: Invitation) -> str:
    """The invitation's id and a signature of it with its own key: the link
    answers for this invitation only, and a new key ends the old links."""
    signature = salted_hmac(
        ANSWER_SALT, f"{invitation.pk}:{invitation.key}", algorithm="sha256"
    ).hexdigest()
    return f"{invitation.pk}-{signature}"


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a token was made for, or None (malformed, forged, or
    the invitation is gone)."""
    pk, _sep, signature = token.partition("-")
    if not (pk.isascii() and pk.isdecimal()) or len(pk) > 18 or len(signature) != 64:
        return None
    invitation = (
        Invitation.objects.select_related("meeting", "organisation")
        .filter(pk=int(pk))
        .first()
    )
    if invitation is None or not constant_time_compare(answer_token(invitation), token):
        return None
    return invitation


def answer_url(invitation: Invitation) -> str:
    return settings.SITE_ROOT + reverse(
        "meetings:invitation_answer", args=[answer_token(invitation)]
    )


def feed_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
