"""The register's pages at "Wallonia × 10": seed, then time each page.

`bench_run` loads the reference data, seeds 20,000 organisations, 200,000
service × commune rows and 100,000 relations (times the scale), then requests
each page with Django's test client logged in as a coordinator, so through the
whole middleware stack. The baseline is a minimal page (the base layout, empty,
from `bench.urls`) served the same way, timed with each page, a request of one
then a request of the other: each page's ratio is to the minimal page's time
over the same moments (the machine's speed may drift during a run), and the
minimal page's own figures are over all pages. A page that does not answer 200
gets its status and null timings.
"""

import gc
import math
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from demo.synthetic import SyntheticSizes

BASELINE = "minimal"
THEME = "income-social-assistance"
COMMUNE = "62063"  # Liège, the commune with the most actors
SEARCH = "liege"
# Seconds one page may take in all; a slower page is timed fewer times.
PAGE_BUDGET_SECONDS = 60.0
MIN_TIMED = 3

PageResult = dict[str, Any]
Progress = Callable[[str], None]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (linear interpolation)."""
    if not values:
        raise ValueError("No values.")
    if not 0 <= fraction <= 1:
        raise ValueError("The fraction must be between 0 and 1.")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _get(client: "Client", url: str) -> tuple[int, str | None]:
    """The status of a GET, and the error when the page could not be served at all
    (say, while a URLconf it needs is still missing)."""
    try:
        return client.get(url).status_code, None
    except Exception as error:  # reported in the figures, not raised
        return 500, f"{type(error).__name__}: {error}"


def _query_timer(timed: list[tuple[float, str, Any]]) -> Callable[..., Any]:
    """A database execute wrapper that appends each query's seconds, SQL and
    parameters to `timed`."""

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started, sql, params))

    return timer


def measure_pages(
    client: "Client",
    urls: Sequence[str],
    *,
    warmups: int,
    requests: int,
    budget: float = PAGE_BUDGET_SECONDS,
) -> list[PageResult]:
    """Request each page warmups + requests times, taking the pages in turn, and
    time the last `requests` of each: pages timed together see the machine in
    the same state, however its speed drifts.

    The first request of a page also counts its queries. A page that answers
    anything but 200 is not timed: its status is reported with null timings. A
    round of pages slower than the budget (seconds for all their requests) gets
    fewer warm-ups and timed requests, at least MIN_TIMED, so that one slow page
    cannot hold the run up; `timed_requests` says how many were timed.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()

    def elapsed() -> float:
        return time.perf_counter() - started

    results: list[PageResult] = []
    for url in urls:
        ran: list[tuple[float, str, Any]] = []
        with (
            CaptureQueriesContext(connection) as queries,
            connection.execute_wrapper(_query_timer(ran)),
        ):
            status, error = _get(client, url)
        result: PageResult = {
            "url": url,
            "status": status,
            "median_ms": None,
            "p95_ms": None,
            "queries": len(queries) if status == 200 else None,
            "timed_requests": 0,
            "timings_ms": [],
        }
        if error is not None:
            result["error"] = error
        if status == 200 and ran:
            seconds, sql, params = max(ran, key=lambda query: query[0])
            # The parameters stay out of the report: explain_slowest uses them.
            result["slowest_query"] = {
                "ms": round(seconds * 1000, 3),
                "sql": sql,
                "_params": params,
            }
        results.append(result)
    timed = [result for result in results if result["status"] == 200]
    for _ in range(max(warmups - 1, 0)):
        if elapsed() > budget / 4:
            break
        for result in timed:
            client.get(result["url"])
    # As timeit does, no garbage collection during a timed request: one page's
    # garbage must not be collected in the time of the page after it. The
    # young objects are collected between requests, untimed.
    gc.collect()
    gc.disable()
    rounds = 0
    try:
        while (
            timed and rounds < requests and (rounds < MIN_TIMED or elapsed() < budget)
        ):
            for result in list(timed):
                gc.collect(0)
                request_started = time.perf_counter()
                status, error = _get(client, result["url"])
                ended = time.perf_counter()
                result["timings_ms"].append((ended - request_started) * 1000)
                if status != 200:
                    result.update(status=status, queries=None, timings_ms=[])
                    if error is not None:
                        result["error"] = error
                    timed.remove(result)
            rounds += 1
    finally:
        gc.enable()
        gc.collect()
    for result in results:
        timings = result["timings_ms"]
        if timings:
            result["median_ms"] = round(statistics.median(timings), 2)
            result["p95_ms"] = round(percentile(timings, 0.95), 2)
            result["timed_requests"] = len(timings)
        else:
            del result["timings_ms"]
    return results


