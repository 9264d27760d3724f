"""Coverage and gaps against a small example computed by hand: 3 communes,
4 organisations, 5 services, population figures at two dates.

Liège (62063) and Seraing (62096) are in the province of Liège (60000),
Namur (92094) in the province of Namur (90000).

- s1: A (municipal), housing, Liège + Seraing, capacity 30, languages fr, uk
- s2: B (non-profit), housing, Liège, capacity 10, remote
- s3: C (federal), health, Namur, no capacity, from 2025-01-01
- s4: B, health, Liège, planned: not active
- s5: D (archived), housing, Namur: not active

People under temporary protection: Liège 800 then 1,000, Seraing 200, Namur 500.
"""

import datetime
from io import StringIO
from typing import Any, ClassVar

from django.core.management import call_command

from accounts.testing import BaseTestCase
from analysis.coverage import CoverageCell, CoverageFilters, coverage_matrix
from register import services as register_services
from register.models import Service, ServiceCommune
from register.selectors import ServiceFilters, service_list
from register.tests.factories import _system_user, make_organisation, make_service
from taxonomy.models import (
    ActorType,
    Competence,
    InstitutionalLevel,
    Sector,
    TargetGroup,
    Theme,
)
from territory import services as territory_services
from territory.models import PopulationFigure

LIEGE, SERAING, NAMUR = "62063", "62096", "92094"
PROVINCE_LIEGE, PROVINCE_NAMUR = "60000", "90000"
ONGOING = Service.Status.ONGOING
COVERAGE, GAPS = "/analyse/couverture/", "/analyse/lacunes/"
API = "/api/v1/analysis"


class CoverageTestCase(BaseTestCase):
    housing: ClassVar[int]
    health: ClassVar[int]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        call_command("load_reference", stdout=StringIO())
        cls.housing = Theme.objects.get(code="housing").pk
        cls.health = Theme.objects.get(code="health").pk
        a = make_organisation("CPAS de Liège", level="municipal")
        b = make_organisation(
            "Accueil Ukraine",
            level="non-governmental",
            sector="non-profit",
            actor_type="association",
        )
        c = make_organisation("Fedasil", level="federal", actor_type="federal-agency")
        d = make_organisation("Ancienne antenne", level="municipal")
        make_service(
            a,
            "s1",
            theme="housing",
            communes=[LIEGE, SERAING],
            capacity=30,
            languages=["fr", "uk"],
            status=ONGOING,
            target_groups=["children"],
        )
        make_service(
            b,
            "s2",
            theme="housing",
            communes=[LIEGE],
            capacity=10,
            delivery_mode=Service.DeliveryMode.REMOTE,
            status=ONGOING,
        )
        make_service(
            c,
            "s3",
            theme="health",
            communes=[NAMUR],
            status=ONGOING,
            start_date=datetime.date(2025, 1, 1),
        )
        make_service(
            b, "s4", theme="health", communes=[LIEGE], status=Service.Status.PLANNED
        )
        make_service(d, "s5", theme="housing", communes=[NAMUR], status=ONGOING)
        register_services.organisation_archive(organisation_id=d.pk, by=_system_user())
        register_services.membership_add(user=cls.focal_point_a, organisation=b)
        for nis, date, value in (
            (LIEGE, datetime.date(2023, 12, 31), 800),
            (LIEGE, datetime.date(2024, 12, 31), 1000),
            (SERAING, datetime.date(2024, 12, 31), 200),
            (NAMUR, datetime.date(2024, 12, 31), 500),
        ):
            territory_services.population_figure_create(
                by=None,
                fields={
                    "commune_id": nis,
                    "indicator": PopulationFigure.Indicator.TEMPORARY_PROTECTION,
                    "date": date,
                    "value": value,
                },
            )

    def cells(self, **filters: object) -> dict[tuple[str, int], CoverageCell]:
        matrix = coverage_matrix(
            CoverageFilters(**filters),  # type: ignore[arg-type]
            [self.housing, self.health],
        )
        return {(cell.territory, cell.theme): cell for cell in matrix}

    def call_api(self, user: Any, name: str, **query: Any) -> Any:
        self.login(user)
        return self.client.get(f"{API}/{name}", query)

    def figures(self, cell: CoverageCell) -> tuple[object, ...]:
        return (
            cell.services,
            cell.organisations,
            cell.capacity,
            cell.population,
            cell.per_1000,
            cell.capacity_per_1000,
        )


