"""Reads of the meetings: the calendar's month and list, a meeting's page, the
actions board and "my actions". Each reads in a fixed number of queries."""

import calendar as month_calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from meetings.access import actions_for_user, can_manage_meetings, meetings_for_user
from meetings.models import Action, ActionNote, Invitation, Meeting, Minutes


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(), tzinfo=timezone.get_default_timezone()
    )


def meetings_between(
    user: User,
    *,
    start: datetime.date | None,
    end: datetime.date | None,
    body_id: int | None = None,
) -> QuerySet[Meeting]:
    """The meetings the user sees that start on `start` or later and before
    `end` (days in Brussels)."""
    rows = meetings_for_user(user).select_related("body")
    if start is not None:
        rows = rows.filter(starts_at__gte=_local_midnight(start))
    if end is not None:
        rows = rows.filter(starts_at__lt=_local_midnight(end))
    if body_id is not None:
        rows = rows.filter(body_id=body_id)
    return rows.order_by("starts_at", "id")


@dataclass(frozen=True)
class Day:
    date: datetime.date
    in_month: bool
    meetings: list[Meeting]


def month_weeks(
    user: User, year: int, month: int, *, body_id: int | None = None
) -> list[list[Day]]:
    """The month's weeks (Monday first), each day with its meetings."""
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    by_day: dict[datetime.date, list[Meeting]] = {}
    tz = timezone.get_default_timezone()
    for meeting in meetings_between(
        user, start=first, end=last + datetime.timedelta(days=1), body_id=body_id
    ):
        by_day.setdefault(meeting.starts_at.astimezone(tz).date(), []).append(meeting)
    return [
        [Day(day, day.month == month, by_day.get(day, [])) for day in week]
        for week in weeks
    ]


def meeting_detail_rows() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("body", "organiser").prefetch_related(
        "agenda__documents",
        Prefetch(
            "invitations",
            queryset=Invitation.objects.select_related("organisation").order_by(
                "organisation__name", "delegated_from_id", "name", "id"
            ),
        ),
        "attendance__organisation",
        Prefetch(
            "minutes",
            queryset=Minutes.objects.select_related(
                "written_by", "approved_by"
            ).order_by("-number"),
        ),
        "decisions",
        Prefetch(
            "actions",
            queryset=Action.objects.select_related(
                "owner_organisation", "owner"
            ).order_by("due_date", "id"),
        ),
        "documents",
    )


@dataclass(frozen=True)
class BoardFilters:
    mine: bool = False  # the actions the user owns
    owner_id: int | None = None
    organisation_id: int | None = None
    status: str = ""  # a status, "open" (open or in progress), or "" (all)
    overdue: bool = False
    body_id: int | None = None
    theme_id: int | None = None
    due_before: datetime.date | None = None


def action_board(
    user: User, filters: BoardFilters, *, today: datetime.date
) -> QuerySet[Action]:
    rows = actions_for_user(user).select_related(
        "owner_organisation", "owner", "body", "meeting", "theme"
    )
    if filters.mine:
        rows = rows.filter(owner=user)
    if filters.owner_id is not None:
        rows = rows.filter(owner_id=filters.owner_id)
    if filters.organisation_id is not None:
        rows = rows.filter(owner_organisation_id=filters.organisation_id)
    if filters.status == "open":
        rows = rows.filter(status__in=Action.OPEN_STATUSES)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.overdue:
        rows = rows.filter(status__in=Action.OPEN_STATUSES, due_date__lt=today)
    if filters.body_id is not None:
        rows = rows.filter(body_id=filters.body_id)
    if filters.theme_id is not None:
        rows = rows.filter(theme_id=filters.theme_id)
    if filters.due_before is not None:
        rows = rows.filter(due_date__lte=filters.due_before)
    return rows.order_by("due_date", "id")


def my_actions(user: User) -> QuerySet[Action]:
    """The actions the user owns, open ones first."""
    return (
        Action.objects.filter(owner=user)
        .select_related("owner_organisation", "owner", "body", "meeting")
        .order_by("due_date", "id")
    )


def action_counts(rows: QuerySet[Action], *, today: datetime.date) -> dict[str, Any]:
    return rows.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=Action.OPEN_STATUSES)),
        overdue=Count(
            "pk", filter=Q(status__in=Action.OPEN_STATUSES, due_date__lt=today)
        ),
        done=Count("pk", filter=Q(status=Action.Status.DONE)),
    )


def action_notes(action: Action) -> QuerySet[ActionNote]:
    return action.notes.select_related("author").order_by("created_at", "id")


def actions_with_meetings_shown(user: User, actions: Iterable[Action]) -> list[Action]:
    """The actions, each marked `meeting_shown`: whether the user may see its
    meeting (a focal point sees the actions their organisation owns, not
    always the meeting they come from). One query, none for coordinators."""
    rows = list(actions)
    visible: set[int] | None = None
    if not can_manage_meetings(user):
        visible = set(
            meetings_for_user(user)
            .filter(pk__in={a.meeting_id for a in rows if a.meeting_id is not None})
            .values_list("pk", flat=True)
        )
    for action in rows:
        action.meeting_shown = action.meeting_id is not None and (  # type: ignore[attr-defined]
            visible is None or action.meeting_id in visible
        )
    return rows
