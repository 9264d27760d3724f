"""The page timings of `make bench`: percentiles, ratios to the minimal page,
pages timed in turn, slow and failing pages, and a whole run's report."""

import json
from unittest import mock

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, TestCase, override_settings
from django.urls import path

from accounts.models import Role, User
from bench import pages as bench
from demo.synthetic import SyntheticSizes


@login_not_required
def one_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok")


@login_not_required
def missing(request: HttpRequest) -> HttpResponse:
    return HttpResponse("gone", status=404)


@login_not_required
def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("not built yet")


urlpatterns = [
    path("one-query/", one_query),
    path("missing/", missing),
    path("broken/", broken),
]


class BenchTests(TestCase):
    def test_percentile_interpolates(self):
        values = [float(n) for n in range(10, 0, -1)]
        self.assertEqual(bench.percentile(values, 0.5), 5.5)
        self.assertAlmostEqual(bench.percentile(values, 0.95), 9.55)
        self.assertEqual(bench.percentile(values, 1), 10)
        self.assertEqual(bench.percentile([4.0], 0.95), 4.0)
        with self.assertRaises(ValueError):
            bench.percentile([], 0.5)

    def test_ratios_are_to_the_minimal_page(self):
        pages = bench.with_ratios(
            {
                "minimal": {"median_ms": 2.0},
                "list": {"median_ms": 7.0},
                "missing": {"median_ms": None},
            }
        )
        self.assertEqual(pages["minimal"]["ratio_to_minimal"], 1.0)
        self.assertEqual(pages["list"]["ratio_to_minimal"], 3.5)
        self.assertIsNone(pages["missing"]["ratio_to_minimal"])

    def test_a_page_s_ratio_is_to_the_minimal_page_timed_just_before_it(self):
        pages = bench.with_ratios(
            {
                "minimal": {"median_ms": 2.0},
                "list": {"median_ms": 12.0, "baseline_median_ms": 3.0},
            }
        )
        self.assertEqual(pages["list"]["ratio_to_minimal"], 4.0)

    def test_the_minimal_page_s_figures_are_over_all_its_blocks(self):
        summary = bench.baseline_summary(
            [
                {"url": "/m/", "median_ms": 1.0, "timings_ms": [1.0, 1.0, 1.0]},
                {"url": "/m/", "median_ms": 3.0, "timings_ms": [3.0, 3.0]},
            ]
        )
        self.assertEqual(summary["median_ms"], 1.0)
        self.assertEqual(summary["timed_requests"], 5)
        self.assertEqual(summary["blocks"], 2)

    @override_settings(ROOT_URLCONF=__name__)
    def test_it_times_a_page_and_counts_its_queries(self):
        client = Client(raise_request_exception=False)
        (result,) = bench.measure_pages(client, ["/one-query/"], warmups=1, requests=3)
        self.assertEqual(result["status"], 200)
        self.assertEqual(result["queries"], 1)
        self.assertGreater(result["median_ms"], 0)
        self.assertGreaterEqual(result["p95_ms"], result["median_ms"])
        self.assertEqual(result["timed_requests"], 3)
        self.assertEqual(result["slowest_query"]["sql"], "SELECT 1")

    def test_the_slowest_query_of_each_page_gets_its_plan(self):
        results: dict[str, bench.PageResult] = {
            "page": {"slowest_query": {"ms": 1.0, "sql": "SELECT 1"}},
            "broken": {"slowest_query": {"ms": 1.0, "sql": "SELECT * FROM nowhere"}},
            "failed": {"status": 500},
        }
        bench.explain_slowest(results)
        self.assertTrue(results["page"]["slowest_query"]["plan"])
        self.assertIn("nowhere", results["broken"]["slowest_query"]["plan_error"])
        self.assertNotIn("slowest_query", results["failed"])

    @override_settings(ROOT_URLCONF=__name__)
    def test_pages_timed_together_are_requested_in_turn(self):
        client = Client(raise_request_exception=False)
        requested: list[str] = []
        get = client.get

        def spy(path, *args, **kwargs):
            requested.append(path)
            return get(path, *args, **kwargs)

        with mock.patch.object(client, "get", spy):
            first, missing, second = bench.measure_pages(
                client,
                ["/one-query/", "/missing/", "/one-query/?b"],
                warmups=2,
                requests=3,
            )
        self.assertEqual(requested[-6:], ["/one-query/", "/one-query/?b"] * 3)
        self.assertEqual((first["timed_requests"], second["timed_requests"]), (3, 3))
        self.assertEqual((missing["status"], missing["median_ms"]), (404, None))

    @override_settings(ROOT_URLCONF=__name__)
    def test_a_slow_page_is_timed_fewer_times(self):
        client = Client(raise_request_exception=False)
        (result,) = bench.measure_pages(
            client, ["/one-query/"], warmups=3, requests=30, budget=0.000001
        )
        self.assertEqual(result["timed_requests"], bench.MIN_TIMED)
        self.assertIsNotNone(result["median_ms"])

    @override_settings(ROOT_URLCONF=__name__)
    def test_a_page_that_fails_gets_its_status_and_no_timings(self):
        client = Client(raise_request_exception=False)
        (missing_page,) = bench.measure_pages(
            client, ["/missing/"], warmups=1, requests=3
        )
        self.assertEqual(
            (
                missing_page["status"],
                missing_page["median_ms"],
                missing_page["queries"],
            ),
            (404, None, None),
        )
        with self.assertLogs("django.request", "ERROR"):
            (broken_page,) = bench.measure_pages(
                client, ["/broken/"], warmups=1, requests=3
            )
        self.assertEqual((broken_page["status"], broken_page["p95_ms"]), (500, None))

    @override_settings(ROOT_URLCONF="bench.urls")
    def test_the_minimal_page_is_the_base_layout_behind_the_login(self):
        self.assertEqual(self.client.get("/_bench/minimal/").status_code, 302)
        user = User.objects.create_user("c@example.org", None, role=Role.COORDINATOR)
        self.client.force_login(user)
        response = self.client.get("/_bench/minimal/")
        self.assertContains(response, '<main id="main"')

    def test_a_run_reports_every_figure_as_json(self):
        measured = []

        def fake_measure(client, urls, *, warmups, requests, budget):
            measured.append(list(urls))
            return [
                {
                    "url": url,
                    "status": 200,
                    "median_ms": median,
                    "p95_ms": median * 2,
                    "queries": 3,
                }
                for url, median in zip(urls, (2.0, 5.0), strict=True)
            ]

        report = bench.bench_run(
            sizes=SyntheticSizes(20, 2, 30, 2, 1),
            warmups=1,
            requests=2,
            progress=lambda message: None,
            measure=fake_measure,
        )
        report = json.loads(json.dumps(report))
        self.assertEqual(
            set(report["pages"]),
            {
                "minimal",
                "register_list",
                "register_list_filtered",
                "register_list_search",
                "organisation_detail",
                "commune_page",
                "api_list",
                "api_list_search",
                "service_list",
                "service_list_filtered",
            },
        )
        # The minimal page timed in turn with each of the others.
        self.assertEqual(len(measured), len(report["pages"]) - 1)
        self.assertEqual([urls[0] for urls in measured], ["/_bench/minimal/"] * 9)
        self.assertEqual(len({urls[1] for urls in measured}), 9)
        self.assertEqual(report["pages"]["register_list"]["ratio_to_minimal"], 2.5)
        self.assertEqual(
            report["counts"],
            {
                "organisations": 20,
                "services": 40,
                "service_communes": 80,
                "area_communes": report["counts"]["area_communes"],
                "relations": 30,
            },
        )
        self.assertGreaterEqual(report["seeding_seconds"], 0)
        pages = [urls[1] for urls in measured]
        self.assertIn(
            f"/registre/organisations/{report['parameters']['organisation_id']}/",
            pages,
        )
        self.assertIn("/registre/communes/62063/", pages)
        self.assertTrue(
            User.objects.filter(role=Role.COORDINATOR, email__startswith="bench.")
        )