class MatrixTests(CoverageTestCase):
    def test_the_commune_matrix_as_computed_by_hand_zeros_included(self):
        cells = self.cells(by="commune")
        self.assertEqual(len(cells), 261 * 2)
        expected = {
            (LIEGE, self.housing): (2, 2, 40, 1000, 2.0, 40.0),
            (LIEGE, self.health): (0, 0, None, 1000, 0.0, None),
            (SERAING, self.housing): (1, 1, 30, 200, 5.0, 150.0),
            (SERAING, self.health): (0, 0, None, 200, 0.0, None),
            (NAMUR, self.housing): (0, 0, None, 500, 0.0, None),
            (NAMUR, self.health): (1, 1, None, 500, 2.0, None),
            ("63023", self.housing): (0, 0, None, None, None, None),
        }
        for key, figures in expected.items():
            with self.subTest(key):
                self.assertEqual(self.figures(cells[key]), figures)

    def test_a_province_counts_a_service_once_however_many_communes_it_serves(self):
        cells = self.cells(by="province")
        self.assertEqual(len(cells), 5 * 2)
        self.assertEqual(
            self.figures(cells[PROVINCE_LIEGE, self.housing]),
            (2, 2, 40, 1200, 1.67, 33.33),
        )
        self.assertEqual(
            self.figures(cells[PROVINCE_NAMUR, self.health]),
            (1, 1, None, 500, 2.0, None),
        )
        wallonia = self.cells(by="region")
        self.assertEqual(
            self.figures(wallonia["03000", self.housing]),
            (2, 2, 40, 1700, 1.18, 23.53),
        )
        arrondissements = self.cells(by="arrondissement", province=PROVINCE_LIEGE)
        self.assertEqual(
            {territory for territory, _theme in arrondissements},
            {"61000", "62000", "63000", "64000"},
        )

    def test_wallonia_narrowed_to_a_province_counts_that_province_s_people(self):
        cells = self.cells(by="region", province=PROVINCE_LIEGE)
        self.assertEqual(
            self.figures(cells["03000", self.housing]),
            (2, 2, 40, 1200, 1.67, 33.33),
        )

    def test_the_communes_add_up_to_the_services_list_for_any_filters(self):
        # (coverage filters, the services list's filters)
        municipal = InstitutionalLevel.objects.get(code="municipal").pk
        children = TargetGroup.objects.get(code="children").pk
        cases: tuple[tuple[dict[str, Any], dict[str, Any]], ...] = (
            ({}, {}),
            ({"level": municipal}, {"level": "municipal"}),
            ({"target_group": children}, {"target_group": "children"}),
            ({"language": "uk"}, {"language": "uk"}),
            ({"as_of": datetime.date(2024, 6, 30)}, {"active_on": "2024-06-30"}),
        )
        for coverage_filters, list_filters in cases:
            cells = self.cells(by="commune", **coverage_filters)
            for theme, code in ((self.housing, "housing"), (self.health, "health")):
                with self.subTest(coverage_filters, theme=code):
                    listed = service_list(
                        ServiceFilters(theme=code, status=ONGOING, **list_filters)
                    )
                    rows = ServiceCommune.objects.filter(
                        service__in=listed.values("pk")
                    ).count()
                    total = sum(
                        cell.services for (_nis, t), cell in cells.items() if t == theme
                    )
                    self.assertEqual(total, rows)

    def test_the_filters_keep_what_they_say(self):
        municipal = InstitutionalLevel.objects.get(code="municipal").pk
        self.assertEqual(
            self.cells(by="commune", level=municipal)[LIEGE, self.housing].services, 1
        )
        children = TargetGroup.objects.get(code="children").pk
        self.assertEqual(
            self.cells(by="commune", target_group=children)[
                LIEGE, self.housing
            ].services,
            1,
        )
        self.assertEqual(
            self.cells(by="commune", language="uk")[SERAING, self.housing].services, 1
        )
        self.assertEqual(
            self.cells(by="commune", language="uk")[LIEGE, self.housing].services, 1
        )
        # Accueil Ukraine is the only non-profit association: s2 in Liège
        # (s4 is planned, not counted).
        non_profit = Sector.objects.get(code="non-profit").pk
        association = ActorType.objects.get(code="association").pk
        for filters in ({"sector": non_profit}, {"actor_type": association}):
            with self.subTest(filters):
                cells = self.cells(by="commune", **filters)
                self.assertEqual(
                    self.figures(cells[LIEGE, self.housing])[:3], (1, 1, 10)
                )
                self.assertEqual(cells[SERAING, self.housing].services, 0)
                self.assertEqual(cells[LIEGE, self.health].services, 0)
        remote = self.cells(by="commune", delivery_mode=Service.DeliveryMode.REMOTE)
        self.assertEqual(remote[LIEGE, self.housing].organisations, 1)
        # Before Fedasil's service started, and with the figures of that day.
        earlier = self.cells(by="commune", as_of=datetime.date(2024, 6, 30))
        self.assertEqual(
            self.figures(earlier[NAMUR, self.health]), (0, 0, None, None, None, None)
        )
        self.assertEqual(earlier[LIEGE, self.housing].population, 800)

    def test_the_competent_levels_alone(self):
        Competence.objects.all().delete()
        Competence.objects.create(
            level=InstitutionalLevel.objects.get(code="municipal"),
            theme_id=self.housing,
            kind=Competence.Kind.SHARED,
        )
        cells = self.cells(by="commune", competent_only=True)
        self.assertEqual(cells[LIEGE, self.housing].services, 1)
        self.assertEqual(cells[SERAING, self.housing].services, 1)
        self.assertEqual(cells[NAMUR, self.health].services, 0)


