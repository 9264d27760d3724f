"""Reads of the task queue for the tasks page."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from lib.jobs import RetryScheduled

RETRY_ERROR = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"


@dataclass(frozen=True)
class TaskRow:
    id: str
    name: str
    queue: str
    status: str
    enqueued_at: datetime.datetime
    run_after: datetime.datetime | None
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    attempts: int
    error: str
    retried: bool

    @property
    def state(self) -> str:
        """queued, running, done or failed."""
        return {
            TaskResultStatus.READY: "queued",
            TaskResultStatus.RUNNING: "running",
            TaskResultStatus.SUCCESSFUL: "done",
        }.get(TaskResultStatus(self.status), "failed")


def _attempts(args_kwargs: dict[str, Any], worker_ids: list[str]) -> int:
    """A retried task counts its attempts in its `attempt` argument; a task
    queued again after its worker died, in the workers that claimed it."""
    kwargs = args_kwargs.get("kwargs") if isinstance(args_kwargs, dict) else None
    attempt = kwargs.get("attempt", 1) if isinstance(kwargs, dict) else 1
    return max(attempt if isinstance(attempt, int) else 1, len(worker_ids), 1)


def _error(exception_class_path: str, traceback: str) -> str:
    """The last line of the traceback: the exception and its message."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1] if lines else exception_class_path


def recent_tasks(*, limit: int = 100, state: str = "") -> list[TaskRow]:
    """The latest tasks queued, newest first, in one query (arguments are not
    read out: they may be personal)."""
    statuses = {
        "queued": TaskResultStatus.READY,
        "running": TaskResultStatus.RUNNING,
        "done": TaskResultStatus.SUCCESSFUL,
        "failed": TaskResultStatus.FAILED,
    }
    rows = DBTaskResult.objects.all()
    if state in statuses:
        rows = rows.filter(status=statuses[state])
    never = get_date_max()
    return [
        TaskRow(
            id=str(row["id"]),
            name=row["task_path"].rsplit(".", 1)[-1],
            queue=row["queue_name"],
            status=row["status"],
            enqueued_at=row["enqueued_at"],
            run_after=None if row["run_after"] == never else row["run_after"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            attempts=_attempts(row["args_kwargs"], row["worker_ids"]),
            error=_error(row["exception_class_path"], row["traceback"])
            if row["status"] == TaskResultStatus.FAILED
            else "",
            retried=row["exception_class_path"] == RETRY_ERROR,
        )
        for row in rows.order_by("-enqueued_at").values(
            "id",
            "task_path",
            "queue_name",
            "status",
            "enqueued_at",
            "run_after",
            "started_at",
            "finished_at",
            "args_kwargs",
            "worker_ids",
            "exception_class_path",
            "traceback",
        )[:limit]
    ]


def task_counts() -> dict[str, int]:
    """How many tasks are queued, running, done and failed."""
    counts = DBTaskResult.objects.aggregate(
        queued=_count(TaskResultStatus.READY),
        running=_count(TaskResultStatus.RUNNING),
        done=_count(TaskResultStatus.SUCCESSFUL),
        failed=_count(TaskResultStatus.FAILED),
    )
    return {key: value or 0 for key, value in counts.items()}


def _count(status: str) -> Count:
    return Count("id", filter=Q(status=status))
