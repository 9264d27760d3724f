"""What the workers write besides the tasks themselves: that they are alive, and
what becomes of a task whose worker died while running it.

django-tasks-db marks a task RUNNING when a worker claims it and FAILED or
SUCCESSFUL when it ends; a worker killed in between (SIGKILL, out of memory, a
machine lost) leaves the row RUNNING for ever. Each worker therefore beats
(`worker_beat`) and every worker looks for the tasks of dead ones
(`tasks_recover`): an idempotent task is queued again, any other (an e-mail,
which must not be sent twice) is marked failed with the reason.
"""

import datetime
import logging
import os
import socket
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import WorkerBeat
from lib.jobs import is_idempotent

logger = logging.getLogger(__name__)

# An idempotent task lost with this many workers is failed instead of requeued.
MAX_LOST_ATTEMPTS = 3
LOST_ERROR = "jobs.services.WorkerLost"
# A dead worker's heartbeat is deleted after this long.
FORGET_AFTER = datetime.timedelta(days=1)
# The worker ids this process runs (run_worker adds its own).
OWN_WORKERS: set[str] = set()


def worker_beat(
    *, worker_id: str, started_at: datetime.datetime, now: datetime.datetime
) -> None:
    """Record that the worker is alive, on this machine and in this process."""
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname(),
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )


def worker_stop(*, worker_id: str) -> None:
    """Forget a worker that stopped cleanly."""
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_dead(beat: WorkerBeat | None, *, lost_before: datetime.datetime) -> bool:
    """Whether a worker is gone: silent for too long or, on this machine, its
    process has ended (so that a restarted worker recovers at once)."""
    if beat is None:
        return False
    if beat.seen_at < lost_before:
        return True
    if beat.hostname != socket.gethostname():
        return False
    if beat.pid == os.getpid():
        # Our own process id, reused from a worker that died before us.
        return beat.worker_id not in OWN_WORKERS
    return not _process_exists(beat.pid)


@dataclass
class Recovery:
    failed: list[str] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)


def tasks_recover(*, now: datetime.datetime | None = None) -> Recovery:
    """Settle the tasks left RUNNING by dead workers: queue an idempotent one again
    (at most MAX_LOST_ATTEMPTS times), mark any other failed with the reason.

    A task whose worker never beat (a plain `db_worker`) is judged by its age:
    lost once it has run for WORKER_LOST_SECONDS."""
    now = now or timezone.now()
    lost_before = now - datetime.timedelta(seconds=settings.WORKER_LOST_SECONDS)
    recovery = Recovery()
    # Workers that died long ago (their tasks were settled then) are forgotten.
    WorkerBeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    running = list(DBTaskResult.objects.running())
    if not running:
        return recovery
    beats = {beat.worker_id: beat for beat in WorkerBeat.objects.all()}
    for result in running:
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        beat = beats.get(worker_id)
        if beat is None:
            started = result.started_at or result.enqueued_at
            if started >= lost_before:
                continue
        elif not _is_dead(beat, lost_before=lost_before):
            continue
        _settle(result, beat=beat, now=now, recovery=recovery)
    return recovery


def _settle(
    result: DBTaskResult[Any, Any],
    *,
    beat: WorkerBeat | None,
    now: datetime.datetime,
    recovery: Recovery,
) -> None:
    try:
        again = is_idempotent(result.task)
    except Exception:  # the task's code is gone or broken: fail it
        again = False
    still_running = DBTaskResult.objects.filter(
        pk=result.pk, status=TaskResultStatus.RUNNING
    )
    where = f" on {beat.hostname}, process {beat.pid}" if beat else ""
    with transaction.atomic():
        if again and len(result.worker_ids) < MAX_LOST_ATTEMPTS:
            if still_running.update(status=TaskResultStatus.READY, started_at=None):
                recovery.requeued.append(str(result.pk))
                logger.warning("Task %s lost with its worker: queued again.", result.pk)
            return
        message = (
            f"{LOST_ERROR}: the worker {result.worker_ids[-1:]}{where} stopped "
            f"while running this task; it was not run again"
            + (
                " (it may have done part of its work)."
                if not again
                else f" after {len(result.worker_ids)} attempts."
            )
        )
        if still_running.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=LOST_ERROR,
            traceback=message,
        ):
            recovery.failed.append(str(result.pk))
            logger.warning("Task %s lost with its worker: marked failed.", result.pk)
