"""The platform's e-mails go through a task: queued on commit, with ids and
strings only, retried a bounded number of times when the SMTP server fails."""

import smtplib
from unittest import mock

from django.core import mail
from django.tasks.signals import task_enqueued

from accounts.tasks import EMAIL_ATTEMPTS, send_password_reset_email
from accounts.testing import BaseTestCase
from lib.jobs import RetryScheduled

RESET = "/comptes/mot-de-passe/oubli/"


class PasswordResetEmailTests(BaseTestCase):
    def enqueued(self) -> list[object]:
        results: list[object] = []

        def record(sender: object, task_result: object, **kwargs: object) -> None:
            results.append(task_result)

        task_enqueued.connect(record)
        self.addCleanup(task_enqueued.disconnect, record)
        return results

    def test_it_queues_the_email_on_commit_with_serialisable_arguments(self):
        results = self.enqueued()
        with self.captureOnCommitCallbacks() as callbacks:
            self.client.post(RESET, {"email": self.observer.email})
        # Nothing is queued, nor sent, before the transaction commits.
        self.assertEqual((results, mail.outbox), ([], []))
        for callback in callbacks:
            callback()
        self.assertEqual(len(results), 1)
        result = results[0]
        self.assertEqual(result.task.name, "send_password_reset_email")  # type: ignore[attr-defined]
        self.assertEqual(result.args, [])  # type: ignore[attr-defined]
        self.assertEqual(
            result.kwargs,  # type: ignore[attr-defined]
            {
                "user_id": self.observer.pk,
                "domain": "testserver",
                "protocol": "http",
                "language": "fr",
            },
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.observer.email])

    def test_it_is_written_in_the_language_of_the_request(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                RESET, {"email": self.observer.email}, HTTP_ACCEPT_LANGUAGE="nl"
            )
        self.assertNotIn("Bonjour", str(mail.outbox[0].body))

    def test_it_sends_nothing_to_a_deactivated_account(self):
        self.observer.is_active = False
        self.observer.save(update_fields=["is_active"])
        send_password_reset_email.call(
            user_id=self.observer.pk, domain="d", protocol="https", language="fr"
        )
        self.assertEqual(mail.outbox, [])

    def test_it_retries_a_bounded_number_of_times_when_smtp_fails(self):
        results = self.enqueued()
        with (
            mock.patch(
                "django.core.mail.EmailMessage.send",
                side_effect=smtplib.SMTPServerDisconnected("Connexion perdue"),
            ) as send,
            self.assertRaises(RetryScheduled),
        ):
            # Under the immediate backend each queued attempt runs at once.
            send_password_reset_email.call(
                user_id=self.observer.pk, domain="d", protocol="https", language="fr"
            )
        self.assertEqual(send.call_count, EMAIL_ATTEMPTS)
        self.assertEqual(
            [result.kwargs["attempt"] for result in results],  # type: ignore[attr-defined]
            list(range(2, EMAIL_ATTEMPTS + 1)),
        )
        errors = [result.errors[0].traceback for result in results]  # type: ignore[attr-defined]
        self.assertIn(RetryScheduled.__name__, errors[0])
        self.assertIn("SMTPServerDisconnected: Connexion perdue", errors[-1])

    def test_it_succeeds_on_a_later_attempt(self):
        with (
            mock.patch(
                "django.core.mail.EmailMessage.send",
                side_effect=[smtplib.SMTPConnectError(421, "occupé"), 1],
            ),
            self.assertRaises(RetryScheduled),
        ):
            send_password_reset_email.call(
                user_id=self.observer.pk,
                domain="d",
                protocol="https",
                language="fr",
            )
