"""The real worker: `manage.py run_worker` in its own process, on a SQLite file
of its own (the test database lives in a transaction no other process sees)."""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

MANAGE = str(settings.BASE_DIR / "manage.py")
TABLE = "django_tasks_database_dbtaskresult"


def environment(database: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "SQLITE_PATH": str(database),
        "TASKS_BACKEND": "database",
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_LOST_SECONDS": "30",
    }
    env.pop("DATABASE_URL", None)
    return env


def django(env: dict[str, str], code: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, MANAGE, "shell", "--no-imports", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class WorkerTestCase(SimpleTestCase):
    """Each test gets a copy of a database holding the task tables only."""

    template: tempfile.TemporaryDirectory[str]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = tempfile.TemporaryDirectory(prefix="maillage-worker-")
        database = Path(cls.template.name) / "tasks.sqlite3"
        django(
            environment(database),
            "from django.core.management import call_command as c; "
            "c('migrate', 'django_tasks_database', verbosity=0); "
            "c('migrate', 'jobs', verbosity=0)",
        )

    @classmethod
    def tearDownClass(cls):
        cls.template.cleanup()
        super().tearDownClass()

    def setUp(self):
        folder = tempfile.TemporaryDirectory(prefix="maillage-worker-")
        self.addCleanup(folder.cleanup)
        self.folder = folder.name
        self.database = Path(self.folder) / "tasks.sqlite3"
        shutil.copy(Path(self.template.name) / "tasks.sqlite3", self.database)
        self.env = environment(self.database)

    def django(self, code: str) -> str:
        return django(self.env, code)

    def beats(self) -> int:
        with sqlite3.connect(self.database) as db:
            return int(db.execute("SELECT count(*) FROM jobs_workerbeat").fetchone()[0])

    def enqueue(self, name: str, *args: object) -> str:
        call = ", ".join(json.dumps(arg) for arg in args)
        return self.django(
            f"from jobs.tests import sample_tasks as t; "
            f"print(t.{name}.enqueue({call}).id)"
        ).strip()

    def worker(self, *options: str) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, MANAGE, "run_worker", "--no-startup-delay", *options],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def run_batch(self) -> str:
        process = self.worker("--batch", "--interval", "0")
        output, _ = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, output)
        return output

    def row(self, task_id: str) -> dict[str, object]:
        with sqlite3.connect(self.database) as db:
            db.row_factory = sqlite3.Row
            row = db.execute(
                f"SELECT * FROM {TABLE} WHERE id = ?",  # noqa: S608 - a constant
                (task_id.replace("-", ""),),
            ).fetchone()
        self.assertIsNotNone(row, task_id)
        return dict(row)

    def trace(self, name: str) -> list[str]:
        path = Path(self.folder) / name
        return path.read_text().splitlines() if path.exists() else []

    def wait_for(self, name: str, line: str, process: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + 30
        while line not in self.trace(name):
            self.assertIsNone(process.poll(), "the worker stopped")
            self.assertLess(time.monotonic(), deadline, f"{line} never came")
            time.sleep(0.05)


class WorkerTests(WorkerTestCase):
    def test_it_runs_queued_tasks_and_records_their_outcome(self):
        done = self.enqueue("write_trace", self.folder, "bonjour")
        failed = self.enqueue("fail", "SMTP en panne")
        self.run_batch()
        self.assertEqual(self.trace("trace.txt"), ["bonjour"])
        self.assertEqual(self.row(done)["status"], "SUCCESSFUL")
        self.assertEqual(json.loads(str(self.row(done)["return_value"])), "BONJOUR")
        row = self.row(failed)
        self.assertEqual(row["status"], "FAILED")
        self.assertIn("ValueError: SMTP en panne", str(row["traceback"]))

    def kill_during(self, name: str) -> str:
        task_id = self.enqueue(name, self.folder, 60)
        process = self.worker("--interval", "0.1")
        self.addCleanup(process.kill)
        trace = "send.txt" if name == "send_slowly" else "export.txt"
        self.wait_for(trace, "started", process)
        self.assertEqual(self.row(task_id)["status"], "RUNNING")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        self.assertEqual(self.row(task_id)["status"], "RUNNING")
        return task_id

    def test_a_task_killed_with_its_worker_is_failed_not_run_twice(self):
        task_id = self.kill_during("send_slowly")
        # The next worker on this machine sees the dead process at once.
        self.run_batch()
        row = self.row(task_id)
        self.assertEqual(row["status"], "FAILED")
        self.assertEqual(row["exception_class_path"], "jobs.services.WorkerLost")
        self.assertIn("stopped while running this task", str(row["traceback"]))
        self.assertEqual(self.trace("send.txt"), ["started"])

    def test_an_idempotent_task_killed_with_its_worker_runs_again(self):
        task_id = self.kill_during("export_slowly")
        self.run_batch()
        row = self.row(task_id)
        self.assertEqual(row["status"], "SUCCESSFUL")
        self.assertEqual(len(json.loads(str(row["worker_ids"]))), 2)
        self.assertEqual(self.trace("export.txt"), ["started", "started", "done"])

    def test_it_stops_cleanly_on_sigterm_and_forgets_its_heartbeat(self):
        process = self.worker("--interval", "0.1")
        self.addCleanup(process.kill)
        deadline = time.monotonic() + 30
        while not self.beats():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)
        self.assertEqual(self.beats(), 0)

    def test_a_stop_as_soon_as_it_has_beaten_still_ends_cleanly(self):
        # The first beat comes before the worker's loop takes over the signals.
        process = self.worker("--interval", "0.1")
        self.addCleanup(process.kill)
        deadline = time.monotonic() + 30
        while not self.beats():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.001)
        process.send_signal(signal.SIGTERM)
        self.assertEqual(process.wait(timeout=30), 0)
        self.assertEqual(self.beats(), 0)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ServeTests(WorkerTestCase):
    def test_it_serves_and_runs_a_worker_until_ctrl_c(self):
        port = free_port()
        # Started as a shell starts a background job: SIGINT ignored. The
        # reloading server runs in a child process of its own.
        process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, MANAGE, "serve", f"127.0.0.1:{port}"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=ignore_sigint,
        )
        self.addCleanup(process.kill)
        task_id = self.enqueue("write_trace", self.folder, "servi")
        deadline = time.monotonic() + 60
        status = 0
        while status != 200 or self.trace("trace.txt") != ["servi"]:
            self.assertIsNone(process.poll(), "serve stopped")
            self.assertLess(time.monotonic(), deadline, "the site or worker is not up")
            time.sleep(0.1)
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=5
                ) as response:
                    status = response.status
            except OSError:
                status = 0
        self.assertEqual(self.row(task_id)["status"], "SUCCESSFUL")
        self.assertEqual(self.beats(), 1)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 0, output)
        self.assertIn(f"http://127.0.0.1:{port}/", output)
        # The worker stopped cleanly: it forgot its heartbeat.
        self.assertEqual(self.beats(), 0)
