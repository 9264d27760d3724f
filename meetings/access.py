"""Who may see and change which meeting and action: the only way views and the
API fetch them.

Coordinators and administrators see and change every meeting. A focal point
sees the meetings of the bodies their organisations belong to or convene and
the meetings their organisations are invited to, with everything in them
(agenda, invitations, attendance, minutes, decisions, documents), and updates
the actions their organisations or they themselves own. Observers see no
meeting. Http404 when the object does not exist or may not be seen,
PermissionDenied when it may be seen but not changed."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import ADMIN, COORDINATOR, FOCAL_POINT, add_rules, can
from coordination.models import BodyMember, CoordinationBody
from meetings.models import Action, Invitation, Meeting
from register.models import Membership

add_rules(
    {
        # Open the meetings at all (the menu, the calendar, "my actions").
        "meetings.view": frozenset({ADMIN, COORDINATOR, FOCAL_POINT}),
        # Plan meetings, invite, record attendance, minutes, decisions, actions.
        "meetings.manage": frozenset({ADMIN, COORDINATOR}),
    }
)


def can_manage_meetings(user: User) -> bool:
    return can(user, "meetings.manage")


def _organisation_ids(user: User) -> QuerySet[Membership, int]:
    return Membership.objects.filter(user=user).values_list(
        "organisation_id", flat=True
    )


def visible_body_ids(user: User) -> QuerySet[CoordinationBody, int] | None:
    """The bodies whose meetings a focal point sees; None: every body."""
    if can_manage_meetings(user):
        return None
    organisations = _organisation_ids(user)
    return (
        CoordinationBody.objects.filter(
            Q(
                pk__in=BodyMember.objects.filter(
                    organisation_id__in=organisations
                ).values("body_id")
            )
            | Q(convenors__in=organisations)
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def meetings_for_user(user: User) -> QuerySet[Meeting]:
    """The meetings this user may see (none for those who see no meeting)."""
    if not can(user, "meetings.view"):
        return Meeting.objects.none()
    if can_manage_meetings(user):
        return Meeting.objects.all()
    invited = Invitation.objects.filter(
        organisation_id__in=_organisation_ids(user)
    ).values("meeting_id")
    return Meeting.objects.filter(
        Q(pk__in=invited) | Q(body_id__in=visible_body_ids(user))
    )


def get_meeting_for_user(
    user: User,
    pk: int,
    *,
    write: bool = False,
    queryset: QuerySet[Meeting] | None = None,
) -> Meeting:
    """A meeting; `queryset` reads it with what the caller shows of it."""
    rows = meetings_for_user(user)
    if queryset is not None:
        rows = queryset.filter(pk__in=rows.values("pk"))
    meeting = rows.filter(pk=pk).first()
    if meeting is None:
        raise Http404(f"No meeting has the id {pk}.")
    if write and not can_manage_meetings(user):
        raise PermissionDenied
    return meeting


def actions_for_user(user: User) -> QuerySet[Action]:
    """The actions this user may see: those of the meetings and bodies they
    see, and those they or their organisations own."""
    if not can(user, "meetings.view"):
        return Action.objects.none()
    if can_manage_meetings(user):
        return Action.objects.all()
    organisations = _organisation_ids(user)
    return Action.objects.filter(
        Q(owner=user)
        | Q(owner_organisation_id__in=organisations)
        | Q(meeting_id__in=meetings_for_user(user).values("pk"))
        | Q(body_id__in=visible_body_ids(user))
    )


def can_update_action(user: User, action: Action) -> bool:
    """Coordinators, the action's owner, and the members of its organisation
    change its status and add progress notes."""
    if can_manage_meetings(user):
        return True
    if not can(user, "meetings.view"):
        return False
    return (
        action.owner_id == user.pk
        or _organisation_ids(user)
        .filter(organisation_id=action.owner_organisation_id)
        .exists()
    )


def get_action_for_user(user: User, pk: int, *, write: bool = False) -> Action:
    action = (
        actions_for_user(user)
        .select_related("owner_organisation", "owner", "meeting", "body", "theme")
        .filter(pk=pk)
        .first()
    )
    if action is None:
        raise Http404(f"No action has the id {pk}.")
    if write and not can_update_action(user, action):
        raise PermissionDenied
    return action


def can_see_body_meetings(user: User, body: CoordinationBody) -> bool:
    """Whether a user sees a body's meetings (its calendar feed)."""
    body_ids = visible_body_ids(user)
    if not can(user, "meetings.view"):
        return False
    return body_ids is None or body_ids.filter(pk=body.pk).exists()


def people_shown(user: User) -> set[int] | None:
    """The organisations whose people (invited, attending) this user may see
    by name: every one for coordinators (None), their own for focal points.
    Names of other organisations' people are personal data they need not see."""
    if can_manage_meetings(user) or can(user, "personal_data.view"):
        return None
    return set(_organisation_ids(user))


def person_shown(shown: set[int] | None, organisation_id: int) -> bool:
    return shown is None or organisation_id in shown
