"""What becomes of the tasks left running by a worker that died."""

import datetime
import os
import socket
from typing import Any

from django.tasks import TaskResultStatus
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import WorkerBeat
from jobs.services import MAX_LOST_ATTEMPTS, tasks_recover

NOW = timezone.now()


def running(
    name: str, *workers: str, started: datetime.datetime = NOW
) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        task_path=f"jobs.tests.sample_tasks.{name}",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        status=TaskResultStatus.RUNNING,
        started_at=started,
        worker_ids=list(workers),
    )


def beat(
    worker_id: str,
    *,
    seen: datetime.datetime = NOW,
    hostname: str = "elsewhere.example.org",
    pid: int = 12345,
) -> None:
    WorkerBeat.objects.create(
        worker_id=worker_id,
        hostname=hostname,
        pid=pid,
        started_at=seen,
        seen_at=seen,
    )


def status(task: DBTaskResult[Any, Any]) -> str:
    task.refresh_from_db()
    return task.status


@override_settings(WORKER_LOST_SECONDS=120)
class RecoveryTests(TestCase):
    def test_it_leaves_the_tasks_of_live_workers_alone(self):
        beat("alive", seen=NOW - datetime.timedelta(seconds=60))
        task = running("send_slowly", "alive")
        recovery = tasks_recover(now=NOW)
        self.assertEqual((recovery.failed, recovery.requeued), ([], []))
        self.assertEqual(status(task), TaskResultStatus.RUNNING)

    def test_it_fails_a_task_whose_worker_fell_silent(self):
        beat("silent", seen=NOW - datetime.timedelta(seconds=121))
        task = running("send_slowly", "silent")
        recovery = tasks_recover(now=NOW)
        self.assertEqual(recovery.failed, [str(task.pk)])
        task.refresh_from_db()
        self.assertEqual(task.status, TaskResultStatus.FAILED)
        self.assertEqual(task.exception_class_path, "jobs.services.WorkerLost")
        self.assertIn("elsewhere.example.org, process 12345", task.traceback)
        self.assertEqual(task.finished_at, NOW)

    def test_it_sees_at_once_a_dead_process_on_this_machine(self):
        # A process id that cannot be running: above the kernel's maximum.
        beat("dead", hostname=socket.gethostname(), pid=2**22 + 1)
        beat("me", hostname=socket.gethostname(), pid=os.getpid())
        dead = running("send_slowly", "dead")
        reused = running("send_slowly", "me")
        tasks_recover(now=NOW)
        self.assertEqual(status(dead), TaskResultStatus.FAILED)
        # Our own process id under another worker's name: that worker is gone.
        self.assertEqual(status(reused), TaskResultStatus.FAILED)

    def test_it_queues_an_idempotent_task_again_a_bounded_number_of_times(self):
        beat("silent", seen=NOW - datetime.timedelta(hours=1))
        again = running("export_slowly", "silent")
        spent = running("export_slowly", *["silent"] * MAX_LOST_ATTEMPTS)
        recovery = tasks_recover(now=NOW)
        self.assertEqual(recovery.requeued, [str(again.pk)])
        self.assertEqual(recovery.failed, [str(spent.pk)])
        again.refresh_from_db()
        self.assertEqual(again.status, TaskResultStatus.READY)
        self.assertIsNone(again.started_at)
        self.assertIn(f"after {MAX_LOST_ATTEMPTS} attempts", status_text(spent))

    def test_a_task_of_a_worker_that_never_beat_is_judged_by_its_age(self):
        young = running("send_slowly", "plain", started=NOW)
        old = running(
            "send_slowly", "plain", started=NOW - datetime.timedelta(seconds=121)
        )
        tasks_recover(now=NOW)
        self.assertEqual(status(young), TaskResultStatus.RUNNING)
        self.assertEqual(status(old), TaskResultStatus.FAILED)

    def test_a_task_whose_code_is_gone_is_failed(self):
        beat("silent", seen=NOW - datetime.timedelta(hours=1))
        task = running("no_such_task", "silent")
        tasks_recover(now=NOW)
        self.assertEqual(status(task), TaskResultStatus.FAILED)


def status_text(task: DBTaskResult[Any, Any]) -> str:
    task.refresh_from_db()
    return task.traceback


class ForgetTests(TestCase):
    def test_it_forgets_workers_dead_for_a_day(self):
        beat("long-gone", seen=NOW - datetime.timedelta(days=1, seconds=1))
        beat("recent", seen=NOW - datetime.timedelta(hours=23))
        tasks_recover(now=NOW)
        self.assertEqual(
            list(WorkerBeat.objects.values_list("worker_id", flat=True)), ["recent"]
        )