class GapTests(CoverageTestCase):
    def test_gaps_are_the_people_without_a_service_most_people_first(self):
        gaps = coverage_matrix(
            CoverageFilters(by="commune"), [self.housing, self.health], gaps_below=1.0
        )
        self.assertEqual(
            [(cell.territory, cell.theme, cell.population) for cell in gaps],
            [
                (LIEGE, self.health, 1000),
                (NAMUR, self.housing, 500),
                (SERAING, self.health, 200),
            ],
        )
        below_three = coverage_matrix(
            CoverageFilters(by="commune"), [self.housing], gaps_below=3.0
        )
        self.assertEqual(
            [(cell.territory, cell.per_1000) for cell in below_three],
            [(LIEGE, 2.0), (NAMUR, 0.0)],
        )

    def test_no_theme_and_no_match_give_nothing_and_zeros(self):
        self.assertEqual(coverage_matrix(CoverageFilters(), []), [])
        cells = self.cells(by="commune", level=999999)
        self.assertTrue(all(cell.services == 0 for cell in cells.values()))


class PageTests(CoverageTestCase):
    def test_every_signed_in_role_reads_them_and_visitors_sign_in(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                for path in (COVERAGE, GAPS, f"{COVERAGE}?by=commune&measure=per_1000"):
                    response = self.client.get(path)
                    self.assertEqual(response.status_code, 302 if user is None else 200)
        self.login(self.observer)
        response = self.client.get(COVERAGE, {"by": "commune", "province": "60000"})
        self.assertContains(response, '<a href="/registre/communes/62063/">Liège</a>')
        self.assertContains(response, "lacune")
        self.assertNotContains(response, "Namur</a>")
        response = self.client.get(GAPS, {"by": "commune"})
        html = response.content.decode()
        self.assertLess(html.index("Liège</a>"), html.index("Namur</a>"))

    def test_a_focal_point_sees_their_organisations_territory_and_themes(self):
        # Their organisation (B) offers housing in Liège (and health, planned).
        self.login(self.focal_point_a)
        response = self.client.get(COVERAGE, {"by": "commune"})
        self.assertContains(response, "Vous voyez les territoires et les thèmes")
        self.assertContains(response, "Liège</a>")
        self.assertNotContains(response, "Seraing</a>")
        self.assertContains(response, "Hébergement et logement")
        response = self.call_api(self.focal_point_a, "coverage", by="commune")
        self.assertEqual(
            {(item["territory"], item["theme"]) for item in response.json()["items"]},
            {(LIEGE, "housing"), (LIEGE, "health")},
        )
        self.login(self.focal_point_b)
        response = self.client.get(COVERAGE)
        self.assertContains(response, "n'offrent encore aucun service")

    def test_junk_filters_get_a_message_not_an_error(self):
        self.login(self.coordinator)
        for junk in (
            {"by": "planet"},
            {"theme": "astrology"},
            {"level": "galactic"},
            {"as_of": "31/31/2024"},
            {"province": "99999"},
            {"threshold": "-1"},
            {"delivery_mode": "teleport"},
            {"measure": "x" * 500},
        ):
            with self.subTest(junk):
                for path in (COVERAGE, GAPS):
                    response = self.client.get(path, junk)
                    if "threshold" in junk and path == COVERAGE:
                        self.assertEqual(response.status_code, 200)
                        continue
                    if "measure" in junk and path == GAPS:
                        self.assertEqual(response.status_code, 200)
                        continue
                    self.assertContains(
                        response, "Corrigez les filtres signalés", status_code=422
                    )

    def test_filters_that_match_nothing_show_zeros(self):
        self.login(self.observer)
        response = self.client.get(
            COVERAGE, {"by": "province", "level": "international"}
        )
        self.assertContains(response, "lacune")
        response = self.client.get(GAPS, {"by": "region", "level": "international"})
        self.assertContains(response, "18 lacunes")

    def test_the_pages_read_in_fixed_queries(self):
        self.login(self.observer)

        def check(size: str) -> None:
            # Session, user, the territories' names, the matrix.
            for path, count in (
                (COVERAGE + "?by=commune", 4),
                (GAPS + "?by=commune", 4),
            ):
                self.client.get(path)  # reference data read once, then cached
                with self.subTest(size=size, path=path), self.assertNumQueries(count):
                    self.assertEqual(self.client.get(path).status_code, 200)

        for path in (COVERAGE, GAPS):
            self.client.get(path)  # the filters' choices are cached
        check("small")
        for n in range(6):
            organisation = make_organisation(f"Association {n}", level="municipal")
            make_service(
                organisation,
                f"Service {n}",
                theme="health",
                communes=[NAMUR, LIEGE],
                status=ONGOING,
            )
        check("larger")


class ApiTests(CoverageTestCase):
    def test_the_coverage_and_gaps_endpoints(self):
        response = self.call_api(self.observer, "coverage", by="commune")
        body = response.json()
        self.assertEqual(body["count"], 261 * 18)
        item = next(
            item
            for item in body["items"]
            if item["territory"] == SERAING and item["theme"] == "housing"
        )
        self.assertEqual(
            item,
            {
                "territory": SERAING,
                "theme": "housing",
                "services": 1,
                "organisations": 1,
                "capacity": 30,
                "population": 200,
                "per_1000": 5.0,
                "capacity_per_1000": 150.0,
            },
        )
        response = self.call_api(
            self.observer, "gaps", by="commune", theme="housing", threshold=3
        )
        self.assertEqual(
            [(i["territory"], i["per_1000"]) for i in response.json()["items"]],
            [(LIEGE, 2.0), (NAMUR, 0.0)],
        )
        self.assertEqual(self.call_api(None, "coverage").status_code, 401)
        for junk in (
            {"by": "planet"},
            {"theme": "astrology"},
            {"theme": "emergency-housing"},
            {"level": "x" * 100},
            {"province": "99999"},
            {"language": "klingon"},
            {"as_of": "yesterday"},
        ):
            with self.subTest(junk):
                response = self.call_api(self.observer, "coverage", **junk)
                self.assertEqual(response.status_code, 422, response.content)
        response = self.call_api(self.observer, "gaps", threshold=-1)
        self.assertEqual(response.status_code, 422)
