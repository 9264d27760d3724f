"""`manage.py run_worker`: django-tasks-db's `db_worker`, which also says it is
alive and settles the tasks of dead workers (see jobs.services)."""

import logging
import os
import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from jobs.services import OWN_WORKERS, tasks_recover, worker_beat, worker_stop

logger = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    """Beats every WORKER_HEARTBEAT_SECONDS and recovers lost tasks, beside the
    worker's loop (which may spend minutes in one task)."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def beat(self) -> None:
        try:
            worker_beat(
                worker_id=self.worker_id,
                started_at=self.started_at,
                now=timezone.now(),
            )
            tasks_recover()
        except Exception:
            logger.exception("The worker %s could not beat.", self.worker_id)
        finally:
            close_old_connections()

    def run(self) -> None:
        try:
            while not self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
                self.beat()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=5)
        worker_stop(worker_id=self.worker_id)


def _stop_before_start(signum: int, frame: object) -> None:
    raise SystemExit(0)


class Command(db_worker.Command):
    help = (
        "Run a worker of the database task queue (django-tasks-db's db_worker) "
        "that also records that it is alive and, at start and then regularly, "
        "fails or queues again the tasks left running by dead workers."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Reloading would run the tasks in a child process under another id.
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        reloader_parent = (
            options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        if reloader_parent:
            super().handle(*args, **options)
            return
        worker_id = options["worker_id"]
        OWN_WORKERS.add(worker_id)
        heartbeat = Heartbeat(worker_id)
        # Until the worker's loop installs its own handlers, a stop request ends
        # the process cleanly: no task has been taken yet.
        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, _stop_before_start)
        try:
            heartbeat.beat()
            heartbeat.start()
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
