"""The map on the coverage example (see test_coverage), classed by hand.

Housing: services Liège 2, Seraing 1, elsewhere 0 (D's service in Namur is
archived); per 1,000 people Liège 2.0, Seraing 5.0, Namur 0.0, none elsewhere
(no figure). Health: Namur has a service for its 500 people; Liège (1,000) and
Seraing (200) have none: gaps.
"""

import datetime
import json
from typing import ClassVar

from analysis.coverage import CoverageFilters
from analysis.maps import GAP, NO_FIGURE, SCALE, SERVED, ZERO, map_geojson, theme_map
from analysis.tests.test_coverage import (
    LIEGE,
    NAMUR,
    ONGOING,
    SERAING,
    CoverageTestCase,
)
from lib.refcache import forget_all
from register.tests.factories import make_organisation, make_service
from territory import services as territory_services
from territory.models import Commune, PopulationFigure

MAP = "/analyse/carte/"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[5.5, 50.6], [5.6, 50.6], [5.6, 50.7], [5.5, 50.6]]],
}


def with_boundaries(*codes: str) -> None:
    Commune.objects.filter(nis__in=codes).update(boundary=SQUARE)
    forget_all()


class MapTestCase(CoverageTestCase):
    classes: ClassVar[dict[str, str]]

    def classes_of(self, theme: int, measure: str) -> dict[str, str]:
        themed = theme_map(CoverageFilters(), theme, measure)
        return {row.nis: row.mapclass.colour for row in themed.communes}


class MapClassTests(MapTestCase):
    def test_services_in_classes_by_hand(self):
        themed = theme_map(CoverageFilters(), self.housing, "services")
        self.assertEqual(len(themed.communes), 261)
        self.assertEqual(
            [(item.key, item.colour, item.label) for item in themed.legend],
            [("zero", ZERO, "0"), ("scale4", SCALE[3], "1"), ("scale5", SCALE[4], "2")],
        )
        colours = {row.nis: row.mapclass.colour for row in themed.communes}
        self.assertEqual(
            (colours[LIEGE], colours[SERAING], colours[NAMUR]),
            (SCALE[4], SCALE[3], ZERO),
        )
        self.assertEqual(themed.communes[0].name, "Aiseau-Presles")

    def test_rates_leave_communes_without_figures_grey(self):
        themed = theme_map(CoverageFilters(), self.housing, "per_1000")
        rows = {row.nis: row for row in themed.communes}
        self.assertEqual((rows[LIEGE].value, rows[SERAING].value), (2.0, 5.0))
        self.assertEqual(rows[NAMUR].mapclass.colour, ZERO)
        self.assertEqual(rows["63023"].mapclass.colour, NO_FIGURE)
        self.assertEqual(
            [item.label for item in themed.legend],
            [
                "0",
                "jusqu'à 2,0",
                "2,0 à 5,0",
                "pas de personne sous protection temporaire",
                "pas de chiffre de population",
            ],
        )

    def test_a_rate_without_meaning_says_why(self):
        territory_services.population_figure_create(
            by=None,
            fields={
                "commune_id": "61031",  # Huy: a figure of 0
                "indicator": PopulationFigure.Indicator.TEMPORARY_PROTECTION,
                "date": datetime.date(2024, 12, 31),
                "value": 0,
            },
        )
        themed = theme_map(CoverageFilters(), self.health, "capacity_per_1000")
        keys = {row.nis: row.mapclass.key for row in themed.communes}
        # Liège: people, no service; Namur: a service, no capacity given.
        self.assertEqual(
            (keys[LIEGE], keys[NAMUR], keys["61031"], keys["63023"]),
            ("zero", "no_capacity", "no_people", "no_figure"),
        )

    def test_gaps(self):
        colours = self.classes_of(self.health, "gap")
        self.assertEqual(
            (colours[LIEGE], colours[SERAING], colours[NAMUR], colours["63023"]),
            (GAP, GAP, SERVED, NO_FIGURE),
        )

    def test_filters_that_match_nothing_give_zeros_and_one_class(self):
        themed = theme_map(CoverageFilters(level=999_999), self.housing, "services")
        self.assertEqual({row.mapclass.key for row in themed.communes}, {"zero"})
        self.assertEqual([item.key for item in themed.legend], ["zero"])

    def test_geojson_has_a_feature_per_commune_with_a_boundary(self):
        themed = theme_map(CoverageFilters(), self.housing, "services")
        self.assertEqual(json.loads(map_geojson(themed, "housing"))["features"], [])
        with_boundaries(LIEGE, SERAING)
        collection = json.loads(map_geojson(themed, "housing"))
        self.assertEqual(collection["type"], "FeatureCollection")
        self.assertEqual(collection["theme"], "housing")
        [liege, seraing] = sorted(collection["features"], key=lambda f: f["id"])
        self.assertEqual(liege["geometry"], SQUARE)
        self.assertEqual(
            {key: liege["properties"][key] for key in ("name", "value", "category")},
            {"name": "Liège", "value": 2.0, "category": "scale5"},
        )
        self.assertEqual(liege["properties"]["url"], f"/registre/communes/{LIEGE}/")
        self.assertEqual(seraing["properties"]["population"], 200)


