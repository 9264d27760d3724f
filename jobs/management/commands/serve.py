"""`manage.py serve`: the development server, one task worker and the scheduler
of the periodic tasks (django-crontask: the daily reminders), in one command.

Each runs as a child process in its own process group, so that Ctrl-C reaches
them once, through this command: it forwards SIGINT and SIGTERM to all, and
stops the others when one of them ends."""

import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

# How long the children have to stop after a signal before they are killed.
STOP_SECONDS = 30


class Command(BaseCommand):
    help = (
        "Serve the site with runserver, run one task worker (run_worker) and the "
        "scheduler of the periodic tasks (crontask); Ctrl-C stops them all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default="127.0.0.1:8000",
            help="Address and port to serve on (default: %(default)s).",
        )
        parser.add_argument(
            "--no-reload",
            action="store_true",
            help="Do not restart the server when the code changes.",
        )

    def handle(
        self, *args: Any, addrport: str, no_reload: bool, **options: Any
    ) -> None:
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        server = [
            *manage,
            "runserver",
            addrport,
            *(["--noreload"] if no_reload else []),
        ]
        worker = [*manage, "run_worker", "--no-startup-delay"]
        scheduler = [*manage, "crontask", "--no-heartbeat"]
        children: list[subprocess.Popen[bytes]] = []

        signalled = False

        def signal_children(signum: int) -> None:
            for child in children:
                if child.poll() is None:
                    # The whole group: runserver's reloader runs the server in a
                    # child of its own.
                    os.killpg(child.pid, signum)

        def forward(signum: int, frame: FrameType | None) -> None:
            nonlocal signalled
            signalled = True
            signal_children(signum)

        # Handled here before the children start, so that they start with the
        # default handlers even when this process was started with SIGINT
        # ignored (as a shell does for a background job).
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, forward)
        children.extend(
            subprocess.Popen(command, process_group=0)  # noqa: S603 - our own manage.py
            for command in (server, worker, scheduler)
        )
        if signalled:  # stopped while the children were starting
            signal_children(signal.SIGTERM)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.2)
        finally:
            # One ended by itself: stop the others. After Ctrl-C, a second
            # signal would cut the worker's current task short: let it finish.
            if not signalled:
                signal_children(signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGINT, -signal.SIGTERM) for code in codes):
            sys.exit(1)
