"""The influence/interest grid on the coverage example's organisations: A has
two assessments (the latest counts), B one, C (Fedasil) none; D is archived."""

import datetime
from typing import Any

from analysis.grid import grid_counts, quadrant_organisations
from analysis.tests.test_coverage import CoverageTestCase
from register import services as register_services
from register.models import Assessment, Organisation

GRID = "/analyse/grille/"


class GridTestCase(CoverageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a = Organisation.objects.get(name="CPAS de Liège")
        b = Organisation.objects.get(name="Accueil Ukraine")
        for organisation, day, influence, interest in (
            (a, datetime.date(2025, 1, 10), 2, 2),
            (a, datetime.date(2026, 3, 1), 5, 4),
            (b, datetime.date(2026, 2, 1), 2, 5),
        ):
            register_services.assessment_create(
                by=cls.coordinator,
                fields=assessment_fields(organisation, day, influence, interest),
            )


def assessment_fields(
    organisation: Organisation, day: datetime.date, influence: int, interest: int
) -> dict[str, Any]:
    return {
        "organisation": organisation,
        "assessed_on": day,
        "influence": influence,
        "interest": interest,
        "attitude": Assessment.Attitude.SUPPORTIVE,
        "capacity": 3,
        "strategy": Assessment.Strategy.INVOLVE,
    }


class GridTests(GridTestCase):
    def test_the_latest_assessment_places_each_active_organisation(self):
        self.assertEqual(
            grid_counts(),
            {
                "manage_closely": 1,
                "keep_satisfied": 0,
                "keep_informed": 1,
                "monitor": 0,
                "unassessed": 1,
            },
        )
        self.assertEqual(
            [o.name for o in quadrant_organisations("manage_closely")],
            ["CPAS de Liège"],
        )
        self.assertEqual(
            [o.name for o in quadrant_organisations("unassessed")], ["Fedasil"]
        )

    def test_who_reads_it(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                response = self.client.get(GRID)
                expected = {None: 302, "focal_point_a": 403, "focal_point_b": 403}
                self.assertEqual(
                    response.status_code, expected.get(name if user else None, 200)
                )
                api = self.client.get("/api/v1/analysis/grid")
                self.assertEqual(
                    api.status_code,
                    {None: 401, "focal_point_a": 403, "focal_point_b": 403}.get(
                        name if user else None, 200
                    ),
                )
        self.login(self.observer)
        response = self.client.get(GRID)
        self.assertContains(response, "Gérer de près")
        self.assertContains(response, "stratégie suggérée : collaborer")
        self.assertContains(response, "1 organisation active n'a pas encore")
        response = self.client.get(GRID, {"quadrant": "keep_informed"})
        self.assertContains(response, "Accueil Ukraine")
        self.assertContains(response, "impliquer")
        response = self.client.get(GRID, {"quadrant": "x" * 300, "page": "junk"})
        self.assertEqual(response.status_code, 200)
        self.login(self.focal_point_a)
        self.assertNotContains(self.client.get("/analyse/"), "Grille influence")

    def test_the_api_and_fixed_queries(self):
        self.login(self.observer)
        body = self.client.get("/api/v1/analysis/grid").json()
        self.assertEqual(body["count"], 3)
        self.assertEqual(
            body["quadrants"][0],
            {
                "quadrant": "manage_closely",
                "organisations": 1,
                "suggested_strategy": "collaborate",
            },
        )
        item = next(i for i in body["items"] if i["quadrant"] == "keep_informed")
        self.assertEqual(
            (item["influence"], item["interest"], item["strategy"]), (2, 5, "involve")
        )
        response = self.client.get("/api/v1/analysis/grid", {"quadrant": "nowhere"})
        self.assertEqual(response.status_code, 422)
        # Session, user, the counts, four quadrants' first organisations.
        with self.assertNumQueries(7):
            self.client.get(GRID)
        register_services.assessment_create(
            by=self.coordinator,
            fields=assessment_fields(
                Organisation.objects.get(name="Fedasil"),
                datetime.date(2026, 1, 1),
                1,
                1,
            ),
        )
        with self.assertNumQueries(7):
            self.client.get(GRID)
