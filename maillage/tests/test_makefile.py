"""`make run` serves the site and a worker, and names the port it serves on."""

import shutil
import subprocess
import unittest

from django.conf import settings
from django.test import SimpleTestCase


@unittest.skipIf(shutil.which("make") is None, "GNU make is not installed")
class MakeRunTests(SimpleTestCase):
    def dry_run(self, *arguments: str) -> str:
        result = subprocess.run(  # noqa: S603 - a fixed command
            ["make", "--dry-run", "--always-make", "run", *arguments],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout

    def test_it_names_the_port_it_serves_on(self):
        commands = self.dry_run("PORT=8123")
        self.assertIn(
            "SITE_ROOT=http://127.0.0.1:8123 .venv/bin/python manage.py seed_demo",
            commands,
        )
        self.assertIn("manage.py serve 127.0.0.1:8123", commands)

    def test_it_serves_on_8000_by_default_with_a_worker(self):
        commands = self.dry_run()
        self.assertIn("SITE_ROOT=http://127.0.0.1:8000", commands)
        self.assertIn("manage.py serve 127.0.0.1:8000", commands)
