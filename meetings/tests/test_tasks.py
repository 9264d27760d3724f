"""Sending in the background: an invitation survives a mail server that fails
(retried, its state shown) and is never sent twice; reminders go once per
action and stage, in one e-mail per person per day."""

import datetime
import smtplib
from typing import Any, ClassVar

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings

from lib.jobs import RetryScheduled
from meetings import reminders, services
from meetings.models import Action, Invitation, Reminder, ReminderDigest
from meetings.tasks import send_invitation, send_reminders
from meetings.tests.base import MeetingTestCase

FLAKY = {"default": {"BACKEND": "meetings.tests.test_tasks.FailingOnceBackend"}}


class FailingOnceBackend(EmailBackend):
    """A mail server that is down for the first attempt, then up."""

    attempts: ClassVar[int] = 0

    def send_messages(self, messages: Any) -> int:
        type(self).attempts += 1
        if type(self).attempts == 1:
            raise smtplib.SMTPServerDisconnected("Serveur injoignable")
        return super().send_messages(messages)


@override_settings(SITE_ROOT="https://maillage.example.org")
class InvitationSendingTests(MeetingTestCase):
    def setUp(self) -> None:
        FailingOnceBackend.attempts = 0

    def test_a_failing_server_loses_nothing_and_sends_once(self):
        invitation = self.scoping.invitations.get()
        with override_settings(MAILERS=FLAKY):
            # The first attempt fails and queues the next, which (under the
            # immediate backend) runs at once and succeeds.
            with self.assertRaises(RetryScheduled):
                send_invitation.call(invitation_id=invitation.pk, sequence=0)
            self.assertEqual(FailingOnceBackend.attempts, 2)
            self.assertEqual(len(mail.outbox), 1)
            invitation.refresh_from_db()
            self.assertEqual(invitation.delivery, Invitation.Delivery.SENT)
            self.assertEqual(invitation.delivery_error, "")
            self.assertEqual(invitation.sent_sequence, 0)
            # Queued again (a double click, a worker restarted): not sent again.
            self.assertEqual(
                send_invitation.call(invitation_id=invitation.pk, sequence=0),
                "already sent",
            )
            with self.captureOnCommitCallbacks(execute=True):
                self.assertEqual(services.invitations_send(self.scoping), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(FailingOnceBackend.attempts, 2)

    def test_the_failure_and_its_reason_are_shown_meanwhile(self):
        invitation = self.scoping.invitations.get()
        down = {"default": {"BACKEND": "meetings.tests.test_tasks.AlwaysDown"}}
        with (
            override_settings(MAILERS=down),
            self.assertRaises(smtplib.SMTPServerDisconnected),
        ):
            send_invitation.call(invitation_id=invitation.pk, sequence=0, attempt=5)
        invitation.refresh_from_db()
        self.assertEqual(invitation.delivery, Invitation.Delivery.FAILED)
        self.assertIn(
            "SMTPServerDisconnected: Serveur injoignable", invitation.delivery_error
        )
        self.assertEqual(invitation.sent_sequence, -1)

    def test_a_superseded_version_is_not_sent(self):
        invitation = self.scoping.invitations.get()
        services.meeting_update(
            self.scoping,
            by=self.coordinator,
            version=None,
            fields={"title": "Cadrage (nouvelle date)"},
            send=False,
        )
        self.assertEqual(
            send_invitation.call(invitation_id=invitation.pk, sequence=0), "superseded"
        )
        self.assertEqual(mail.outbox, [])


class AlwaysDown(EmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Serveur injoignable")


@override_settings(SITE_ROOT="https://maillage.example.org")
class ReminderTests(MeetingTestCase):
    def action(self, title: str, due: datetime.date, **fields: Any) -> Action:
        return services.action_create(
            by=self.coordinator,
            meeting=self.meeting,
            fields={
                "title": title,
                "owner_organisation": self.organisation_a,
                "owner": self.focal_point_a,
                "due_date": due,
                **fields,
            },
        )

    def run_reminders(self, today: datetime.date) -> list[ReminderDigest]:
        with self.captureOnCommitCallbacks(execute=True):
            return reminders.reminders_prepare(today=today)

    def test_an_overdue_action_is_recalled_exactly_once(self):
        today = datetime.date(2031, 2, 1)
        self.action("Envoyer la liste", datetime.date(2031, 1, 20))
        self.run_reminders(today)
        self.run_reminders(today)
        self.run_reminders(today + datetime.timedelta(days=1))
        (message,) = mail.outbox
        self.assertEqual(message.to, [self.focal_point_a.email])
        self.assertIn("Envoyer la liste", message.body)
        self.assertIn("En retard", message.body)
        self.assertEqual(Reminder.objects.get().stage, Reminder.Stage.OVERDUE)
        self.assertEqual(
            ReminderDigest.objects.get().delivery, ReminderDigest.Delivery.SENT
        )

    def test_one_digest_a_day_with_every_action_due(self):
        today = datetime.date(2031, 2, 1)
        self.action("Première", datetime.date(2031, 1, 20))
        self.action("Deuxième", datetime.date(2031, 2, 3))
        self.action("Lointaine", datetime.date(2031, 3, 3))
        self.action("Faite", datetime.date(2031, 1, 3), status=Action.Status.DONE)
        self.run_reminders(today)
        (message,) = mail.outbox
        self.assertIn("Première", message.body)
        self.assertIn("Deuxième", message.body)
        self.assertNotIn("Lointaine", message.body)
        self.assertNotIn("Faite", message.body)
        self.assertIn("2 actions", message.subject)

    def test_an_action_due_soon_is_recalled_again_once_overdue(self):
        action = self.action("Relancer", datetime.date(2031, 2, 3))
        self.run_reminders(datetime.date(2031, 2, 1))
        self.run_reminders(datetime.date(2031, 2, 2))
        self.run_reminders(datetime.date(2031, 2, 4))
        self.run_reminders(datetime.date(2031, 2, 5))
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(
            sorted(action.reminders.values_list("stage", flat=True)),
            ["overdue", "soon"],
        )

    def test_an_action_without_a_person_recalls_its_organisation_s_focal_points(self):
        self.action("Sans personne", datetime.date(2031, 1, 2), owner=None)
        self.run_reminders(datetime.date(2031, 2, 1))
        (message,) = mail.outbox
        self.assertEqual(message.to, [self.focal_point_a.email])

    def test_the_scheduled_task_prepares_and_sends(self):
        self.action("Ancienne", datetime.date(2020, 1, 2))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(send_reminders.call(), "1 digests")
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(send_reminders.call(), "0 digests")
        self.assertEqual(len(mail.outbox), 1)
