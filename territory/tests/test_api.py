"""The territory API: provinces, communes, one commune; public and read-only."""

from django.test import override_settings

from territory.models import Commune
from territory.services import territory_load
from territory.tests.helpers import WalloniaTestCase

API = "/api/v1/territory"


class TerritoryApiTestCase(WalloniaTestCase):
    def get_json(self, path: str, status: int = 200, queries: int | None = None):
        if queries is None:
            response = self.client.get(API + path)
        else:
            with self.assertNumQueries(queries):
                response = self.client.get(API + path)
        self.assertEqual(response.status_code, status, response.content)
        return response.json()


class ProvinceApiTests(TerritoryApiTestCase):
    def test_it_lists_the_provinces_of_the_scope_with_commune_counts(self):
        provinces = self.get_json("/provinces", queries=1)
        self.assertEqual(
            {p["nis"]: p["commune_count"] for p in provinces},
            {"20002": 27, "50000": 69, "60000": 84, "80000": 43, "90000": 38},
        )
        self.assertEqual(
            provinces[2],
            {
                "nis": "60000",
                "name_fr": "Liège",
                "name_nl": "Luik",
                "name_de": "Lüttich",
                "name_en": "Liège",
                "region": "03000",
                "commune_count": 84,
            },
        )

    def test_it_lists_every_province_on_request(self):
        provinces = self.get_json("/provinces?region=BE", queries=1)
        self.assertEqual(len(provinces), 10)
        antwerp = provinces[0]
        self.assertEqual((antwerp["nis"], antwerp["commune_count"]), ("10000", 0))

    def test_it_refuses_an_unknown_region(self):
        body = self.get_json("/provinces?region=05000", status=422)
        self.assertIn("region", str(body["errors"]))


class CommuneListApiTests(TerritoryApiTestCase):
    def test_it_pages_through_the_communes_of_the_scope(self):
        page = self.get_json("/communes", queries=3)
        self.assertEqual(page["count"], 261)
        self.assertEqual(len(page["items"]), 50)
        self.assertEqual(page["items"][0]["nis"], "25005")
        last = self.get_json("/communes?page=6")
        self.assertEqual(len(last["items"]), 11)

    def test_an_item_carries_codes_names_and_postal_codes(self):
        page = self.get_json("/communes?name=kelmis")
        self.assertEqual(
            page["items"],
            [
                {
                    "nis": "63040",
                    "name_fr": "La Calamine",
                    "name_nl": "Kelmis",
                    "name_de": "Kelmis",
                    "province": "60000",
                    "arrondissement": "63000",
                    "region": "03000",
                    "language_area": "de",
                    "postal_codes": ["4720", "4721", "4728"],
                    "has_boundary": False,
                }
            ],
        )

    def test_it_filters_by_name_postal_code_province_and_arrondissement(self):
        cases = [
            ("name=LIÈGE", {"62063"}),
            ("name=saint%20vith", {"63067"}),
            ("name=bastenaken", {"82039"}),
            ("postal_code=6686", {"82039"}),
            ("province=20002&name=braine", {"25014", "25015"}),
            ("arrondissement=82000&name=bast", {"82039"}),
        ]
        for query, expected in cases:
            with self.subTest(query=query):
                page = self.get_json(f"/communes?{query}")
                self.assertEqual({item["nis"] for item in page["items"]}, expected)
        page = self.get_json("/communes?arrondissement=63000&page_size=100")
        self.assertEqual(page["count"], 29)

    def test_it_refuses_a_malformed_postal_code(self):
        body = self.get_json("/communes?postal_code=66", status=422)
        self.assertIn("postal_code", str(body["errors"]))

    def test_the_number_of_queries_does_not_grow_with_the_page(self):
        with self.assertNumQueries(3):
            self.client.get(f"{API}/communes?page_size=5")
        with self.assertNumQueries(3):
            self.client.get(f"{API}/communes?page_size=100")

    def test_it_says_which_communes_have_boundaries(self):
        Commune.objects.filter(nis="92094").update(
            boundary={"type": "Polygon", "coordinates": []}
        )
        page = self.get_json("/communes?name=namur")
        self.assertEqual(page["items"][0]["has_boundary"], True)


class AllBelgiumApiTests(TerritoryApiTestCase):
    all_belgium = True

    def test_the_region_parameter_overrides_the_scope(self):
        self.assertEqual(self.get_json("/communes")["count"], 261)
        self.assertEqual(self.get_json("/communes?region=BE")["count"], 565)
        brussels = self.get_json("/communes?region=04000&postal_code=1050")
        self.assertEqual(
            [(item["nis"], item["province"]) for item in brussels["items"]],
            [("21004", None), ("21009", None)],
        )

    @override_settings(TERRITORY_SCOPE="02000")
    def test_the_default_scope_comes_from_the_settings(self):
        self.assertEqual(self.get_json("/communes")["count"], 285)
        provinces = self.get_json("/provinces")
        self.assertEqual(len(provinces), 5)


class CommuneDetailApiTests(TerritoryApiTestCase):
    def test_it_gives_a_commune_with_its_former_codes(self):
        commune = self.get_json("/communes/82039", queries=3)
        self.assertEqual(commune["name_nl"], "Bastenaken")
        self.assertEqual(commune["former_codes"], ["82003", "82005"])
        self.assertEqual(commune["postal_codes"], ["6600", "6686", "6687", "6688"])
        self.assertIsNone(commune["resolved_from"])
        self.assertIsNone(commune["latitude"])
        self.assertIsNone(commune["longitude"])

    def test_a_former_code_answers_with_its_successor(self):
        commune = self.get_json("/communes/82003")
        self.assertEqual(commune["nis"], "82039")
        self.assertEqual(commune["resolved_from"], "82003")
        self.assertEqual(commune["name_fr"], "Bastogne")

    def test_it_gives_the_point_of_imported_boundaries(self):
        Commune.objects.filter(nis="63023").update(
            boundary={"type": "Polygon", "coordinates": []},
            latitude=50.62,
            longitude=6.03,
        )
        commune = self.get_json("/communes/63023")
        self.assertEqual((commune["latitude"], commune["longitude"]), (50.62, 6.03))
        self.assertTrue(commune["has_boundary"])
        self.assertEqual(commune["language_area"], "de")

    def test_unknown_or_malformed_codes_are_404_problems_naming_the_code(self):
        for code in ["99999", "abc", "82039x"]:
            with self.subTest(code=code):
                response = self.client.get(f"{API}/communes/{code}")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response["Content-Type"], "application/problem+json")
                self.assertIn(code, response.json()["detail"])

    def test_the_endpoints_are_public_and_read_only(self):
        self.assertEqual(self.client.get(f"{API}/communes/63023").status_code, 200)
        response = self.client.post(f"{API}/communes/63023")
        self.assertEqual(response.status_code, 405)


class EmptyTerritoryApiTests(TerritoryApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        pass  # nothing loaded

    def test_it_answers_with_empty_lists_before_anything_is_loaded(self):
        self.assertEqual(self.get_json("/provinces"), [])
        self.assertEqual(self.get_json("/communes"), {"items": [], "count": 0})
        territory_load(all_belgium=False)
        self.assertEqual(self.get_json("/communes")["count"], 261)
