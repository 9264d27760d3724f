"""The meetings' sections of lower pages. On the organisation page, its
engagement log: the meetings it was invited to and attended, the answers it
gave, the actions it owns and did (a focal point sees it over the meetings
they see; an observer, who sees no meeting, does not see it). On a body's
page, its next meetings and open actions."""

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from accounts.permissions import can
from coordination.models import CoordinationBody
from coordination.sections import body_section
from meetings.access import (
    actions_for_user,
    can_manage_meetings,
    can_see_body_meetings,
    meetings_for_user,
)
from meetings.models import Action, Attendance, Invitation, Meeting
from register.models import Organisation
from register.sections import organisation_section

RECENT_MEETINGS = 10
NOTHING_INVITED = ("meetings", "answered", "accepted", "declined")
NOTHING_OWNED = ("owned", "done", "open")


@organisation_section(
    key="engagement", template="meetings/organisation_engagement.html", order=60
)
def organisation_engagement(
    user: User, organisation: Organisation
) -> dict[str, Any] | None:
    if not can(user, "meetings.view"):
        return None
    # Those who see every meeting read them all, without a subquery to say so.
    seen = Q() if can_manage_meetings(user) else Q(meeting__in=meetings_for_user(user))
    invitations = Invitation.objects.filter(
        seen, organisation=organisation, delegated_from=None
    )
    recent = list(
        invitations.select_related("meeting")
        .order_by("-meeting__starts_at", "-pk")
        .only(
            "id", "answer", "meeting__id", "meeting__title", "meeting__starts_at",
            "meeting__status",
        )[:RECENT_MEETINGS]
    )  # fmt: skip
    owned = actions_for_user(user).filter(owner_organisation=organisation)
    # Most organisations were never invited and own no action: then there is
    # nothing to count, and the page says so after one more query.
    if not recent and not owned.exists():
        return {
            "organisation": organisation,
            "invited": dict.fromkeys(NOTHING_INVITED, 0),
            "attended": 0,
            "actions": dict.fromkeys(NOTHING_OWNED, 0),
            "recent": [],
        }
    invited = (
        invitations.aggregate(
            meetings=Count("meeting", distinct=True),
            answered=Count("pk", filter=~Q(answer=Invitation.Answer.PENDING)),
            accepted=Count("pk", filter=Q(answer=Invitation.Answer.ACCEPTED)),
            declined=Count("pk", filter=Q(answer=Invitation.Answer.DECLINED)),
        )
        if recent
        else dict.fromkeys(NOTHING_INVITED, 0)
    )
    attended = (
        Attendance.objects.filter(
            seen, organisation=organisation, presence=Attendance.Presence.PRESENT
        )
        .values("meeting")
        .distinct()
        .count()
    )
    actions = owned.aggregate(
        owned=Count("pk"),
        done=Count("pk", filter=Q(status=Action.Status.DONE)),
        open=Count("pk", filter=Q(status__in=Action.OPEN_STATUSES)),
    )
    present = (
        set(
            Attendance.objects.filter(
                organisation=organisation,
                presence=Attendance.Presence.PRESENT,
                meeting__in=[invitation.meeting_id for invitation in recent],
            ).values_list("meeting_id", flat=True)
        )
        if recent
        else set()
    )
    return {
        "organisation": organisation,
        "invited": invited,
        "attended": attended,
        "actions": actions,
        "recent": [(i, i.meeting_id in present) for i in recent],
    }


UPCOMING = 5


@body_section(key="meetings", template="meetings/body_meetings.html", order=30)
def body_meetings(user: User, body: CoordinationBody) -> dict[str, Any] | None:
    """A body's next meetings and its open actions, for those who see them."""
    if not can_see_body_meetings(user, body):
        return None
    now = timezone.now()
    return {
        "body": body,
        "upcoming": list(
            Meeting.objects.filter(body=body, starts_at__gte=now)
            .exclude(status=Meeting.Status.CANCELLED)
            .only("id", "title", "starts_at", "status")
            .order_by("starts_at")[:UPCOMING]
        ),
        "last": Meeting.objects.filter(body=body, starts_at__lt=now)
        .exclude(status=Meeting.Status.CANCELLED)
        .only("id", "title", "starts_at")
        .order_by("-starts_at")
        .first(),
        "actions": Action.objects.filter(body=body).aggregate(
            open=Count("pk", filter=Q(status__in=Action.OPEN_STATUSES)),
            overdue=Count(
                "pk",
                filter=Q(
                    status__in=Action.OPEN_STATUSES, due_date__lt=timezone.localdate()
                ),
            ),
        ),
        "can_manage": can_manage_meetings(user),
    }
