"""The embedded SQLite database takes concurrent writers without lock errors."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Runs in a fresh process with the project's real settings on a temporary file
# database: 8 threads each run 25 read-then-write transactions on one counter.
SCRIPT = """
import threading
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER)")
    cursor.execute("INSERT INTO counter VALUES (1, 0)")
connection.close()

errors = []

def work():
    from django.db import connection
    try:
        for _ in range(25):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT value FROM counter WHERE id = 1")
                    value = cursor.fetchone()[0]
                    cursor.execute(
                        "UPDATE counter SET value = %s WHERE id = 1", [value + 1]
                    )
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=work) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT value FROM counter WHERE id = 1")
    print(cursor.fetchone()[0], len(errors), errors[:3])
"""


def test_it_serialises_concurrent_read_then_write_transactions(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="maillage.settings",
        SQLITE_PATH=str(tmp_path / "concurrency.sqlite3"),
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    value, failures, _ = result.stdout.split(" ", 2)
    assert failures == "0", result.stdout
    # Every increment landed: no lost update between a read and its write.
    assert value == "200"
