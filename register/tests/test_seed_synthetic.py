import json
from io import StringIO
from unittest import mock

from django.contrib.auth.decorators import login_not_required
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, TestCase, override_settings
from django.urls import path

from accounts.models import Role, User
from maillage import bench
from register.models import Organisation, Relation, Service, ServiceCommune
from register.search import search
from register.synthetic import SyntheticSizes
from territory.models import Commune


def seed_synthetic(*args: str) -> str:
    out = StringIO()
    call_command("seed_synthetic", *args, stdout=out)
    return out.getvalue()


def sizes(organisations=50, services=3, relations=40, communes=2, seed=None):
    args = [
        f"--organisations={organisations}",
        f"--services-per-org={services}",
        f"--relations={relations}",
        f"--communes-per-service={communes}",
    ]
    return [*args, f"--seed={seed}"] if seed is not None else args


def snapshot():
    """The generated data without its ids, which may differ between runs."""
    return {
        "organisations": list(
            Organisation.objects.order_by("id").values_list(
                "name",
                "level__code",
                "actor_type__code",
                "commune_id",
                "languages",
                "status",
                "published",
                "search_text",
            )
        ),
        "areas": list(
            Organisation.area_communes.through.objects.order_by(
                "organisation_id", "commune_id"
            ).values_list("organisation__name", "commune_id")
        ),
        "services": list(
            Service.objects.order_by("id").values_list(
                "organisation__name",
                "title",
                "theme__code",
                "subtheme__code",
                "status",
                "start_date",
                "end_date",
                "published",
            )
        ),
        "service_communes": list(
            ServiceCommune.objects.order_by("service_id", "commune_id").values_list(
                "service__organisation__name", "service__title", "commune_id"
            )
        ),
        "relations": list(
            Relation.objects.order_by("id").values_list(
                "source__name", "target__name", "type__code", "since", "formal"
            )
        ),
    }


class SeedSyntheticTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_reference", stdout=StringIO())

    def test_it_builds_exactly_the_sizes_asked(self):
        output = seed_synthetic(*sizes(50, 3, 40, 2))
        self.assertEqual(Organisation.objects.count(), 50)
        self.assertEqual(Service.objects.count(), 150)
        self.assertEqual(ServiceCommune.objects.count(), 300)
        self.assertEqual(Relation.objects.count(), 40)
        self.assertIn("50 synthetic organisations", output)
        self.assertIn("300 service × commune rows", output)
        self.assertRegex(output, r"in \d+\.\d s\.")

    def test_its_data_is_well_formed(self):
        seed_synthetic(*sizes(60, 2, 80, 3))
        walloon = set(
            Commune.objects.filter(region_id="03000").values_list("nis", flat=True)
        )
        for service in Service.objects.select_related("subtheme").prefetch_related(
            "communes", "target_groups"
        ):
            communes = {commune.nis for commune in service.communes.all()}
            self.assertEqual(len(communes), 3)
            self.assertTrue(communes <= walloon)
            self.assertTrue(service.target_groups.all())
            if service.subtheme is not None:
                self.assertEqual(service.subtheme.parent_id, service.theme_id)
            if service.start_date and service.end_date:
                self.assertLessEqual(service.start_date, service.end_date)
        for organisation in Organisation.objects.all():
            self.assertTrue(organisation.name.startswith("Organisation synthétique"))
            self.assertTrue(organisation.area_communes.exists())
            self.assertIn(organisation.commune_id, walloon)
        triples = list(Relation.objects.values_list("source", "target", "type"))
        self.assertEqual(len(triples), len(set(triples)))
        self.assertFalse(any(source == target for source, target, _ in triples))
        self.assertFalse(Organisation.objects.filter(search_text="").exists())
        self.assertFalse(Service.objects.filter(search_text="").exists())
        # The full-text index follows bulk inserts too.
        self.assertEqual(search(Organisation.objects.all(), "synthetique").count(), 60)
        self.assertEqual(search(Service.objects.all(), "synthetique").count(), 120)

    def test_the_same_seed_gives_the_same_data(self):
        with transaction.atomic():
            seed_synthetic(*sizes(seed=7))
            first = snapshot()
            transaction.set_rollback(True)
        self.assertFalse(Organisation.objects.exists())
        seed_synthetic(*sizes(seed=7))
        self.assertEqual(snapshot(), first)
        with transaction.atomic():
            Relation.objects.all().delete()
            ServiceCommune.objects.all().delete()
            Service.target_groups.through.objects.all().delete()
            Service.objects.all().delete()
            Organisation.area_communes.through.objects.all().delete()
            Organisation.objects.all().delete()
            seed_synthetic(*sizes(seed=8))
            self.assertNotEqual(snapshot(), first)
            transaction.set_rollback(True)

    def test_it_adds_to_the_data_already_there(self):
        seed_synthetic(*sizes(20, 1, 10))
        seed_synthetic(*sizes(20, 1, 10))
        self.assertEqual(Organisation.objects.count(), 40)
        self.assertEqual(Relation.objects.count(), 20)
        names = list(Organisation.objects.values_list("name", flat=True))
        self.assertEqual(len(set(names)), 40)
        self.assertTrue(
            Organisation.objects.filter(
                name__startswith="Organisation synthétique 00040 "
            ).exists()
        )

    def test_without_new_organisations_it_relates_the_existing_ones(self):
        seed_synthetic(*sizes(10, 1, 0))
        seed_synthetic(*sizes(0, 1, 25))
        self.assertEqual(Organisation.objects.count(), 10)
        self.assertEqual(Relation.objects.count(), 25)

    def test_it_fills_every_possible_relation_when_asked(self):
        # 3 organisations × 2 others × 8 types: every triple exists once.
        seed_synthetic(*sizes(3, 0, 48))
        self.assertEqual(Relation.objects.count(), 48)

    def test_it_rejects_bad_sizes_and_writes_nothing(self):
        cases = (
            (sizes(-1, 3, 4), "--organisations must be 0 or more"),
            (sizes(5, -3, 4), "--services-per-org must be 0 or more"),
            (sizes(5, 3, -4), "--relations must be 0 or more"),
            (sizes(5, 3, 4, -1), "--communes-per-service must be 0 or more"),
            (sizes(5, 3, 4, 300), "--communes-per-service must be at most 261"),
            (sizes(2, 3, 40), "Cannot create 40 relations between 2 organisations"),
            (sizes(1, 3, 1), "at most 0 distinct"),
            (sizes(0, 3, 1), "between 0 organisations"),
        )
        for args, message in cases:
            with (
                self.subTest(args=args),
                self.assertRaisesMessage(CommandError, message),
            ):
                seed_synthetic(*args)
        self.assertFalse(Organisation.objects.exists())
        self.assertFalse(Service.objects.exists())


class SeedSyntheticWithoutReferenceTests(TestCase):
    def test_it_asks_for_the_reference_data(self):
        with self.assertRaisesMessage(CommandError, "load_reference"):
            seed_synthetic(*sizes())


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

    @override_settings(ROOT_URLCONF="maillage.bench_urls")
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
            },
        )
        # The minimal page timed in turn with each of the others.
        self.assertEqual(len(measured), len(report["pages"]) - 1)
        self.assertEqual([urls[0] for urls in measured], ["/_bench/minimal/"] * 7)
        self.assertEqual(len({urls[1] for urls in measured}), 7)
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
