"""Import speed and memory at "the template filled with 10,000 organisations and
100,000 services", for `make bench` (see bench/run.py).

`import_figures(progress)` runs in a migrated database with the reference data
(it loads it when missing). It builds the file as CSV and XLSX (openpyxl
write_only) in a temporary folder, then measures:

- reading the XLSX with python-calamine and with openpyxl read-only;
- dry-run throughput (rows/s) on both formats;
- apply throughput in a transaction that is rolled back afterwards;
- a baseline: a bare `bulk_create` of the same organisations, services and their
  service × commune and target-group rows, without history, rolled back too
  (target: apply within 3× of it);
- the peak memory of `manage.py import_register` applying the XLSX in a child
  process (max RSS from `getrusage(RUSAGE_CHILDREN)`; target < 500 MB); what the
  child wrote is removed afterwards.
"""

import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.memory import run_command

ORGANISATIONS = 10_000
SERVICES = 100_000
ORG_HEADER = ["external_id", "name", "level", "sector", "actor_type", "postal_code"]
SERVICE_HEADER = ["organisation", "title", "theme", "communes", "target_groups"]
POSTAL_CODES = ("4000", "5000", "4800", "1300", "6000", "7000")
COMMUNES = ("62063", "92094", "63079", "25072", "52011", "53053")


class _Rollback(Exception):
    pass


def _organisation_rows(count: int) -> Iterator[list[str]]:
    for n in range(count):
        yield [
            f"bench-{n}",
            f"Organisation d'essai {n}",
            "municipal",
            "non-profit",
            "association",
            POSTAL_CODES[n % len(POSTAL_CODES)],
        ]


def _service_rows(count: int, organisations: int) -> Iterator[list[str]]:
    themes = ("housing", "basic-needs", "language-learning", "health")
    for n in range(count):
        yield [
            f"bench-{n % organisations}",
            f"Service d'essai {n}",
            themes[n % len(themes)],
            COMMUNES[n % len(COMMUNES)],
            "children" if n % 2 else "",
        ]


def build_files(folder: Path, organisations: int, services: int) -> dict[str, Path]:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    paths = {
        "organisations_csv": folder / "organisations.csv",
        "services_csv": folder / "services.csv",
        "xlsx": folder / "register.xlsx",
    }
    with paths["organisations_csv"].open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(ORG_HEADER)
        writer.writerows(_organisation_rows(organisations))
    with paths["services_csv"].open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(SERVICE_HEADER)
        writer.writerows(_service_rows(services, organisations))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("organisations")
    sheet.append(ORG_HEADER)
    for row in _organisation_rows(organisations):
        sheet.append(row)
    sheet = workbook.create_sheet("services")
    sheet.append(SERVICE_HEADER)
    for row in _service_rows(services, organisations):
        sheet.append(row)
    workbook.save(paths["xlsx"])
    return paths


def _read_speeds(path: Path) -> dict[str, float]:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    rows = sum(
        1
        for name in workbook.sheet_names
        for _row in workbook.get_sheet_by_name(name).iter_rows()
    )
    calamine = time.perf_counter() - started
    started = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    rows_openpyxl = sum(
        1 for sheet in book.worksheets for _row in sheet.iter_rows(values_only=True)
    )
    book.close()
    openpyxl = time.perf_counter() - started
    return {
        "rows": rows,
        "calamine_seconds": round(calamine, 2),
        "openpyxl_read_only_seconds": round(openpyxl, 2),
        "calamine_rows_per_second": round(rows / calamine),
        "openpyxl_rows_per_second": round(rows_openpyxl / openpyxl),
    }


def _user() -> Any:
    from accounts.models import Role, User

    user, _created = User.objects.get_or_create(
        email="bench.import@example.org", defaults={"role": Role.COORDINATOR}
    )
    return user


def _timed_import(path: Path, *, dry_run: bool, kind: str = "") -> tuple[float, Any]:
    from exchange.imports import import_file

    started = time.perf_counter()
    with path.open("rb") as stream:
        report = import_file(
            stream, file_name=path.name, user=_user(), kind=kind, dry_run=dry_run
        )
    return time.perf_counter() - started, report


def _bare_bulk_create(organisations: int, services: int) -> float:
    from django.db import transaction

    from register.models import Organisation, Service, ServiceCommune
    from taxonomy.models import (
        ActorType,
        InstitutionalLevel,
        Sector,
        TargetGroup,
        Theme,
    )

    level = InstitutionalLevel.objects.get(code="municipal")
    sector = Sector.objects.get(code="non-profit")
    actor_type = ActorType.objects.get(code="association")
    themes = {theme.code: theme for theme in Theme.objects.all()}
    groups = dict(TargetGroup.objects.values_list("code", "pk"))
    started = time.perf_counter()
    try:
        with transaction.atomic():
            orgs = Organisation.objects.bulk_create(
                [
                    Organisation(
                        external_id=row[0],
                        name=row[1],
                        level=level,
                        sector=sector,
                        actor_type=actor_type,
                        postal_code=row[5],
                    )
                    for row in _organisation_rows(organisations)
                ],
                batch_size=1000,
            )
            by_external = {org.external_id: org for org in orgs}
            rows = list(_service_rows(services, organisations))
            created = Service.objects.bulk_create(
                [
                    Service(
                        organisation=by_external[row[0]],
                        title=row[1],
                        theme=themes[row[2]],
                    )
                    for row in rows
                ],
                batch_size=1000,
            )
            # The same service × commune and target-group rows as the import.
            ServiceCommune.objects.bulk_create(
                [
                    ServiceCommune(
                        service_id=service.pk,
                        commune_id=row[3],
                        theme_id=service.theme_id,
                        organisation_id=service.organisation_id,
                    )
                    for service, row in zip(created, rows, strict=True)
                ],
                batch_size=1000,
            )
            through = Service.target_groups.through
            through.objects.bulk_create(
                [
                    through(service_id=service.pk, targetgroup_id=groups[row[4]])
                    for service, row in zip(created, rows, strict=True)
                    if row[4]
                ],
                batch_size=1000,
            )
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def _apply_rolled_back(path: Path) -> tuple[float, Any]:
    from django.db import transaction

    try:
        with transaction.atomic():
            elapsed, report = _timed_import(path, dry_run=False)
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, report


