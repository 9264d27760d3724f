"""The sector analysis over the seeded register: the coverage matrix by commune
and by province, each against the single raw SQL `GROUP BY` that computes the
same counts (measured in the same run), and the gaps.

The map's GeoJSON for one theme is timed and weighed with the commune boundaries
of ../shared/data when they are there (the repository does not carry them).

Population figures are added first, as the demo's (fictitious, for the
communes of the territory at two dates), so that the rates and gaps have
people to count.
"""

import gzip
import statistics
import time
from collections.abc import Callable
from functools import partial
from io import StringIO
from pathlib import Path
from typing import Any

from bench.network import network_figures
from bench.pages import Progress

RUNS = 5


def _median_ms[T](run: Callable[[], T], runs: int = RUNS) -> tuple[float, T]:
    result = run()  # warm-up, and what the run returns
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2), result


def _raw_group_by(level: str) -> Callable[[], list[Any]]:
    """The counts of the matrix (services, organisations, capacity per
    territory and theme) as one plain SQL statement, with no zeros, no
    population and no filters."""
    from django.db import connection

    column = {"commune": "sc.commune_id", "province": "c.province_id"}[level]
    distinct = "COUNT(*)" if level == "commune" else "COUNT(DISTINCT sc.service_id)"
    sql = (
        f"SELECT {column}, sc.theme_id, {distinct}, "  # noqa: S608
        "COUNT(DISTINCT sc.organisation_id), SUM(s.capacity) "
        "FROM register_servicecommune sc "
        "JOIN register_service s ON s.id = sc.service_id "
        "JOIN register_organisation o ON o.id = sc.organisation_id "
        "JOIN territory_commune c ON c.nis = sc.commune_id "
        "WHERE s.status = 'ongoing' AND o.status = 'active' "
        f"GROUP BY {column}, sc.theme_id"
    )

    def run() -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())

    return run


def analysis_figures(progress: Progress) -> dict[str, Any]:
    from django.conf import settings

    from analysis.coverage import CoverageFilters, coverage_matrix
    from analysis.overlaps import overlap_page
    from analysis.selectors import main_themes
    from demo.population import population_rows
    from territory import services as territory_services
    from territory.models import Commune

    communes = Commune.objects.all()
    if settings.TERRITORY_SCOPE != "BE":
        communes = communes.filter(region_id=settings.TERRITORY_SCOPE)
    territory_services.population_figures_import(
        by=None,
        rows=population_rows(list(communes.values_list("nis", flat=True))),
        file_name="bench",
    )
    themes = [theme.pk for theme in main_themes()]
    figures: dict[str, Any] = {}
    for level in ("commune", "province"):
        median, cells = _median_ms(
            partial(coverage_matrix, CoverageFilters(by=level), themes)
        )
        sql_median, sql_rows = _median_ms(_raw_group_by(level))
        figures[f"coverage_{level}"] = {
            "median_ms": median,
            "cells": len(cells),
            "sql_group_by_median_ms": sql_median,
            "sql_group_by_rows": len(sql_rows),
            "ratio_to_sql": round(median / sql_median, 2) if sql_median else None,
        }
        ratio = figures[f"coverage_{level}"]["ratio_to_sql"]
        progress(
            f"coverage by {level:<9} median {median} ms ({len(cells)} cells), "
            f"raw GROUP BY {sql_median} ms: {ratio}×"
        )
    median, gaps = _median_ms(
        lambda: coverage_matrix(CoverageFilters(by="commune"), themes, gaps_below=1.0)
    )
    figures["gaps_commune"] = {"median_ms": median, "gaps": len(gaps)}
    progress(f"gaps by commune         median {median} ms ({len(gaps)} gaps)")
    median, (_page, total) = _median_ms(
        partial(overlap_page, CoverageFilters(), offset=0, limit=25)
    )
    figures["overlaps"] = {"median_ms": median, "pairs": total}
    progress(f"overlaps, first page    median {median} ms ({total} pairs)")
    figures["network_register"] = _register_network(progress)
    figures["map"] = _map_figures(progress)
    figures["report_pdf"] = _report_figures(progress)
    figures.update(network_figures(progress))
    return figures


def _register_network(progress: Progress) -> dict[str, Any]:
    """The network of the seeded register itself, read and measured as the
    network page does before its cache holds it (one run)."""
    from analysis.network import NetworkFilters, network_measure

    started = time.perf_counter()
    measured = network_measure(NetworkFilters())
    seconds = round(time.perf_counter() - started, 2)
    progress(
        f"register's network       {seconds} s ({len(measured.nodes)} organisations, "
        f"{len(measured.edges)} ties, {measured.algorithm})"
    )
    return {
        "seconds": seconds,
        "nodes": len(measured.nodes),
        "edges": len(measured.edges),
        "algorithm": measured.algorithm,
    }


def _report_figures(progress: Progress) -> dict[str, Any]:
    """The whole report by province, gathered then written as a PDF and as
    an XLSX workbook (one run each: a PDF takes seconds)."""
    import tempfile

    from accounts.models import Role, User
    from analysis.coverage import CoverageFilters
    from analysis.report import report_build
    from analysis.report_files import report_pdf, report_xlsx

    user, _created = User.objects.get_or_create(
        email="bench.report@example.org", defaults={"role": Role.COORDINATOR}
    )
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="maillage-bench-report-") as folder:
        started = time.perf_counter()
        report = report_build(user, CoverageFilters(by="province"))
        figures["gather_ms"] = round((time.perf_counter() - started) * 1000, 1)
        for fmt, write in (("pdf", report_pdf), ("xlsx", report_xlsx)):
            path = Path(folder) / f"report.{fmt}"
            started = time.perf_counter()
            write(report, path)
            figures[f"{fmt}_ms"] = round((time.perf_counter() - started) * 1000, 1)
            figures[f"{fmt}_bytes"] = path.stat().st_size
    figures["seconds"] = round((figures["gather_ms"] + figures["pdf_ms"]) / 1000, 2)
    progress(
        f"report by province       gathered in {figures['gather_ms']} ms, PDF "
        f"{figures['pdf_ms']} ms ({figures['pdf_bytes']:,} bytes), XLSX "
        f"{figures['xlsx_ms']} ms"
    )
    return figures


def _map_figures(progress: Progress) -> dict[str, Any]:
    """The map's GeoJSON for one theme (services per 1,000 people), with the
    commune boundaries of ../shared/data when they are there."""
    from django.conf import settings
    from django.core.management import call_command

    from analysis.coverage import CoverageFilters
    from analysis.maps import map_geojson, theme_map
    from analysis.selectors import main_themes

    boundaries = (
        Path(settings.BASE_DIR).parent
        / "shared"
        / "data"
        / "Belgium.municipalities.WGS84.topojson"
    )
    if boundaries.exists():
        call_command("import_boundaries", str(boundaries), stdout=StringIO())
    theme = next(theme for theme in main_themes() if theme.code == "housing")
    median, text = _median_ms(
        lambda: map_geojson(
            theme_map(CoverageFilters(), theme.pk, "per_1000"), theme.code
        )
    )
    payload = text.encode()
    figures = {
        "median_ms": median,
        "features": text.count('"type":"Feature"'),
        "bytes": len(payload),
        "gzip_bytes": len(gzip.compress(payload)),
        "boundaries": boundaries.exists(),
    }
    progress(
        f"map GeoJSON, one theme   median {median} ms, {figures['features']} "
        f"communes, {figures['bytes']:,} bytes ({figures['gzip_bytes']:,} gzipped)"
    )
    return figures
