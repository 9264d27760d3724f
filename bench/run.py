"""`make bench`: the figures of "Wallonia × 10", in a throwaway database.

    .venv/bin/python -m bench [--scale 0.1] [--requests 30] [--warmups 3]
                              [--no-exchange]
    .venv/bin/python -m bench --scales 1 3 [--no-exchange]

It creates a new database (a SQLite file in a temporary folder; with a PostgreSQL
DATABASE_URL, a database `maillage_bench_<pid>` on the same server), migrates it,
times the register's pages over the seeded register (`bench.pages`), then the
exports (`bench.exports`) and the import (`bench.imports`) over the same data.
One JSON object goes to stdout, progress to stderr; the database is dropped at
the end.

With `--scales`, each scale runs in its own process and throwaway database, one
after the other, and the JSON adds `growth`: for each page, its median at the
largest scale divided by its median at the smallest, and the seeding times.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from bench.pages import MIN_TIMED, PAGE_BUDGET_SECONDS, Progress, bench_run

if TYPE_CHECKING:
    from demo.synthetic import SyntheticSizes

FULL_SCALE = {
    "organisations": 20_000,
    "services_per_org": 5,
    "relations": 100_000,
    "communes_per_service": 2,
}


@contextmanager
def throwaway_database(progress: Progress) -> Iterator[str]:
    """Point the settings at a new, empty database; remove it afterwards.

    Must run before Django is set up: it works through the environment variables
    that the settings read (DATABASE_URL, SQLITE_PATH).
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if urlsplit(url).scheme in ("postgres", "postgresql", "pgsql"):
        with _postgresql_database(url, progress) as name:
            yield name
        return
    with tempfile.TemporaryDirectory(prefix="maillage-bench-") as folder:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = os.path.join(folder, "bench.sqlite3")
        progress(f"Throwaway SQLite database in {folder}")
        try:
            yield "SQLite file in a temporary folder"
        finally:
            _close_connections()


@contextmanager
def _postgresql_database(url: str, progress: Progress) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"maillage_bench_{os.getpid()}"
    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    progress(f"Throwaway PostgreSQL database {name}")
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield name
    finally:
        _close_connections()
        os.environ["DATABASE_URL"] = url
        with psycopg.connect(url, autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
        progress(f"Dropped {name}")


def _close_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def _sizes(args: argparse.Namespace) -> "SyntheticSizes":
    from demo.synthetic import SyntheticSizes, sizes_scaled

    base = SyntheticSizes(
        organisations=(
            FULL_SCALE["organisations"]
            if args.organisations is None
            else args.organisations
        ),
        services_per_org=args.services_per_org,
        relations=(
            FULL_SCALE["relations"] if args.relations is None else args.relations
        ),
        communes_per_service=args.communes_per_service,
        seed=args.seed,
    )
    return sizes_scaled(base, args.scale)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE") or 1),
        help="Multiply the organisations and relations (default 1: Wallonia × 10).",
    )
    parser.add_argument("--organisations", type=int, default=None)
    parser.add_argument(
        "--services-per-org", type=int, default=FULL_SCALE["services_per_org"]
    )
    parser.add_argument("--relations", type=int, default=None)
    parser.add_argument(
        "--communes-per-service", type=int, default=FULL_SCALE["communes_per_service"]
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=30, help="Timed requests.")
    parser.add_argument("--warmups", type=int, default=3, help="Untimed requests.")
    parser.add_argument(
        "--page-budget",
        type=float,
        default=PAGE_BUDGET_SECONDS,
        help="Seconds one page may take in all before it is timed fewer times "
        f"(at least {MIN_TIMED}).",
    )
    parser.add_argument(
        "--scales",
        type=float,
        nargs="+",
        default=None,
        metavar="SCALE",
        help="Run at each scale in turn and report how each page's median grows.",
    )
    parser.add_argument(
        "--no-analysis",
        dest="analysis",
        action="store_false",
        help="Leave out the sector analysis's figures.",
    )
    parser.add_argument(
        "--no-meetings",
        dest="meetings",
        action="store_false",
        help="Leave out the meetings' pages.",
    )
    parser.add_argument(
        "--no-consultations",
        dest="consultations",
        action="store_false",
        help="Leave out the consultations' submissions and results.",
    )
    parser.add_argument(
        "--no-exchange",
        dest="exchange",
        action="store_false",
        help="Leave out the import and export figures.",
    )
    args = parser.parse_args(argv)
    if args.scale <= 0 or args.page_budget <= 0:
        parser.error("--scale and --page-budget must be above 0.")
    if args.scales is not None and (
        len(args.scales) < 2 or min(args.scales) <= 0 or len(set(args.scales)) < 2
    ):
        parser.error("--scales needs at least two different scales above 0.")
    if args.requests < 1 or args.warmups < 1:
        parser.error("--requests and --warmups must be at least 1.")
    return args


