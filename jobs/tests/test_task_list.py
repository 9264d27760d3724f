"""The tasks page: coordinators and administrators see the queue, nobody else."""

import datetime
from typing import Any

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.testing import BaseTestCase

URL = "/taches/"


def make_task(name: str, status: str, **fields: object) -> DBTaskResult[Any, Any]:
    fields.setdefault("args_kwargs", {"args": ["secret@example.org"], "kwargs": {}})
    return DBTaskResult.objects.create(
        task_path=f"jobs.tests.sample_tasks.{name}",
        backend_name="default",
        status=status,
        **fields,
    )


class TaskListTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        make_task("write_trace", TaskResultStatus.READY)
        make_task(
            "send_slowly",
            TaskResultStatus.RUNNING,
            started_at=now,
            worker_ids=["w1"],
        )
        make_task(
            "export_slowly",
            TaskResultStatus.SUCCESSFUL,
            started_at=now,
            finished_at=now,
            worker_ids=["w1", "w2"],
        )
        make_task(
            "fail",
            TaskResultStatus.FAILED,
            started_at=now,
            finished_at=now,
            worker_ids=["w1"],
            exception_class_path="smtplib.SMTPServerDisconnected",
            traceback="Traceback…\nsmtplib.SMTPServerDisconnected: Connexion perdue\n",
        )
        make_task(
            "fail",
            TaskResultStatus.FAILED,
            args_kwargs={"args": [], "kwargs": {"attempt": 3}},
            run_after=now + datetime.timedelta(minutes=5),
            exception_class_path="lib.jobs.RetryScheduled",
            traceback="lib.jobs.RetryScheduled: Attempt 3 of 5 failed\n",
        )

    def test_it_is_denied_to_everyone_but_coordinators_and_administrators(self):
        expected = {
            "anonymous": 302,
            "admin": 200,
            "coordinator": 200,
            "focal_point_a": 403,
            "focal_point_b": 403,
            "observer": 403,
        }
        for name, user in self.personas().items():
            self.login(user)
            response = self.client.get(URL)
            self.assertEqual(response.status_code, expected[name], name)
            if name == "anonymous":
                self.assertIn("/comptes/connexion/", response["Location"])

    def test_it_lists_each_task_with_its_state_attempts_and_error(self):
        self.login(self.coordinator)
        with self.assertNumQueries(4):  # session, user, tasks, counts
            response = self.client.get(URL)
        tasks = response.context["tasks"]
        self.assertEqual(len(tasks), 5)
        states = sorted((task.name, task.state, task.attempts) for task in tasks)
        self.assertEqual(
            states,
            [
                ("export_slowly", "done", 2),
                ("fail", "failed", 1),
                ("fail", "failed", 3),
                ("send_slowly", "running", 1),
                ("write_trace", "queued", 1),
            ],
        )
        self.assertContains(
            response, "smtplib.SMTPServerDisconnected: Connexion perdue"
        )
        self.assertContains(response, "échec, nouvel essai prévu")
        self.assertContains(response, "en cours")
        self.assertContains(response, "En échec (2)")
        # Arguments may be personal data: never shown.
        self.assertNotContains(response, "secret@example.org")

    def test_it_filters_by_state(self):
        self.login(self.admin)
        response = self.client.get(URL, {"etat": "failed"})
        self.assertEqual({task.state for task in response.context["tasks"]}, {"failed"})
        response = self.client.get(URL, {"etat": "nonsense"})
        self.assertEqual(len(response.context["tasks"]), 5)

    def test_the_navigation_links_it_for_coordinators_only(self):
        for name, user in self.personas().items():
            self.login(user)
            response = self.client.get("/")
            shown = 'href="/taches/"' in response.content.decode()
            self.assertEqual(shown, name in {"admin", "coordinator"}, name)
