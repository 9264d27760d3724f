"""territory_load: what it returns, and that it can run again and again."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from territory.models import (
    Arrondissement,
    CodeSuccessor,
    Commune,
    PostalCode,
    Province,
    Region,
)
from territory.services import territory_load

WALLONIA_COUNTS = {
    "regions": 3,
    "provinces": 10,
    "arrondissements": 20,
    "communes": 261,
    "postal codes": 606,
    "former codes": 13,
}
BELGIUM_COUNTS = {
    "regions": 3,
    "provinces": 10,
    "arrondissements": 43,
    "communes": 565,
    "postal codes": 1152,
    "former codes": 13,
}


def table_sizes() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "provinces": Province.objects.count(),
        "arrondissements": Arrondissement.objects.count(),
        "communes": Commune.objects.count(),
        "postal codes": PostalCode.objects.count(),
        "former codes": CodeSuccessor.objects.count(),
    }


class TerritoryLoadTests(TestCase):
    def test_it_loads_wallonia_by_default_and_says_how_much(self):
        self.assertEqual(territory_load(all_belgium=False), WALLONIA_COUNTS)
        self.assertEqual(table_sizes(), WALLONIA_COUNTS)

    def test_it_loads_all_belgium_on_request(self):
        self.assertEqual(territory_load(all_belgium=True), BELGIUM_COUNTS)
        self.assertEqual(table_sizes(), BELGIUM_COUNTS)

    def test_running_it_twice_duplicates_nothing(self):
        territory_load(all_belgium=False)
        self.assertEqual(territory_load(all_belgium=False), WALLONIA_COUNTS)
        self.assertEqual(table_sizes(), WALLONIA_COUNTS)
        territory_load(all_belgium=True)
        territory_load(all_belgium=True)
        self.assertEqual(table_sizes(), BELGIUM_COUNTS)

    def test_loading_wallonia_after_belgium_removes_nothing(self):
        territory_load(all_belgium=True)
        territory_load(all_belgium=False)
        self.assertEqual(table_sizes(), BELGIUM_COUNTS)

    def test_it_restores_the_official_facts_and_keeps_boundaries(self):
        territory_load(all_belgium=False)
        boundary = {
            "type": "Polygon",
            "coordinates": [[[5, 50], [6, 50], [5, 51], [5, 50]]],
        }
        Commune.objects.filter(nis="63023").update(
            name_fr="Eupen (typo)", search_names="", boundary=boundary, latitude=50.5
        )
        PostalCode.objects.create(code="9999", commune_id="63023")
        PostalCode.objects.filter(code="4700").delete()

        territory_load(all_belgium=False)

        eupen = Commune.objects.get(nis="63023")
        self.assertEqual(eupen.name_fr, "Eupen")
        self.assertEqual(eupen.search_names, "eupen")
        self.assertEqual(eupen.boundary, boundary)
        self.assertEqual(eupen.latitude, 50.5)
        self.assertEqual(
            list(eupen.postal_codes.values_list("code", flat=True)), ["4700", "4701"]
        )

    def test_it_loads_in_bulk_whatever_the_number_of_communes(self):
        with CaptureQueriesContext(connection) as wallonia:
            territory_load(all_belgium=False)
        with CaptureQueriesContext(connection) as belgium:
            territory_load(all_belgium=True)
        self.assertLessEqual(len(wallonia), 12)
        self.assertEqual(len(belgium), len(wallonia))


class LoadReferenceCommandTests(TestCase):
    def test_the_command_prints_the_territory_counts(self):
        out = StringIO()
        call_command("load_reference", stdout=out)
        self.assertIn(
            "Territory: 3 regions, 10 provinces, 20 arrondissements, 261 communes, "
            "606 postal codes, 13 former codes.",
            out.getvalue(),
        )
        self.assertEqual(table_sizes(), WALLONIA_COUNTS)