def exchange_run(scale: float, progress: Progress) -> dict[str, Any]:
    """Export throughput over the seeded register, then import throughput of the
    template filled with 10,000 organisations and 100,000 services (times the
    scale) against a bare bulk_create of the same rows, and peak memory."""
    from bench.exports import export_figures
    from bench.imports import ORGANISATIONS, SERVICES, import_figures

    return {
        "export": export_figures(progress),
        "import": import_figures(
            progress,
            organisations=max(round(ORGANISATIONS * scale), 1),
            services=max(round(SERVICES * scale), 1),
        ),
    }


def growth(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """How each page's median grows from the smallest scale to the largest.

    `growth` divides the medians; `ratio_growth` divides the page's multiples
    of the minimal page timed in turn with it, which takes out how much faster
    or slower the machine itself ran in one run than in the other (a shared
    machine drifts by a third within minutes)."""
    small, large = min(runs, key=_scale), max(runs, key=_scale)
    pages: dict[str, Any] = {}
    for name, result in large["pages"].items():
        earlier = small["pages"].get(name, {})
        before, after = earlier.get("median_ms"), result.get("median_ms")
        ratios = earlier.get("ratio_to_minimal"), result.get("ratio_to_minimal")
        pages[name] = {
            "median_ms": [before, after],
            "growth": round(after / before, 2) if before and after else None,
            "ratio_to_minimal": list(ratios),
            "ratio_growth": (
                round(ratios[1] / ratios[0], 2) if ratios[0] and ratios[1] else None
            ),
        }
    return {
        "scales": [small["scale"], large["scale"]],
        "seeding_seconds": [
            small["timings_seconds"]["seeding"],
            large["timings_seconds"]["seeding"],
        ],
        "pages": pages,
    }


def _scale(run: dict[str, Any]) -> float:
    return float(run["scale"])


def scales_run(argv: Sequence[str], scales: Sequence[float]) -> dict[str, Any]:
    """Run the bench once per scale, each in its own process and database."""
    rest = list(argv)
    index = rest.index("--scales")
    del rest[index : index + 1 + len(scales)]
    runs = []
    for scale in sorted(scales):
        command = [sys.executable, "-m", "bench", *rest, "--scale", str(scale)]
        answer = subprocess.run(command, check=True, stdout=subprocess.PIPE)  # noqa: S603
        runs.append(json.loads(answer.stdout))
    return {"runs": runs, "growth": growth(runs)}


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.scales is not None:
        arguments = list(sys.argv[1:] if argv is None else argv)
        report = scales_run(arguments, args.scales)
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    started = time.perf_counter()

    def progress(message: str) -> None:
        sys.stderr.write(f"[{time.perf_counter() - started:7.1f} s] {message}\n")
        sys.stderr.flush()

    with throwaway_database(progress) as database:
        import django
        from django.core.management import call_command

        django.setup()
        sizes = _sizes(args)
        migrate_started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_seconds = round(time.perf_counter() - migrate_started, 2)
        progress(f"Migrated in {migrate_seconds} s")
        report = bench_run(
            sizes=sizes,
            warmups=args.warmups,
            requests=args.requests,
            progress=progress,
            budget=args.page_budget,
        )
        report["database"]["name"] = database
        report["timings_seconds"]["migrate"] = migrate_seconds
        if args.analysis:
            from bench.analysis import analysis_figures

            report["analysis"] = analysis_figures(progress)
        if args.meetings:
            from bench.meetings import meetings_figures

            report["meetings"] = meetings_figures(
                progress,
                scale=args.scale,
                warmups=args.warmups,
                requests=args.requests,
                budget=args.page_budget,
            )
        if args.consultations:
            from bench.consultations import consultations_figures

            report["consultations"] = consultations_figures(
                progress,
                scale=args.scale,
                warmups=args.warmups,
                requests=args.requests,
                budget=args.page_budget,
            )
        if args.exchange:
            report["exchange"] = exchange_run(args.scale, progress)
    report["scale"] = args.scale
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0