class MapPageTests(MapTestCase):
    def test_every_role_reads_it_and_the_table_says_the_same(self):
        for name, user in self.personas().items():
            with self.subTest(name):
                self.login(user)
                response = self.client.get(MAP)
                self.assertEqual(response.status_code, 302 if user is None else 200)
        self.login(self.observer)
        page = self.client.get(MAP, {"theme": "housing", "measure": "services"})
        self.assertContains(page, "Hébergement et logement — services actifs")
        self.assertContains(
            page, "Les limites des communes ne sont pas encore chargées"
        )
        self.assertContains(page, "Les chiffres des 261 communes en tableau")
        self.assertContains(page, f'href="/registre/communes/{LIEGE}/"')
        self.assertNotContains(page, 'id="coverage-map"')
        with_boundaries(LIEGE)
        page = self.client.get(MAP, {"theme": "housing", "measure": "gap"})
        self.assertContains(page, 'id="coverage-map"')
        self.assertContains(page, "/api/v1/analysis/map?theme=housing&amp;measure=gap")
        self.assertContains(page, "lacune : des personnes, aucun service")

    def test_a_focal_point_sees_their_communes_and_themes(self):
        self.login(self.focal_point_a)
        page = self.client.get(MAP, {"measure": "services"})
        self.assertContains(page, "Vous voyez les communes et les thèmes")
        self.assertContains(page, "Les chiffres de 1 commune en tableau")
        # A theme of no service of theirs is not offered.
        self.assertNotContains(page, '<option value="mobility"')
        response = self.client.get(MAP, {"theme": "mobility"})
        self.assertContains(response, "Corrigez les filtres", status_code=422)
        self.login(self.focal_point_b)
        page = self.client.get(MAP)
        self.assertContains(page, "Aucun thème à montrer")

    def test_junk_gets_a_message(self):
        self.login(self.observer)
        for junk in (
            {"theme": "astrology"},
            {"measure": "competent"},
            {"as_of": "31/02/2025"},
            {"province": "x" * 500},
            {"theme": "emergency-housing"},
        ):
            with self.subTest(junk):
                response = self.client.get(MAP, junk)
                self.assertContains(response, "Corrigez les filtres", status_code=422)

    def test_fixed_queries(self):
        self.login(self.observer)
        with_boundaries(LIEGE)
        self.client.get(MAP)
        # Session, user, the matrix.
        with self.assertNumQueries(3):
            self.client.get(MAP)
        self.client.get("/api/v1/analysis/map")  # the vocabularies, then cached
        with self.assertNumQueries(3):
            self.client.get("/api/v1/analysis/map", {"theme": "health"})
        organisation = make_organisation("Croix-Rouge", level="non-governmental")
        for number in range(15):
            make_service(organisation, f"m{number}", theme="health",
                         communes=[LIEGE, NAMUR, SERAING], status=ONGOING)  # fmt: skip
        with_boundaries(LIEGE, SERAING, NAMUR)
        self.client.get(MAP)
        self.client.get("/api/v1/analysis/map")
        with self.assertNumQueries(3):
            self.client.get(MAP, {"theme": "health"})
        with self.assertNumQueries(3):
            self.client.get("/api/v1/analysis/map", {"theme": "health"})


class MapApiTests(MapTestCase):
    def test_the_features_and_the_legend(self):
        with_boundaries(LIEGE, SERAING, NAMUR)
        response = self.call_api(self.observer, "map", theme="health", measure="gap")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["measure"], "gap")
        classes = {f["id"]: f["properties"]["category"] for f in data["features"]}
        self.assertEqual(classes, {LIEGE: "gap", SERAING: "gap", NAMUR: "served"})
        first = self.call_api(self.observer, "map").json()
        self.assertEqual(
            (first["theme"], first["measure"]), ("legal-status", "per_1000")
        )

    def test_roles_and_junk(self):
        self.assertEqual(self.call_api(None, "map").status_code, 401)
        with_boundaries(LIEGE, SERAING, NAMUR)
        focal = self.call_api(self.focal_point_a, "map", theme="housing").json()
        self.assertEqual([f["id"] for f in focal["features"]], [LIEGE])
        self.assertEqual(
            self.call_api(self.focal_point_a, "map", theme="mobility").status_code, 422
        )
        self.assertEqual(self.call_api(self.focal_point_b, "map").status_code, 422)
        for query in (
            {"theme": "astrology"},
            {"theme": "emergency-housing"},
            {"measure": "everything"},
            {"as_of": "2025-13-01"},
            {"province": "123456"},
        ):
            with self.subTest(query):
                response = self.call_api(self.observer, "map", **query)
                self.assertEqual(response.status_code, 422)
