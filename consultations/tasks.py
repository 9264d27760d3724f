"""Background work of the consultations: the invitations and reminders sent
by e-mail, each in the invitee's language, retried while the mail server is
down; every morning, a reminder to those who have not answered a round that
closes soon."""

import datetime
import smtplib

from crontask import cron
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consultations.models import Invitation, Response
from lib.jobs import retry_later

EMAIL_ATTEMPTS = 5
EMAIL_RETRY_DELAY = datetime.timedelta(minutes=1)
ERROR_MAX_LENGTH = 500
# A reminder goes to those who have not answered, a week after the invitation
# (or the last reminder), twice at most.
REMIND_AFTER = datetime.timedelta(days=7)
MAX_REMINDERS = 2


def invitation_message(
    invitation: Invitation, *, reminder: bool
) -> EmailMultiAlternatives:
    round_ = invitation.round
    context = {
        "invitation": invitation,
        "round": round_,
        "reminder": reminder,
        "answer_url": settings.SITE_ROOT + invitation.get_absolute_url(),
    }
    with translation.override(invitation.language):
        subject = " ".join(
            render_to_string(
                "consultations/email/invitation_subject.txt", context
            ).split()
        )
        body = render_to_string("consultations/email/invitation_body.txt", context)
    return EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]
    )


@task
def send_invitation(
    *, invitation_id: int, reminder: bool = False, attempt: int = 1
) -> str:
    """Send one invitation (or its reminder), unless it was answered since."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("round", "organisation")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or not invitation.email:
            return "skipped"
        if invitation.round.state in {"draft", "closed"}:
            return "round not open"
        if (
            reminder
            and invitation.responses.filter(status=Response.Status.SUBMITTED).exists()
        ):
            return "answered"
        try:
            invitation_message(invitation, reminder=reminder).send()
        except (smtplib.SMTPException, OSError) as error:
            invitation.delivery = Invitation.Delivery.FAILED
            invitation.delivery_error = f"{type(error).__name__}: {error}"[
                :ERROR_MAX_LENGTH
            ]
            invitation.save(update_fields=["delivery", "delivery_error"])
            failure: Exception | None = error
        else:
            failure = None
            now = timezone.now()
            invitation.delivery = Invitation.Delivery.SENT
            invitation.delivery_error = ""
            fields = ["delivery", "delivery_error"]
            if reminder:
                invitation.reminded_at = now
                invitation.reminders += 1
                fields += ["reminded_at", "reminders"]
            else:
                invitation.sent_at = now
                fields.append("sent_at")
            invitation.save(update_fields=fields)
    if failure is not None:
        retry_later(
            send_invitation,
            kwargs={"invitation_id": invitation_id, "reminder": reminder},
            attempt=attempt,
            max_attempts=EMAIL_ATTEMPTS,
            error=failure,
            delay=EMAIL_RETRY_DELAY,
        )
    return "sent"


@cron("30 7 * * *")  # type: ignore[untyped-decorator]
@task
def send_reminders() -> str:
    """Remind those who have not answered an open round, a week after their
    invitation or their last reminder, twice at most."""
    now = timezone.now()
    due = (
        Invitation.objects.filter(
            round__launched_at__isnull=False,
            round__opens_at__lte=now,
            round__closes_at__gt=now,
            sent_at__lte=now - REMIND_AFTER,
            reminders__lt=MAX_REMINDERS,
        )
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_AFTER))
        .exclude(email="")
        .exclude(responses__status=Response.Status.SUBMITTED)
        .values_list("pk", flat=True)
    )
    ids = list(due)
    for pk in ids:
        send_invitation.enqueue(invitation_id=pk, reminder=True)
    return f"{len(ids)} reminders queued"
