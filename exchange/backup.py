"""Whole-platform backup and restore, portable between SQLite and PostgreSQL.

A backup is a zip file:

- `manifest.json`: the format and its version, the application's version, the
  latest migration of each app, when and from which database vendor it was made,
  and for each table its model, columns, row count and SHA-256; for each media
  file its path, size and SHA-256.
- `data/NNN-app.model.jsonl`: one file per table of every installed model
  (history tables, many-to-many tables, sessions included), in dependency order,
  one JSON object per row keyed by column. Values are JSON-typed: dates, times and
  datetimes in ISO 8601 (datetimes in UTC), decimals as strings, durations in
  ISO 8601, binary in base64, JSON fields as JSON.
- `media/…`: the files under MEDIA_ROOT.

Rows are streamed with `.iterator()` in chunks on both sides, so memory stays flat
whatever the size. A restore is all or nothing: it checks every checksum and the
migration state before it touches the database, then empties every table, inserts
every row with its original primary key and resets the sequences in one
transaction. Media files are staged first and moved into MEDIA_ROOT only once the
transaction has committed.
"""

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.dateparse import parse_duration
from django.utils.duration import duration_iso_string

FORMAT = "maillage-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_ROWS = 2000
COPY_BYTES = 1024 * 1024
SHOWN_TABLES = 5
# Tables that `migrate` fills by itself: they do not make a database "not empty".
FILLED_BY_MIGRATE = frozenset({"contenttypes.contenttype", "auth.permission"})

Converter = Callable[[Any], Any]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in full."""


@dataclass
class BackupReport:
    path: Path
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    bytes: int = 0


@dataclass
class RestoreReport:
    path: Path
    created_at: str = ""
    source_vendor: str = ""
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    emptied: bool = False
    row_counts: dict[str, int] = field(default_factory=dict)


# Models and their order


def backed_up_models() -> list[type[models.Model]]:
    """Every installed model that owns a table in the database, parents before the
    models that point at them (self-references and cycles rely on the foreign keys
    being checked at commit, as Django creates them on SQLite and PostgreSQL).

    A model whose table does not exist (an app still without its migrations) is
    left out: `migration_state()` is what guards against restoring into a
    different schema.
    """
    existing = set(connection.introspection.table_names())
    candidates: dict[str, type[models.Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in candidates:
            continue
        if meta.db_table not in existing:
            continue
        candidates[meta.db_table] = model
    by_label = {model._meta.label_lower: model for model in candidates.values()}
    depends: dict[str, set[str]] = {}
    for label, model in by_label.items():
        targets = {
            (related._meta.concrete_model or related)._meta.label_lower
            for column in model._meta.local_concrete_fields
            if column.is_relation
            and (related := column.related_model) is not None
            and not isinstance(related, str)
        }
        depends[label] = {target for target in targets if target in by_label} - {label}
    ordered: list[str] = []
    remaining = dict(sorted(depends.items()))
    while remaining:
        ready = [label for label, deps in remaining.items() if deps <= set(ordered)]
        if not ready:  # a cycle: take the rest in name order
            ready = list(remaining)
        for label in ready:
            ordered.append(label)
            del remaining[label]
    return [by_label[label] for label in ordered]


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.local_concrete_fields)


def _value_type(column: models.Field[Any, Any]) -> str:
    target = column.target_field if column.is_relation else column  # type: ignore[attr-defined]
    return str(target.get_internal_type())


# Values to and from JSON


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _utc_iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if timezone.is_aware(value):
        value = value.astimezone(dt.UTC)
    return value.isoformat()


def _text(value: Any) -> Any:
    return None if value is None else str(value)


def _base64(value: Any) -> str | None:
    return None if value is None else base64.b64encode(bytes(value)).decode("ascii")


def _duration(value: dt.timedelta | None) -> str | None:
    return None if value is None else duration_iso_string(value)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


_DUMPERS: dict[str, Converter] = {
    "DateTimeField": _utc_iso,
    "DateField": _iso,
    "TimeField": _iso,
    "DecimalField": _text,
    "UUIDField": _text,
    "BinaryField": _base64,
    "DurationField": _duration,
    "JSONField": lambda value: value,
}


def _dumper(column: models.Field[Any, Any]) -> Converter:
    return _DUMPERS.get(_value_type(column), _plain)


def _loader(column: models.Field[Any, Any]) -> Converter:
    """From the JSON value to what the database driver takes."""
    kind = _value_type(column)
    prepare = column.get_db_prep_save
    if kind == "JSONField":

        def load_json(value: Any) -> Any:
            return prepare(value, connection)

        return load_json
    parse: Converter = {
        "DateTimeField": dt.datetime.fromisoformat,
        "DateField": dt.date.fromisoformat,
        "TimeField": dt.time.fromisoformat,
        "DecimalField": Decimal,
        "BinaryField": base64.b64decode,
        "DurationField": parse_duration,
    }.get(kind, column.to_python)

    def load(value: Any) -> Any:
        if value is None:
            return None
        return prepare(parse(value), connection)

    return load


# Backup


def _application_version() -> str:
    try:
        return version("maillage")
    except PackageNotFoundError:
        import tomllib

        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])


def migration_state() -> dict[str, str]:
    """The latest migration of each app in the code: what a database must be at."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state: dict[str, str] = {}
    for app, name in sorted(loader.graph.leaf_nodes()):
        state[app] = max(name, state.get(app, ""))
    return state


