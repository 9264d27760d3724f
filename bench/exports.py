"""Export throughput and peak memory over the register in the database.

`make bench` seeds "Wallonia × 10" and calls `export_figures`; on its own,

    SQLITE_PATH=/tmp/x.sqlite3 .venv/bin/python -m bench.exports

measures the register already in that database (one JSON object on stdout).
Each format runs `manage.py export_register` in a child process, as an operator
would, so that its peak resident memory is the export's own: `os.wait4` gives
the child's resource usage (the same `ru_maxrss` that
`resource.getrusage(RUSAGE_CHILDREN)` reports, but for that child alone).
"""

import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.memory import run_command

MANAGE = Path(__file__).resolve().parent.parent / "manage.py"
# format → extra arguments: every sheet (CSV: zipped), contacts included.
RUNS: dict[str, tuple[str, ...]] = {
    "xlsx": ("--include-contacts",),
    "csv": ("--include-contacts",),
    "hxl": (),
    "json": ("--include-contacts",),
}
COUNTS = re.compile(r"(\d+) (\w+)")

Progress = Callable[[str], None]


def _rows(output: str, path: Path, fmt: str) -> int:
    """The rows written, from the command's summary (JSON: counted in the file)."""
    if fmt == "json":
        dump = json.loads(path.read_text(encoding="utf-8"))
        return sum(len(items) for items in dump.values())
    summary = output.partition(":")[2]
    return sum(int(count) for count, _name in COUNTS.findall(summary))


def run_export(fmt: str, folder: Path) -> dict[str, Any]:
    """One export in a child process: seconds, rows, rows per second, peak RSS."""
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
    rows = _rows(measured.stdout, path, fmt)
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "peak_rss_mb": measured.peak_mb,
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
    }


def export_figures(progress: Progress) -> dict[str, Any]:
    """Throughput (rows per second, the command's start-up included) and peak
    memory of `export_register` per format, over the register in the database."""
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="maillage-export-bench-") as folder:
        for fmt in RUNS:
            progress(f"Exporting {fmt}…")
            figures[fmt] = run_export(fmt, Path(folder))
            progress(f"{fmt}: {figures[fmt]}")
    return figures


def main() -> int:
    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)  # noqa: T201 - progress

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    print(json.dumps(export_figures(progress), indent=2))  # noqa: T201 - the result
    return 0


if __name__ == "__main__":
    sys.exit(main())
