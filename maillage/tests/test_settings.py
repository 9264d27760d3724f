"""Settings come from the environment; a bad value stops the process, naming it."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-secret-for-tests-only-" + "y" * 20,
    "ALLOWED_HOSTS": "maillage.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    ignored = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    sqlite_path = Path(tempfile.mkdtemp()) / "settings.sqlite3"
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=Path(settings.BASE_DIR),
        env={**clean, "SQLITE_PATH": str(sqlite_path), **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        (
            "LOGIN_FAILURE_LIMIT",
            "five",
            "LOGIN_FAILURE_LIMIT='five' is not a whole number",
        ),
        ("LOGIN_FAILURE_LIMIT", "0", "LOGIN_FAILURE_LIMIT=0 is below the minimum 1"),
        ("TERRITORY_SCOPE", "99000", "TERRITORY_SCOPE='99000' is not one of"),
        ("DATABASE_URL", "nosuchdb://x", "DATABASE_URL is not valid"),
        ("MAP_TILE_URL", "http://tiles.example.org/{z}/{x}/{y}.png", "https URL"),
        ("MAP_TILE_URL", "https://tiles.example.org/tile.png", "{z}, {x} and {y}"),
        ("MAP_TILE_URL", "https://{s}.tile.example.org/{z}/{x}/{y}.png", "no {s}"),
    ],
)
def test_it_refuses_a_bad_environment_variable(variable, value, message):
    result = run_manage("check", **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_it_requires_a_secret_key_without_debug():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_the_development_key_without_debug():
    result = run_manage("check", DEBUG="false", SECRET_KEY="short", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_it_requires_allowed_hosts_without_debug():
    env = {**PRODUCTION_ENV, "ALLOWED_HOSTS": ""}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_it_passes_the_deployment_checks_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_uses_sqlite_with_wal_and_immediate_transactions_by_default():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['OPTIONS']['transaction_mode'], "
        "'journal_mode=WAL' in d['OPTIONS']['init_command'])",
    )
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.split() == ["django.db.backends.sqlite3", "IMMEDIATE", "True"]


def test_a_tile_server_is_allowed_in_the_csp():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_CSP['img-src'])",
        MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
    )
    assert result.returncode == 0, result.stderr
    assert "'https://tiles.example.org'" in result.stdout