def _check_fully_migrated() -> dict[str, str]:
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    pending = executor.migration_plan(targets)
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:5])
        raise BackupError(
            f"The database has unapplied migrations ({names}): run migrate first."
        )
    return migration_state()


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = [
        (path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    ]
    return sorted(found)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])  # noqa: DTZ005 (zip times are local)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


class _HashingWriter:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.sha256.update(data)
        self.size += len(data)


def _dump_table(model: type[models.Model], out: _HashingWriter) -> int:
    columns = _columns(model)
    names = [column.attname for column in columns]
    dumpers = [_dumper(column) for column in columns]
    rows = (
        model._base_manager.order_by("pk")
        .values_list(*names)
        .iterator(chunk_size=CHUNK_ROWS)
    )
    count = 0
    buffer: list[str] = []
    for row in rows:
        record = {
            name: dump(value)
            for name, dump, value in zip(names, dumpers, row, strict=True)
        }
        buffer.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        count += 1
        if len(buffer) >= CHUNK_ROWS:
            out.write(("\n".join(buffer) + "\n").encode())
            buffer.clear()
    if buffer:
        out.write(("\n".join(buffer) + "\n").encode())
    return count


@transaction.atomic
def _dump_tables_postgresql(archive: zipfile.ZipFile) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        # One snapshot for every table, without blocking writers.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    return _dump_tables(archive)


def _dump_tables_sqlite(archive: zipfile.ZipFile) -> list[dict[str, Any]]:
    # A deferred read transaction is a snapshot in WAL mode; Django's atomic()
    # would take the write lock (IMMEDIATE) and make writers wait for the backup.
    connection.ensure_connection()
    if not connection.get_autocommit():
        return _dump_tables(archive)
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            return _dump_tables(archive)
        finally:
            cursor.execute("COMMIT")


def _dump_tables(archive: zipfile.ZipFile) -> list[dict[str, Any]]:
    tables = []
    for number, model in enumerate(backed_up_models(), start=1):
        name = f"data/{number:03d}-{model._meta.label_lower}.jsonl"
        with archive.open(_entry(name), "w", force_zip64=True) as stream:
            out = _HashingWriter(stream)
            rows = _dump_table(model, out)
        tables.append(
            {
                "model": model._meta.label_lower,
                "table": model._meta.db_table,
                "file": name,
                "columns": [column.attname for column in _columns(model)],
                "rows": rows,
                "sha256": out.sha256.hexdigest(),
            }
        )
    return tables


def database_backup(*, path: Path) -> BackupReport:
    """Write the whole database and MEDIA_ROOT to a new zip file at `path`.

    The file appears only once complete: it is written beside `path` under a
    temporary name and renamed at the end.
    """
    if path.exists():
        raise BackupError(f"{path} already exists: choose another path or remove it.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    migrations = _check_fully_migrated()
    handle, partial_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".partial", dir=path.parent
    )
    os.close(handle)
    partial = Path(partial_name)
    try:
        with zipfile.ZipFile(
            partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3
        ) as archive:
            created_at = timezone.now().astimezone(dt.UTC).isoformat()
            if connection.vendor == "postgresql":
                tables = _dump_tables_postgresql(archive)
            else:
                tables = _dump_tables_sqlite(archive)
            media = []
            for relative, source in _media_files():
                name = f"media/{relative}"
                with (
                    source.open("rb") as src,
                    archive.open(name, "w", force_zip64=True) as stream,
                ):
                    out = _HashingWriter(stream)
                    while chunk := src.read(COPY_BYTES):
                        out.write(chunk)
                media.append(
                    {
                        "path": relative,
                        "file": name,
                        "bytes": out.size,
                        "sha256": out.sha256.hexdigest(),
                    }
                )
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "application_version": _application_version(),
                "created_at": created_at,
                "source_vendor": connection.vendor,
                "migrations": migrations,
                "tables": tables,
                "media": media,
            }
            archive.writestr(_entry(MANIFEST), json.dumps(manifest, indent=1))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(
        path=path,
        tables=len(tables),
        rows=sum(table["rows"] for table in tables),
        media_files=len(media),
        bytes=path.stat().st_size,
    )


