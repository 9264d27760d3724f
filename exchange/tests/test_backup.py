"""`manage.py backup` and `manage.py restore`, run as the operator runs them.

Every round trip goes through subprocesses of `manage.py` pointed at throwaway
databases (SQLite files in a temporary folder, PostgreSQL databases
`maillage_bk_<pid>_<n>` on the local server) by DATABASE_URL / SQLITE_PATH, and
compares every row of every table, as dicts read through the ORM by a separate
process, and the media files' bytes.
"""

import base64
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader

from lib.collation import sqlite_register

# These tests make their own SQLite and PostgreSQL databases and cover both: the
# suite's second run, on PostgreSQL, would only repeat them.
pytestmark = pytest.mark.skipif(
    "postgresql" in str(settings.DATABASES["default"]["ENGINE"]),
    reason="run with the SQLite suite, where they cover PostgreSQL too",
)

MANAGE = Path(settings.BASE_DIR) / "manage.py"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
MEDIA_BYTES = bytes(range(256)) * 3
SEARCHED = "Liège"

# Run by `manage.py shell -c` in the database under test: every row of every
# table, as the ORM reads it, the media files' bytes and what a search finds.
DUMP = """
import base64, datetime, decimal, json, os, uuid
from pathlib import Path
from django.apps import apps
from django.conf import settings
from django.db import connection
from register.models import Organisation, Service
from register.search import search

def plain(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta,
                          decimal.Decimal, uuid.UUID)):
        return [type(value).__name__, str(value)]
    return value

tables = set(connection.introspection.table_names())
rows = {}
for model in apps.get_models(include_auto_created=True):
    meta = model._meta
    if meta.proxy or not meta.managed or meta.db_table not in tables:
        continue
    rows[meta.label_lower] = [
        {key: plain(value) for key, value in row.items()}
        for row in model._base_manager.order_by("pk").values()
    ]
root = Path(settings.MEDIA_ROOT)
media = {
    path.relative_to(root).as_posix(): base64.b64encode(path.read_bytes()).decode()
    for path in sorted(root.rglob("*")) if path.is_file()
} if root.is_dir() else {}
query = os.environ["BK_SEARCH"]
found = {
    "organisations": sorted(search(Organisation.objects.all(), query)
                            .values_list("pk", flat=True)),
    "services": sorted(search(Service.objects.all(), query)
                       .values_list("pk", flat=True)),
}
Path(os.environ["BK_DUMP_TO"]).write_text(json.dumps(
    {"rows": rows, "media": media, "search": found, "vendor": connection.vendor}
))
"""

# Run once in the source database: history edits, a session, an uploaded file.
EDITS = """
import os
from pathlib import Path
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from register.models import Organisation
from register.services import organisation_archive, organisation_update

by = User.objects.order_by("pk").first()
first, second = Organisation.objects.order_by("pk")[:2]
organisation_update(
    organisation_id=first.pk, by=by, expected_version=first.version,
    fields={"description": "Modifiée — «guillemets», 🙂 et\\nretour à la ligne"},
)
organisation_archive(organisation_id=second.pk, by=by)
session = SessionStore()
session["note"] = "kept"
session.create()
media = Path(settings.MEDIA_ROOT) / "logos" / "cpas-liège.bin"
media.parent.mkdir(parents=True, exist_ok=True)
media.write_bytes(bytes.fromhex(os.environ["BK_MEDIA_HEX"]))
"""


@dataclass
class Target:
    """A database (and a MEDIA_ROOT) that the subprocesses are pointed at."""

    env: dict[str, str]
    media: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, str(MANAGE), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result

    def dump(self, folder: Path) -> dict[str, Any]:
        out = folder / f"dump-{next(_numbers)}.json"
        env = {**self.env, "BK_DUMP_TO": str(out), "BK_SEARCH": SEARCHED}
        Target(env, self.media).run("shell", "-v", "0", "-c", DUMP)
        dumped: dict[str, Any] = json.loads(out.read_text())
        return dumped


_numbers = count(1)


def _base_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SQLITE_PATH", "MEDIA_ROOT"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "maillage.settings"
    return env


def sqlite_target(folder: Path, name: str) -> Target:
    media = folder / f"media-{name}"
    env = {
        **_base_env(),
        "SQLITE_PATH": str(folder / f"{name}.sqlite3"),
        "MEDIA_ROOT": str(media),
    }
    return Target(env, media)


def assert_same(restored: dict[str, Any], source: dict[str, Any]) -> None:
    assert set(restored["rows"]) == set(source["rows"])
    for label, rows in source["rows"].items():
        assert restored["rows"][label] == rows, f"{label} differs after the restore"
    assert restored["media"] == source["media"]
    assert restored["search"] == source["search"]


