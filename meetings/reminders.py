"""Which reminders are due: an action's owner hears of it a few days before
its due date and once it is overdue, once per action, stage and person, all of
a day's reminders in one e-mail."""

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F

from accounts.models import Role, User
from meetings.models import Action, Reminder, ReminderDigest
from register.models import Membership

# How many days before its due date an action is recalled.
DAYS_BEFORE = 3


def _stage(action: Action, today: datetime.date) -> str:
    return Reminder.Stage.OVERDUE if action.due_date < today else Reminder.Stage.SOON


def _owner(action: Action) -> int | None:
    """The action's owner, unless their account was deactivated."""
    return action.owner_id if getattr(action, "owner_active", False) else None


def _recipients(actions: Sequence[Action]) -> dict[int, list[int]]:
    """Per action, who hears of it: its owner, or else (none, or no longer
    active) the focal points of its organisation."""
    without_owner = {a.owner_organisation_id for a in actions if _owner(a) is None}
    members: dict[int, list[int]] = defaultdict(list)
    for organisation_id, user_id in Membership.objects.filter(
        organisation_id__in=without_owner,
        user__is_active=True,
        user__role=Role.FOCAL_POINT,
    ).values_list("organisation_id", "user_id"):
        members[organisation_id].append(user_id)
    return {
        action.pk: (
            [owner]
            if (owner := _owner(action)) is not None
            else members.get(action.owner_organisation_id, [])
        )
        for action in actions
    }


@transaction.atomic
def reminders_prepare(*, today: datetime.date) -> list[ReminderDigest]:
    """Record the reminders due today that were not sent yet and queue one
    digest per person. Run again the same day, it finds nothing new: a
    person who had today's digest hears of what came since tomorrow."""
    from meetings.tasks import send_digest

    actions = list(
        Action.objects.filter(
            status__in=Action.OPEN_STATUSES,
            due_date__lte=today + datetime.timedelta(days=DAYS_BEFORE),
        )
        .annotate(owner_active=F("owner__is_active"))
        .only("id", "due_date", "owner_id", "owner_organisation_id")
    )
    recipients = _recipients(actions)
    done = set(
        Reminder.objects.filter(action__in=[a.pk for a in actions]).values_list(
            "action_id", "stage", "recipient_id"
        )
    )
    served_today = set(
        ReminderDigest.objects.filter(day=today).values_list("recipient_id", flat=True)
    )
    due: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for action in actions:
        stage = _stage(action, today)
        for user_id in recipients[action.pk]:
            if (action.pk, stage, user_id) not in done and user_id not in served_today:
                due[user_id].append((action.pk, stage))
    if not due:
        return []
    active = set(
        User.objects.filter(pk__in=due, is_active=True).values_list("pk", flat=True)
    )
    digests = ReminderDigest.objects.bulk_create(
        [
            ReminderDigest(recipient_id=user_id, day=today)
            for user_id in due
            if user_id in active
        ]
    )
    by_user = {digest.recipient_id: digest for digest in digests}
    Reminder.objects.bulk_create(
        Reminder(
            action_id=action_id,
            stage=stage,
            recipient_id=user_id,
            digest=by_user[user_id],
        )
        for user_id, rows in due.items()
        if user_id in by_user
        for action_id, stage in rows
    )
    ids = [digest.pk for digest in digests]
    transaction.on_commit(lambda: [send_digest.enqueue(digest_id=pk) for pk in ids])
    return digests
