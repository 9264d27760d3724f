"""The meetings' background work: invitations and their updates, the daily
reminders of actions. Each e-mail is sent at most once: its row is locked
while it is sent and records what went, and a failure is retried later (the
row shows it meanwhile)."""

import datetime
import logging
import smtplib
from email.message import MIMEPart
from typing import Any

from crontask import cron
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lib.jobs import retry_later
from meetings import reminders
from meetings.calendar import CANCEL, REQUEST, calendar_build
from meetings.links import answer_url
from meetings.models import Invitation, ReminderDigest

logger = logging.getLogger(__name__)

# An SMTP server that is down gets this many attempts, a minute apart, then
# two, three… (about a quarter of an hour in all).
EMAIL_ATTEMPTS = 5
EMAIL_RETRY_DELAY = datetime.timedelta(minutes=1)
ERROR_MAX_LENGTH = 500


def _subject(template: str, context: dict[str, object]) -> str:
    return " ".join(render_to_string(template, context).split())


def _calendar_part(content: bytes, method: str) -> MIMEPart:
    part = MIMEPart()
    part.set_content(
        content.decode(),
        subtype="calendar",
        charset="utf-8",
        params={"method": method},
        disposition="attachment",
        filename="invitation.ics" if method == REQUEST else "annulation.ics",
    )
    return part


def invitation_message(invitation: Invitation) -> EmailMultiAlternatives:
    """The e-mail of an invitation, its update or its cancellation, in the
    invitee's language, with the .ics."""
    meeting = invitation.meeting
    method = CANCEL if meeting.is_cancelled else REQUEST
    page = settings.SITE_ROOT + meeting.get_absolute_url()
    context = {
        "invitation": invitation,
        "meeting": meeting,
        "cancelled": method == CANCEL,
        "update": invitation.sent_sequence >= 0,
        "answer_url": answer_url(invitation),
        "meeting_url": page,
        "agenda": list(meeting.agenda.all()),
    }
    with translation.override(invitation.language):
        subject = _subject("meetings/email/invitation_subject.txt", context)
        body = render_to_string("meetings/email/invitation_body.txt", context)
    message = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]
    )
    message.attach(
        _calendar_part(
            calendar_build([(meeting, page)], method=method, invitation=invitation),
            method,
        )
    )
    return message


def _deliver(
    row: Invitation | ReminderDigest,
    message: EmailMultiAlternatives,
    *,
    sent: dict[str, Any],
) -> Exception | None:
    """Send a row's e-mail (the row is locked by the caller) and record on it
    what became of it: sent, with the `sent` fields, or failed, with the mail
    server's reason, returned so that the caller queues the next attempt."""
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        row.delivery = row.Delivery.FAILED
        row.delivery_error = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
        row.save(update_fields=["delivery", "delivery_error"])
        return error
    row.delivery = row.Delivery.SENT
    row.delivery_error = ""
    for name, value in sent.items():
        setattr(row, name, value)
    row.save(update_fields=["delivery", "delivery_error", *sent])
    return None


@task
def send_invitation(*, invitation_id: int, sequence: int, attempt: int = 1) -> str:
    """Send the meeting's version `sequence` to one invitee, unless it (or a
    later one) was sent already or a later one is queued."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("meeting", "organisation")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or not invitation.email:
            return "skipped"
        if invitation.sent_sequence >= sequence:
            return "already sent"
        if invitation.meeting.sequence != sequence:
            return "superseded"
        failure = _deliver(
            invitation,
            invitation_message(invitation),
            sent={"sent_sequence": sequence, "sent_at": timezone.now()},
        )
    if failure is not None:
        retry_later(
            send_invitation,
            kwargs={"invitation_id": invitation_id, "sequence": sequence},
            attempt=attempt,
            max_attempts=EMAIL_ATTEMPTS,
            error=failure,
            delay=EMAIL_RETRY_DELAY,
        )
    return "sent"


def digest_message(digest: ReminderDigest) -> EmailMultiAlternatives:
    user = digest.recipient
    rows = [
        (reminder, settings.SITE_ROOT + reminder.action.get_absolute_url())
        for reminder in digest.reminders.select_related(
            "action", "action__owner_organisation", "action__meeting"
        ).order_by("action__due_date", "action_id")
    ]
    context = {
        "user": user,
        "rows": rows,
        "my_actions_url": settings.SITE_ROOT + reverse("meetings:my_actions"),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _subject("meetings/email/digest_subject.txt", context)
        body = render_to_string("meetings/email/digest_body.txt", context)
    return EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )


@task
def send_digest(*, digest_id: int, attempt: int = 1) -> str:
    """Send one person's reminders of the day, once."""
    with transaction.atomic():
        digest = (
            ReminderDigest.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=digest_id)
            .first()
        )
        if digest is None or not digest.recipient.is_active:
            return "skipped"
        if digest.delivery == ReminderDigest.Delivery.SENT:
            return "already sent"
        failure = _deliver(
            digest, digest_message(digest), sent={"sent_at": timezone.now()}
        )
    if failure is not None:
        retry_later(
            send_digest,
            kwargs={"digest_id": digest_id},
            attempt=attempt,
            max_attempts=EMAIL_ATTEMPTS,
            error=failure,
            delay=EMAIL_RETRY_DELAY,
        )
    return "sent"


@cron("0 7 * * *")  # type: ignore[untyped-decorator]
@task
def send_reminders() -> str:
    """Every morning (7:00 in Brussels): the reminders of the actions due soon
    or overdue, one e-mail per person."""
    digests = reminders.reminders_prepare(today=timezone.localdate())
    return f"{len(digests)} digests"
