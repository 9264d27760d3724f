"""Calendar feeds: a secret address per person (the meetings they see) or per
body (its meetings), which calendar applications read without signing in.
The address works while its maker may still see those meetings, until it is
revoked."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from coordination.models import CoordinationBody
from meetings.access import can_see_body_meetings, meetings_for_user
from meetings.links import feed_digest, new_key
from meetings.models import CalendarFeed, Meeting

# A feed holds the meetings from this long ago on.
FEED_PAST = datetime.timedelta(days=180)
FEED_MAX = 2000


def feed_create(user: User, *, body: CoordinationBody | None) -> str:
    """A new feed; its token (shown once: only its digest is kept)."""
    token = new_key()
    CalendarFeed.objects.create(user=user, body=body, digest=feed_digest(token))
    return token


def feed_revoke(user: User, feed_id: int | None) -> None:
    if feed_id is None:
        return
    CalendarFeed.objects.filter(pk=feed_id, user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def feed_from_token(token: str) -> CalendarFeed | None:
    if not 20 <= len(token) <= 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "body")
        .filter(digest=feed_digest(token), revoked_at=None)
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    if feed.body is not None and not can_see_body_meetings(feed.user, feed.body):
        return None
    return feed


def feed_meetings(feed: CalendarFeed) -> tuple[list[Meeting], str]:
    rows = meetings_for_user(feed.user).filter(
        starts_at__gte=timezone.now() - FEED_PAST
    )
    name = _("Réunions Maillage")
    if feed.body is not None:
        rows = rows.filter(body=feed.body)
        name = f"{name} — {feed.body.name}"
    # The FEED_MAX nearest to come first, then in order of time.
    latest = list(rows.select_related("body").order_by("-starts_at")[:FEED_MAX])
    return latest[::-1], name
