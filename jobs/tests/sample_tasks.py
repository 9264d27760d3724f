"""Tasks for the worker tests: each leaves a trace in a folder, so that a test can
see what ran, and how many times, from another process."""

import time
from pathlib import Path

from django.tasks import task

from lib.jobs import idempotent


def _append(folder: str, name: str, line: str) -> int:
    path = Path(folder) / name
    with path.open("a") as trace:
        trace.write(line + "\n")
    return len(path.read_text().splitlines())


@task
def write_trace(folder: str, text: str) -> str:
    _append(folder, "trace.txt", text)
    return text.upper()


@task
def fail(message: str) -> None:
    raise ValueError(message)


@task
def send_slowly(folder: str, seconds: float) -> None:
    """Not idempotent, like an e-mail: starts, then takes its time."""
    _append(folder, "send.txt", "started")
    time.sleep(seconds)
    _append(folder, "send.txt", "sent")


@task
@idempotent
def export_slowly(folder: str, seconds: float) -> None:
    """Idempotent, like an export: slow the first time only."""
    runs = _append(folder, "export.txt", "started")
    if runs == 1:
        time.sleep(seconds)
    _append(folder, "export.txt", "done")