def with_ratios(pages: dict[str, PageResult]) -> dict[str, PageResult]:
    """Add each page's median as a multiple of the minimal page's median: the one
    timed with the page when there is one (`baseline_median_ms`), so that a
    machine whose speed drifts during the run compares like with like."""
    overall = pages.get(BASELINE, {}).get("median_ms")
    for result in pages.values():
        median = result.get("median_ms")
        baseline = result.get("baseline_median_ms") or overall
        result["ratio_to_minimal"] = (
            round(median / baseline, 2) if median is not None and baseline else None
        )
    return pages


def explain_slowest(results: dict[str, PageResult]) -> None:
    """Add to each page's slowest query (of its first request) the database's
    plan: `EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL, `EXPLAIN QUERY PLAN` on
    SQLite, or the reason there is none."""
    from django.db import DatabaseError, connection, transaction

    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    for result in results.values():
        slowest = result.get("slowest_query")
        if slowest is None:
            continue
        params = slowest.pop("_params", None)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(prefix + slowest["sql"], params)
                rows = cursor.fetchall()
        except DatabaseError as error:
            slowest["plan_error"] = str(error).strip()
            continue
        slowest["plan"] = [" ".join(str(value) for value in row) for row in rows]


def baseline_summary(blocks: list[PageResult]) -> PageResult:
    """The minimal page's figures over all its blocks of timed requests."""
    first = dict(blocks[0])
    timings = [t for block in blocks for t in block.get("timings_ms", [])]
    if timings:
        first.update(
            median_ms=round(statistics.median(timings), 2),
            p95_ms=round(percentile(timings, 0.95), 2),
            timed_requests=len(timings),
            blocks=len(blocks),
        )
    return first


def bench_pages(
    *, organisation_id: int | None, commune: str, theme: str
) -> dict[str, str]:
    register = "/registre/organisations/"
    pages = {
        BASELINE: "/_bench/minimal/",
        "register_list": register,
        "register_list_filtered": f"{register}?theme={theme}&commune={commune}",
        "register_list_search": f"{register}?q={SEARCH}",
        "organisation_detail": f"{register}{organisation_id}/",
        "commune_page": f"/registre/communes/{commune}/",
        "api_list": "/api/v1/register/organisations",
        "api_list_search": f"/api/v1/register/organisations?q={SEARCH}",
        "service_list": "/registre/services/",
        "service_list_filtered": f"/registre/services/?theme={theme}&commune={commune}",
    }
    if organisation_id is None:
        del pages["organisation_detail"]
    return pages


def _most_connected_organisation() -> int | None:
    """The organisation with the most relations: the heaviest page to draw."""
    from django.db.models import Count

    from register.models import Organisation, Relation

    degrees: Counter[int] = Counter()
    for field in ("source_id", "target_id"):
        degrees.update(
            dict(
                Relation.objects.order_by()
                .values_list(field)
                .annotate(n=Count("id"))
                .values_list(field, "n")
            )
        )
    if degrees:
        return degrees.most_common(1)[0][0]
    return Organisation.objects.order_by("id").values_list("id", flat=True).first()


