"""Helpers for background tasks (`django.tasks`): retries and idempotence.

django-tasks-db runs each queued task once and records it as failed when it
raises. A task that may succeed later (an SMTP server that is down) queues its
next attempt itself with `retry_later`; a task that may safely run again after its
worker died mid-way is marked `idempotent` (see `jobs.services.tasks_recover`).
"""

import datetime
from collections.abc import Callable
from typing import Any, NoReturn

from django.tasks import Task
from django.utils import timezone

IDEMPOTENT = "maillage_idempotent"


def idempotent[F: Callable[..., Any]](func: F) -> F:
    """Mark a task function (under `@task`) as safe to run again from the start:
    when its worker dies during it, it is queued again instead of failed."""
    setattr(func, IDEMPOTENT, True)
    return func


def is_idempotent(task: Task[Any, Any]) -> bool:
    return bool(getattr(task.func, IDEMPOTENT, False))


class RetryScheduled(Exception):
    """This attempt failed and the next one is queued: the attempt's row records
    the failure, the next attempt is a row of its own."""


def retry_later(
    task: Task[Any, Any],
    *,
    kwargs: dict[str, Any],
    attempt: int,
    max_attempts: int,
    error: Exception,
    delay: datetime.timedelta,
) -> NoReturn:
    """Queue attempt `attempt + 1` of `task` with `kwargs`, after `delay` times the
    attempt number, then raise RetryScheduled; after `max_attempts`, raise `error`.

    The task's kwargs must hold nothing but JSON values (ids, strings)."""
    if attempt >= max_attempts:
        raise error
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay * attempt)
    task.enqueue(**kwargs, attempt=attempt + 1)
    raise RetryScheduled(
        f"Attempt {attempt} of {max_attempts} failed ({type(error).__name__}: "
        f"{error}); attempt {attempt + 1} is queued."
    ) from error
