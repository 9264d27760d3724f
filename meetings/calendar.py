"""iCalendar files (RFC 5545, with RFC 5546's METHOD) of meetings: the
invitation's attachment, a meeting's download, the calendar feeds.

Times are written in Europe/Brussels with TZID and the VTIMEZONE that defines
it, so that a calendar application shows the same hour across the changes to
and from summer time."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from meetings.models import Invitation, Meeting

PRODID = "-//Maillage//Réunions//FR"
# iCalendar's METHOD: an invitation or its update; a cancellation; a feed.
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def meeting_uid(meeting: Meeting) -> str:
    """The meeting's UID, the same in every file sent about it."""
    return f"{meeting.uid}@maillage"


def _where(meeting: Meeting) -> str:
    return ", ".join(part for part in (meeting.place, meeting.online_url) if part)


def _event(
    meeting: Meeting, *, url: str, invitation: Invitation | None, cancel: bool
) -> Event:
    tz = timezone.get_default_timezone()
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting.title)
    if meeting.description:
        event.add("description", meeting.description)
    where = _where(meeting)
    if where:
        event.add("location", where)
    if url:
        event.add("url", url)
    cancelled = cancel or meeting.is_cancelled
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add(
        "organizer",
        f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}",
        parameters={"CN": "Maillage"},
    )
    if invitation is not None and invitation.email:
        event.add(
            "attendee",
            f"mailto:{invitation.email}",
            parameters={
                "CN": invitation.name or str(invitation.organisation),
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": _partstat(invitation),
                "RSVP": "FALSE",
            },
        )
    return event


def _address(sender: str) -> str:
    """The bare address of 'Name <address>'."""
    if "<" in sender and sender.endswith(">"):
        return sender.rsplit("<", 1)[1][:-1]
    return sender


PARTSTAT = {
    Invitation.Answer.ACCEPTED.value: "ACCEPTED",
    Invitation.Answer.DECLINED.value: "DECLINED",
    Invitation.Answer.DELEGATED.value: "DELEGATED",
}


def _partstat(invitation: Invitation) -> str:
    return PARTSTAT.get(str(invitation.answer), "NEEDS-ACTION")


def calendar_build(
    meetings: Iterable[tuple[Meeting, str]],
    *,
    method: str = PUBLISH,
    invitation: Invitation | None = None,
    name: str = "",
) -> bytes:
    """An iCalendar file of meetings, each with the address of its page."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    years: list[int] = []
    for meeting, url in meetings:
        calendar.add_component(
            _event(meeting, url=url, invitation=invitation, cancel=method == CANCEL)
        )
        years += [meeting.starts_at.year, meeting.ends_at.year]
    if years:
        # The time zone's rules over the years the meetings fall in, not the
        # 70 years a calendar application does not need.
        calendar.add_missing_timezones(
            first_date=datetime.date(min(years) - 1, 1, 1),
            last_date=datetime.date(max(years) + 1, 12, 31),
        )
    content: bytes = calendar.to_ical()
    return content