def bench_run(
    *,
    sizes: "SyntheticSizes",
    warmups: int,
    requests: int,
    progress: Progress,
    measure: Callable[..., list[PageResult]] = measure_pages,
    budget: float = PAGE_BUDGET_SECONDS,
) -> dict[str, Any]:
    """Load the reference data, seed, and time every page; return the figures.

    Runs against the database Django is connected to, which must be migrated
    and otherwise empty enough to be seeded (a throwaway one, or a test's).
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from accounts.models import Role, User
    from demo.synthetic import synthetic_build
    from register.models import Organisation, Relation, Service, ServiceCommune
    from taxonomy.models import Theme
    from territory.models import Commune

    timings: dict[str, float] = {}
    started = time.perf_counter()
    call_command("load_reference", stdout=_Discard())
    timings["load_reference"] = round(time.perf_counter() - started, 2)
    progress(f"Reference data loaded in {timings['load_reference']} s; seeding {sizes}")
    counts = synthetic_build(sizes, progress=progress)
    timings["seeding"] = counts.seconds
    progress(f"Seeded in {counts.seconds} s")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What autovacuum would soon do on a live server: statistics for the
            # planner, and the visibility map that lets it read an index alone
            # (VACUUM cannot run inside a transaction, as in the bench's own test).
            cursor.execute(
                "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            )
        elif connection.vendor == "sqlite" and not connection.in_atomic_block:
            # What the next checkpoint would do on a live server: the seeded
            # rows move from the write-ahead log into the database file (not
            # possible inside a transaction, as in the bench's own test).
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    coordinator = User.objects.create_user(
        f"bench.coordinator.{os.getpid()}@example.org",
        None,
        full_name="Bench Coordination",
        role=Role.COORDINATOR,
    )
    commune = (
        COMMUNE
        if Commune.objects.filter(nis=COMMUNE).exists()
        else (
            Commune.objects.order_by("nis").values_list("nis", flat=True).first() or ""
        )
    )
    theme = THEME if Theme.objects.filter(code=THEME).exists() else ""
    organisation_id = _most_connected_organisation()
    pages = bench_pages(organisation_id=organisation_id, commune=commune, theme=theme)

    results: dict[str, PageResult] = {}
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    with override_settings(
        # Production behaviour: no query log, no debug pages.
        DEBUG=False,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        ROOT_URLCONF="bench.urls",
    ):
        # The minimal page is timed with each page, a request of one then a
        # request of the other: each ratio is to the minimal page's time at the
        # same moments.
        baselines: list[PageResult] = []
        for name, url in pages.items():
            if name == BASELINE:
                continue
            baseline, result = measure(
                client,
                [pages[BASELINE], url],
                warmups=warmups,
                requests=requests,
                budget=budget,
            )
            baselines.append(baseline)
            results[name] = result
            result["baseline_median_ms"] = baseline["median_ms"]
            progress(
                f"{name:<24} {result['status']} median {result['median_ms']} ms, "
                f"p95 {result['p95_ms']} ms, {result['queries']} queries "
                f"(minimal page in turn with it: {baseline['median_ms']} ms)"
            )
        results = {BASELINE: baseline_summary(baselines), **results}
        progress(
            f"{BASELINE:<24} median {results[BASELINE]['median_ms']} ms over "
            f"{len(baselines)} blocks"
        )
        for result in results.values():
            result.pop("timings_ms", None)
        explain_slowest(results)
    return {
        "benchmark": "register pages at Wallonia × 10",
        "database": {
            "vendor": connection.vendor,
            "version": ".".join(map(str, connection.get_database_version())),
        },
        "sizes": {
            "organisations": sizes.organisations,
            "services_per_org": sizes.services_per_org,
            "relations": sizes.relations,
            "communes_per_service": sizes.communes_per_service,
            "seed": sizes.seed,
        },
        "counts": {
            "organisations": Organisation.objects.count(),
            "services": Service.objects.count(),
            "service_communes": ServiceCommune.objects.count(),
            "area_communes": Organisation.area_communes.through.objects.count(),
            "relations": Relation.objects.count(),
        },
        "seeding_seconds": counts.seconds,
        "debug": False,
        "timings_seconds": timings,
        "requests_per_page": requests,
        "warmups": warmups,
        "parameters": {
            "organisation_id": organisation_id,
            "commune": commune,
            "theme": theme,
            "search": SEARCH,
        },
        "baseline": BASELINE,
        "pages": with_ratios(results),
    }


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
