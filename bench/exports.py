"""Export throughput and peak memory over the register in the database.

`make bench` seeds "Wallonia × 10" and calls `export_figures`; on its own,

    SQLITE_PATH=/tmp/x.sqlite3 .venv/bin/python -m bench.exports

measures the register already in that database (one JSON object on stdout).
Each format runs `manage.py export_register` in a child process, as an operator
would, so that its peak resident memory is the export's own (`bench.memory`).
Two baselines run the same way over the same sheets of the XLSX, in the same
run: the bare read of the rows (the records and their cell values, written
nowhere: what no writer can beat) and openpyxl's write-only mode (the writer
the XLSX export used before). Each figure is rows per second with the command's
start-up included; `xlsx.to_bare_read` and `xlsx.to_openpyxl_write_only` are
the XLSX export's throughput over the baselines'.
"""

import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.memory import run_command, run_script

# format → extra arguments: every sheet (CSV: zipped), contacts included.
RUNS: dict[str, tuple[str, ...]] = {
    "xlsx": ("--include-contacts",),
    "csv": ("--include-contacts",),
    "hxl": (),
    "json": ("--include-contacts",),
    "geojson": (),
}
BASELINES = ("bare_read", "openpyxl_write_only")
# The full register in XLSX must write at least this many rows per second.
XLSX_TARGET_ROWS_PER_SECOND = 10_000
TARGET_ROWS = 200_000
COUNTS = re.compile(r"(\d+) (\w+)")
ROWS = re.compile(r"^MAILLAGE_ROWS=(\d+)$", re.MULTILINE)

Progress = Callable[[str], None]


def _rows(output: str, path: Path, fmt: str) -> int:
    """The rows written, from the command's summary (JSON: counted in the file,
    GeoJSON: its features)."""
    if fmt == "json":
        dump = json.loads(path.read_text(encoding="utf-8"))
        return sum(len(items) for items in dump.values())
    if fmt == "geojson":
        return len(json.loads(path.read_text(encoding="utf-8"))["features"])
    summary = output.partition(":")[2]
    return sum(int(count) for count, _name in COUNTS.findall(summary))


def _figures(rows: int, seconds: float, peak: float | None) -> dict[str, Any]:
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "peak_rss_mb": peak,
    }


def run_export(fmt: str, folder: Path) -> dict[str, Any]:
    """One export in a child process: seconds, rows, rows per second, peak RSS.
    An export that cannot be made (GeoJSON without boundaries) gives its error."""
    path = folder / f"register.{fmt}"
    command = [
        "export_register",
        "--format",
        fmt,
        "--output",
        str(path),
        *RUNS[fmt],
    ]
    measured = run_command(command)
    seconds = measured.seconds
    if measured.returncode != 0:
        return {"error": measured.stderr.strip()[-500:], "seconds": round(seconds, 2)}
    figures = _figures(_rows(measured.stdout, path, fmt), seconds, measured.peak_mb)
    figures["file_mb"] = round(path.stat().st_size / 1024 / 1024, 1)
    return figures


def run_baseline(name: str, folder: Path) -> dict[str, Any]:
    """A baseline (`BASELINES`) in a child process, over the XLSX export's sheets."""
    path = folder / f"{name}.xlsx"
    measured = run_script(Path(__file__), [name, str(path)])
    if measured.returncode != 0:
        return {
            "error": measured.stderr.strip()[-500:],
            "seconds": round(measured.seconds, 2),
        }
    rows = sum(int(count) for count in ROWS.findall(measured.stdout))
    return _figures(rows, measured.seconds, measured.peak_mb)


def export_figures(progress: Progress) -> dict[str, Any]:
    """Throughput (rows per second, the command's start-up included) and peak
    memory of `export_register` per format and of the baselines, over the
    register in the database; the XLSX's ratios to the baselines."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="maillage-export-bench-") as folder:
        for fmt in RUNS:
            progress(f"Exporting {fmt}…")
            figures[fmt] = run_export(fmt, Path(folder))
            progress(f"{fmt}: {figures[fmt]}")
        baselines: dict[str, Any] = {}
        for name in BASELINES:
            progress(f"Baseline {name}…")
            baselines[name] = run_baseline(name, Path(folder))
            progress(f"{name}: {baselines[name]}")
    figures["baselines"] = baselines
    xlsx = figures["xlsx"]
    speed = xlsx.get("rows_per_second")
    for name in BASELINES:
        other = baselines[name].get("rows_per_second")
        xlsx[f"to_{name}"] = round(speed / other, 2) if speed and other else None
    xlsx["target_rows_per_second"] = XLSX_TARGET_ROWS_PER_SECOND
    # The target is for the full register: in a small one, the command's
    # start-up weighs too much for its rows per second to say anything.
    xlsx["meets_target"] = (
        speed >= XLSX_TARGET_ROWS_PER_SECOND
        if speed and xlsx["rows"] >= TARGET_ROWS
        else None
    )
    return figures


# The baselines, run as a script in the child process.


def _tables() -> list[Any]:
    from exchange.exports import SHEETS, export_scope, table

    scope = export_scope(user=None, include_contacts=True)
    return [table(name, scope) for name in SHEETS]


def bare_read(path: str) -> int:
    """Read every row of the XLSX export's sheets and its cell values, and write
    nothing (`path` is not used): the floor under every writer."""
    rows = 0
    for table in _tables():
        for record in table.records:
            table.values(record)
            rows += 1
    return rows


def openpyxl_write_only(path: str) -> int:
    """The same sheets written by openpyxl in its write-only mode, cells typed
    and text cleaned (`cell_text`) as the export does: the writer the export used
    before."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    from lib.spreadsheets import cell_text

    def cell(value: Any) -> Any:
        if type(value) is str:
            return cell_text(value) if value else None
        return value

    rows = 0
    workbook = Workbook(write_only=True)
    for table in _tables():
        sheet = workbook.create_sheet(table.name)
        sheet.freeze_panes = "A2"
        sheet.append(list(table.keys))
        for record in table.records:
            sheet.append([cell(value) for value in table.values(record)])
            table.count += 1
        last = get_column_letter(len(table.keys))
        sheet.auto_filter.ref = f"A1:{last}{table.count + 1}"
        rows += table.count
    workbook.save(path)
    return rows


def _baseline_main(name: str, path: str) -> None:
    import django

    django.setup()
    rows = {"bare_read": bare_read, "openpyxl_write_only": openpyxl_write_only}[name](
        path
    )
    print(f"MAILLAGE_ROWS={rows}")  # noqa: T201 - read by run_baseline


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    if argv and argv[0] in BASELINES:
        started = time.perf_counter()
        _baseline_main(argv[0], argv[1])
        print(  # noqa: T201 - progress
            f"{argv[0]} in {time.perf_counter() - started:.1f} s", file=sys.stderr
        )
        return 0

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)  # noqa: T201 - progress

    print(json.dumps(export_figures(progress), indent=2))  # noqa: T201 - the result
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