@dataclass
class Source:
    target: Target
    backup: Path
    dump: dict[str, Any]
    folder: Path


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    """A SQLite database with reference, demo and edited data, its backup and dump."""
    folder = tmp_path_factory.mktemp("backup")
    target = sqlite_target(folder, "source")
    target.run("migrate", "--no-input", "-v", "0")
    target.run("load_reference")
    target.run("seed_demo")
    edits_env = {**target.env, "BK_MEDIA_HEX": MEDIA_BYTES.hex()}
    Target(edits_env, target.media).run("shell", "-v", "0", "-c", EDITS)
    backup = folder / "source.zip"
    target.run("backup", str(backup))
    return Source(target, backup, target.dump(folder), folder)


def test_it_seeds_a_source_worth_comparing(source: Source) -> None:
    rows = source.dump["rows"]
    for label in (
        "territory.commune",
        "taxonomy.theme",
        "register.organisation",
        "register.historicalorganisation",
        "register.historicalservice_target_groups",
        "coordination.historicalcoordinationbody",
        "sessions.session",
        "contenttypes.contenttype",
    ):
        assert rows[label], f"{label} is empty in the source"
    edited = [
        row for row in rows["register.organisation"] if "🙂" in row["description"]
    ]
    assert len(edited) == 1
    assert source.dump["media"] == {
        "logos/cpas-liège.bin": base64.b64encode(MEDIA_BYTES).decode()
    }
    assert source.dump["search"]["organisations"]
    assert source.dump["search"]["services"]


def test_it_restores_every_row_into_an_empty_sqlite_database(source: Source) -> None:
    target = sqlite_target(source.folder, "empty")
    # No schema at all: restore runs the migrations itself.
    result = target.run("restore", str(source.backup))
    assert "Restored" in result.stdout
    assert_same(target.dump(source.folder), source.dump)


def test_it_refuses_a_database_that_holds_data_without_force(source: Source) -> None:
    target = _copy_of_source(source, "refused")
    result = target.run("restore", str(source.backup), check=False)
    assert result.returncode != 0
    assert "already holds data" in result.stderr
    assert "--force" in result.stderr


def test_it_replaces_everything_with_force(source: Source) -> None:
    target = _copy_of_source(source, "forced")
    with sqlite3.connect(target.env["SQLITE_PATH"]) as database:
        sqlite_register(database)  # the names' collation, as Django's connections
        database.execute("UPDATE register_organisation SET name = 'Changed'")
        database.execute("DELETE FROM register_relation_themes")
    database.close()
    result = target.run("restore", "--force", str(source.backup))
    assert "it was replaced" in result.stdout
    assert_same(target.dump(source.folder), source.dump)


def test_it_restores_nothing_when_a_row_fails(source: Source) -> None:
    target = _copy_of_source(source, "failing")
    broken = source.folder / "duplicate-row.zip"
    _rewrite(source.backup, broken, duplicate_first_row_of="taxonomy.sector")
    result = target.run("restore", "--force", str(broken), check=False)
    assert result.returncode != 0
    assert "Nothing restored." in result.stderr
    assert "taxonomy_sector, row 6 (id=1)" in result.stderr
    # The data that was there before is still all there.
    assert_same(target.dump(source.folder), source.dump)


def test_it_exits_with_an_error_for_a_missing_file(source: Source) -> None:
    target = sqlite_target(source.folder, "never-created")
    result = target.run("restore", str(source.folder / "missing.zip"), check=False)
    assert result.returncode == 1
    assert "Nothing restored. No file at" in result.stderr
    with sqlite3.connect(target.env["SQLITE_PATH"]) as database:
        tables = database.execute("SELECT name FROM sqlite_master").fetchall()
    database.close()
    assert tables == []


# The refusals below happen before any database access (pytest-django would
# raise if one were attempted), so they run in this process.


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(CommandError, match=r"is not a Maillage backup"):
        call_command("restore", str(text))
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(CommandError, match=r"not a Maillage backup \(no manifest"):
        call_command("restore", str(other_zip))


def test_it_refuses_a_corrupt_backup(source: Source) -> None:
    corrupt = source.folder / "corrupt.zip"
    _rewrite(source.backup, corrupt, tamper_with="register.organisation")
    with pytest.raises(CommandError, match=r"corrupt: the checksum of data/.*"):
        call_command("restore", str(corrupt))


def test_it_refuses_a_newer_format_version(source: Source) -> None:
    newer = source.folder / "newer.zip"
    _rewrite(source.backup, newer, manifest_changes={"format_version": 99})
    with pytest.raises(CommandError, match=r"format version 99.*reads up to"):
        call_command("restore", str(newer))


def test_it_refuses_another_migration_state(source: Source) -> None:
    older = source.folder / "older.zip"
    migrations = dict(source_manifest(source)["migrations"])
    migrations["register"] = "0001_initial"
    _rewrite(source.backup, older, manifest_changes={"migrations": migrations})
    with pytest.raises(
        CommandError, match=r"register: backup at 0001_initial, this code at 0\d{3}_"
    ):
        call_command("restore", str(older))


def test_it_does_not_overwrite_a_file(source: Source) -> None:
    with pytest.raises(CommandError, match=r"already exists"):
        call_command("backup", str(source.backup))