# Restore


def _open_backup(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    if not path.exists():
        raise BackupError(f"No file at {path}.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path} is not a Maillage backup ({error}).") from None
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        archive.close()
        raise BackupError(f"{path} is not a Maillage backup (no {MANIFEST}).") from None
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        archive.close()
        raise BackupError(f"{path} has an unreadable {MANIFEST}: {error}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        raise BackupError(f"{path} is not a Maillage backup (unknown format).")
    found = manifest.get("format_version")
    if not isinstance(found, int) or found > FORMAT_VERSION:
        archive.close()
        raise BackupError(
            f"{path} uses backup format version {found}; this version of Maillage "
            f"reads up to version {FORMAT_VERSION}. Restore it with a newer Maillage."
        )
    return archive, manifest


def _verify_checksums(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    entries = [*manifest["tables"], *manifest["media"]]
    names = set(archive.namelist())
    for entry in entries:
        if entry["file"] not in names:
            raise BackupError(f"The backup is incomplete: {entry['file']} is missing.")
        digest = hashlib.sha256()
        try:
            with archive.open(entry["file"]) as stream:
                while chunk := stream.read(COPY_BYTES):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise BackupError(
                f"The backup is corrupt: {entry['file']} cannot be read ({error})."
            ) from None
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(
                f"The backup is corrupt: the checksum of {entry['file']} does not "
                "match the manifest."
            )


def _check_migrations(manifest: dict[str, Any]) -> None:
    expected = migration_state()
    found: dict[str, str] = manifest["migrations"]
    differences = [
        f"{app}: backup at {found.get(app, '(none)')}, "
        f"this code at {expected.get(app, '(none)')}"
        for app in sorted(set(expected) | set(found))
        if expected.get(app) != found.get(app)
    ]
    if differences:
        raise BackupError(
            "The backup was made at another migration state than this code expects "
            f"({'; '.join(differences)}). Restore it with the version of Maillage "
            "that made it, then upgrade and migrate."
        )


def _table_models(manifest: dict[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    models_by_label = {model._meta.label_lower: model for model in backed_up_models()}
    pairs = []
    for entry in manifest["tables"]:
        model = models_by_label.get(entry["model"])
        if model is None:
            raise BackupError(
                f"The backup holds {entry['model']}, which this code does not know."
            )
        columns = {column.attname for column in _columns(model)}
        if set(entry["columns"]) != columns:
            missing = ", ".join(sorted(columns - set(entry["columns"]))) or "none"
            extra = ", ".join(sorted(set(entry["columns"]) - columns)) or "none"
            raise BackupError(
                f"The columns of {entry['table']} in the backup differ from the "
                f"code's (missing: {missing}; unknown: {extra})."
            )
        pairs.append((entry, model))
    return pairs


def _existing_rows() -> dict[str, int]:
    """Rows per table in the current database, before any migration runs."""
    counts = {}
    for model in backed_up_models():
        label = model._meta.label_lower
        if label in FILLED_BY_MIGRATE:
            continue
        if model._base_manager.exists():
            counts[label] = model._base_manager.count()
    return counts


def _safe_media_path(relative: str) -> PurePosixPath:
    candidate = PurePosixPath(relative)
    if candidate.is_absolute() or ".." in candidate.parts or not candidate.parts:
        raise BackupError(f"The backup holds an unsafe media path: {relative!r}.")
    return candidate


def _stage_media(
    archive: zipfile.ZipFile, manifest: dict[str, Any], staging: Path
) -> int:
    for entry in manifest["media"]:
        target = staging.joinpath(*_safe_media_path(entry["path"]).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(entry["file"]) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, COPY_BYTES)
    return len(manifest["media"])


def _move_media(staging: Path, root: Path) -> None:
    for source in sorted(staging.rglob("*")):
        if source.is_file():
            target = root / source.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)


def _lines(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    with archive.open(name) as stream:
        for number, line in enumerate(stream, start=1):
            yield number, json.loads(line)


def _insert_table(
    archive: zipfile.ZipFile, entry: dict[str, Any], model: type[models.Model]
) -> int:
    table = entry["table"]
    columns = _columns(model)
    names = [column.attname for column in columns]
    loaders = [_loader(column) for column in columns]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted names)
        quote(table),
        ", ".join(quote(str(column.column)) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    pk = model._meta.pk.attname if model._meta.pk is not None else names[0]

    def where(number: int, record: dict[str, Any]) -> str:
        return f"{table}, row {number} ({pk}={record.get(pk)!r})"

    def converted(number: int, record: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return tuple(
                load(record[name]) for name, load in zip(names, loaders, strict=True)
            )
        except Exception as error:
            raise BackupError(
                f"Cannot restore {where(number, record)}: {error}"
            ) from error

    def insert(batch: list[tuple[int, dict[str, Any], tuple[Any, ...]]]) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(sql, [values for _, _, values in batch])
        except DatabaseError:
            # Find the row at fault, one row at a time.
            for number, record, values in batch:
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute(sql, values)
                except DatabaseError as error:
                    raise BackupError(
                        f"Cannot restore {where(number, record)}: {error}"
                    ) from error

    count = 0
    batch: list[tuple[int, dict[str, Any], tuple[Any, ...]]] = []
    for number, record in _lines(archive, entry["file"]):
        batch.append((number, record, converted(number, record)))
        if len(batch) >= CHUNK_ROWS:
            insert(batch)
            count += len(batch)
            batch = []
    if batch:
        insert(batch)
        count += len(batch)
    if count != entry["rows"]:
        raise BackupError(
            f"{table}: the backup holds {count} rows, the manifest says "
            f"{entry['rows']}."
        )
    return count


def _rebuild_sqlite_full_text(tables: Iterable[str]) -> None:
    """Rebuild the FTS5 indexes whose content is a restored table (their triggers
    already indexed each row; a rebuild leaves them exactly in step)."""
    wanted = set(tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'"
        )
        for name, definition in cursor.fetchall():
            if any(f"content='{table}'" in definition for table in wanted):
                quoted = connection.ops.quote_name(name)
                cursor.execute(
                    f"INSERT INTO {quoted}({quoted}) VALUES ('rebuild')"  # noqa: S608
                )


def _replace_rows(
    archive: zipfile.ZipFile, pairs: list[tuple[dict[str, Any], Any]]
) -> dict[str, int]:
    all_models = backed_up_models()
    counts: dict[str, int] = {}
    with transaction.atomic():
        flush = connection.ops.sql_flush(
            no_style(), [model._meta.db_table for model in all_models]
        )
        with connection.cursor() as cursor:
            for statement in flush:
                cursor.execute(statement)
        for entry, model in pairs:
            counts[entry["table"]] = _insert_table(archive, entry, model)
        try:
            connection.check_constraints(
                table_names=[model._meta.db_table for model in all_models]
            )
        except DatabaseError as error:
            raise BackupError(f"Cannot restore: {error}") from error
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), all_models):
                cursor.execute(statement)
        if connection.vendor == "sqlite":
            _rebuild_sqlite_full_text(counts)
    return counts


def database_restore(*, path: Path, force: bool = False) -> RestoreReport:
    """Replace the database's rows and add MEDIA_ROOT's files from a backup.

    Checks the file (format, checksums) and that the backup's migration state is
    the code's before anything else; creates the schema (`migrate`) when missing;
    refuses a database that holds data unless `force`, and then empties it in the
    same transaction as the inserts. All or nothing.
    """
    archive, manifest = _open_backup(path)
    with archive:
        _verify_checksums(archive, manifest)
        _check_migrations(manifest)
        existing = _existing_rows()
        if existing and not force:
            shown = ", ".join(f"{label} ({rows})" for label, rows in existing.items())
            if len(existing) > SHOWN_TABLES:
                shown = ", ".join(
                    f"{label} ({rows})"
                    for label, rows in list(existing.items())[:SHOWN_TABLES]
                )
                shown += f", … (+{len(existing) - SHOWN_TABLES} tables)"
            raise BackupError(
                f"The database already holds data: {shown}. Restore into an empty "
                "database, or pass --force to replace everything in it."
            )
        call_command("migrate", interactive=False, verbosity=0)
        pairs = _table_models(manifest)
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
        try:
            media_files = _stage_media(archive, manifest, staging)
            counts = _replace_rows(archive, pairs)
            _move_media(staging, media_root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return RestoreReport(
        path=path,
        created_at=manifest.get("created_at", ""),
        source_vendor=manifest.get("source_vendor", ""),
        tables=len(counts),
        rows=sum(counts.values()),
        media_files=media_files,
        emptied=bool(existing),
        row_counts=counts,
    )