def _child_peak(path: Path, user_email: str) -> tuple[float, float | None, int]:
    """Apply the file in a child process: its seconds, its own peak RSS in MB
    (bench.memory), its exit code."""
    env = {**os.environ, "IMPORT_MAX_BYTES": str(200 * 1000 * 1000)}
    measured = run_command(["import_register", str(path), "--user", user_email], env)
    return measured.seconds, measured.peak_mb, measured.returncode


def _remove_batch(batch_id: int) -> None:
    """Remove what the child's import wrote, fast (no per-object history)."""
    from django.db import connection, transaction

    from exchange.imports import _history_through
    from exchange.models import ImportBatch
    from register.models import Organisation, Service, ServiceCommune
    from register.services import register_counts_recount

    batch = ImportBatch.objects.get(pk=batch_id)
    service_ids = batch.created.get("service", [])
    organisation_ids = batch.created.get("organisation", [])
    with transaction.atomic():
        for chunk_start in range(0, len(service_ids), 5000):
            ids = service_ids[chunk_start : chunk_start + 5000]
            ServiceCommune.objects.filter(service_id__in=ids)._raw_delete(
                connection.alias
            )
            Service.target_groups.through.objects.filter(
                service_id__in=ids
            )._raw_delete(connection.alias)
            _history_through(Service, "target_groups").objects.filter(
                service_id__in=ids
            )._raw_delete(connection.alias)
            Service.history.filter(id__in=ids)._raw_delete(connection.alias)
            Service.objects.filter(pk__in=ids)._raw_delete(connection.alias)
        for chunk_start in range(0, len(organisation_ids), 5000):
            ids = organisation_ids[chunk_start : chunk_start + 5000]
            _history_through(Organisation, "area_communes").objects.filter(
                organisation_id__in=ids
            )._raw_delete(connection.alias)
            Organisation.history.filter(id__in=ids)._raw_delete(connection.alias)
            Organisation.objects.filter(pk__in=ids)._raw_delete(connection.alias)
        batch.delete()
        register_counts_recount()


def import_figures(
    progress: Callable[[str], None],
    *,
    organisations: int = ORGANISATIONS,
    services: int = SERVICES,
) -> dict[str, Any]:
    from django.core.management import call_command

    from exchange.models import ImportBatch
    from taxonomy.models import Theme

    if not Theme.objects.exists():
        call_command("load_reference", verbosity=0)
    rows = organisations + services
    figures: dict[str, Any] = {"organisations": organisations, "services": services}
    with tempfile.TemporaryDirectory(prefix="maillage-import-bench-") as folder:
        progress(f"Import bench: writing {rows} rows as CSV and XLSX")
        paths = build_files(Path(folder), organisations, services)
        figures["xlsx_megabytes"] = round(paths["xlsx"].stat().st_size / 1e6, 1)
        figures["csv_megabytes"] = round(
            (
                paths["organisations_csv"].stat().st_size
                + paths["services_csv"].stat().st_size
            )
            / 1e6,
            1,
        )
        progress("Import bench: reading the XLSX with calamine and openpyxl")
        figures["read_xlsx"] = _read_speeds(paths["xlsx"])
        progress("Import bench: dry runs")
        seconds, report = _timed_import(paths["xlsx"], dry_run=True)
        assert report.valid, report.problems  # noqa: S101
        figures["dry_run_xlsx_seconds"] = round(seconds, 2)
        figures["dry_run_xlsx_rows_per_second"] = round(rows / seconds)
        csv_seconds = _timed_import(
            paths["organisations_csv"], dry_run=True, kind="organisations"
        )[0]
        figures["dry_run_csv_organisations_rows_per_second"] = round(
            organisations / csv_seconds
        )
        progress("Import bench: apply (rolled back)")
        seconds, report = _apply_rolled_back(paths["xlsx"])
        figures["apply_xlsx_seconds"] = round(seconds, 2)
        figures["apply_xlsx_rows_per_second"] = round(rows / seconds)
        progress("Import bench: bare bulk_create (rolled back)")
        bare = _bare_bulk_create(organisations, services)
        figures["bare_bulk_create_seconds"] = round(bare, 2)
        figures["apply_to_bulk_create_ratio"] = round(seconds / bare, 2)
        figures["apply_within_3x_bulk_create"] = seconds <= 3 * bare
        progress("Import bench: apply in a child process for peak memory")
        user = _user()
        child_seconds, peak, code = _child_peak(paths["xlsx"], user.email)
        figures["child_apply_seconds"] = round(child_seconds, 2)
        figures["child_exit_code"] = code
        figures["peak_memory_mb"] = peak
        figures["peak_under_500_mb"] = peak is not None and peak < 500
        batch = ImportBatch.objects.filter(author=user).order_by("-pk").first()
        if batch is not None:
            _remove_batch(batch.pk)
    return figures


if __name__ == "__main__":  # pragma: no cover - a manual run in a dev database
    import json

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    django.setup()
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    result = import_figures(
        lambda message: print(message, file=sys.stderr),  # noqa: T201
        organisations=int(ORGANISATIONS * scale),
        services=int(SERVICES * scale),
    )
    print(json.dumps(result, indent=2))  # noqa: T201