def test_it_writes_a_manifest_with_counts_and_migrations(source: Source) -> None:
    manifest = source_manifest(source)
    assert manifest["format"] == "maillage-backup"
    assert manifest["source_vendor"] == "sqlite"
    [(_app, latest)] = MigrationLoader(None).graph.leaf_nodes("register")
    assert manifest["migrations"]["register"] == latest
    counts = {table["model"]: table["rows"] for table in manifest["tables"]}
    for label, rows in source.dump["rows"].items():
        assert counts[label] == len(rows), label
    order = [table["model"] for table in manifest["tables"]]
    assert order.index("territory.commune") < order.index("register.organisation")
    assert order.index("register.organisation") < order.index("register.service")


# PostgreSQL, and from one database to the other


@pytest.fixture(scope="module")
def postgresql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Target]]:
    """Up to three throwaway PostgreSQL databases, dropped at the end."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg import sql

    url = os.environ.get("DATABASE_URL", "")
    server = url if urlsplit(url).scheme.startswith("postgres") else DEFAULT_SERVER
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is unreachable at {server}: {error}")
    folder = tmp_path_factory.mktemp("backup-pg")
    names = [f"maillage_bk_{os.getpid()}_{number}" for number in range(1, 3)]
    targets = []
    with psycopg.connect(server, autocommit=True) as connection:
        for name in names:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
            database_url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
            media = folder / f"media-{name}"
            env = {
                **_base_env(),
                "DATABASE_URL": database_url,
                "MEDIA_ROOT": str(media),
            }
            targets.append(Target(env, media))
    try:
        yield targets
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            for name in names:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )


@dataclass
class PostgresqlBackup:
    restored: dict[str, Any]
    backup: Path


@pytest.fixture(scope="module")
def postgresql_backup(source: Source, postgresql: list[Target]) -> PostgresqlBackup:
    """The SQLite backup restored into PostgreSQL, and a backup made from there."""
    first = postgresql[0]
    first.run("restore", str(source.backup))
    backup = source.folder / "postgresql.zip"
    first.run("backup", str(backup))
    return PostgresqlBackup(first.dump(source.folder), backup)


def test_it_restores_a_sqlite_backup_into_postgresql(
    source: Source, postgresql_backup: PostgresqlBackup
) -> None:
    assert postgresql_backup.restored["vendor"] == "postgresql"
    assert_same(postgresql_backup.restored, source.dump)


def test_it_round_trips_on_postgresql(
    source: Source, postgresql: list[Target], postgresql_backup: PostgresqlBackup
) -> None:
    second = postgresql[1]
    second.run("restore", str(postgresql_backup.backup))
    assert_same(second.dump(source.folder), source.dump)
    # The sequences continue after the restored keys.
    result = second.run(
        "shell", "-v", "0", "-c",
        "from taxonomy.models import Sector; "
        "s = Sector.objects.order_by('pk').last(); "
        "print(Sector.objects.create(code='zz-new', name_fr='Nouveau').pk > s.pk)",
    )  # fmt: skip
    assert result.stdout.strip() == "True"


def test_it_restores_a_postgresql_backup_into_sqlite(
    source: Source, postgresql_backup: PostgresqlBackup
) -> None:
    manifest = json.loads(
        zipfile.ZipFile(postgresql_backup.backup).read("manifest.json")
    )
    assert manifest["source_vendor"] == "postgresql"
    target = sqlite_target(source.folder, "from-postgresql")
    target.run("restore", str(postgresql_backup.backup))
    assert_same(target.dump(source.folder), source.dump)


# Helpers


def source_manifest(source: Source) -> dict[str, Any]:
    with zipfile.ZipFile(source.backup) as archive:
        manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    return manifest


def _copy_of_source(source: Source, name: str) -> Target:
    target = sqlite_target(source.folder, name)
    with (
        sqlite3.connect(source.target.env["SQLITE_PATH"]) as original,
        sqlite3.connect(target.env["SQLITE_PATH"]) as copy,
    ):
        original.backup(copy)
    original.close()
    copy.close()
    for path in source.target.media.rglob("*"):
        if path.is_file():
            destination = target.media / path.relative_to(source.target.media)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(path.read_bytes())
    return target


def _rewrite(
    original: Path,
    copy: Path,
    *,
    tamper_with: str = "",
    duplicate_first_row_of: str = "",
    manifest_changes: dict[str, Any] | None = None,
) -> None:
    """Copy a backup, changing one table's file and/or the manifest.

    A tampered file keeps its manifest checksum (a corrupt backup); a duplicated
    row comes with a consistent checksum and row count (a backup that passes the
    checks but cannot be inserted)."""
    with zipfile.ZipFile(original) as source:
        manifest = json.loads(source.read("manifest.json"))
        manifest.update(manifest_changes or {})
        files = {name: source.read(name) for name in source.namelist()}
    for table in manifest["tables"]:
        data = files[table["file"]]
        if table["model"] == tamper_with:
            files[table["file"]] = data.replace(b'"name":"', b'"name":"X', 1)
        if table["model"] == duplicate_first_row_of:
            data += data.split(b"\n", 1)[0] + b"\n"
            files[table["file"]] = data
            table["rows"] += 1
            table["sha256"] = hashlib.sha256(data).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
