"""An export's query count does not grow with the register."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange.tests.test_export_formats import body
from register.tests.base import RegisterTestCase, grow_register

EXPORT = "/echanges/exporter/"
API_EXPORT = "/api/v1/exchange/export"


class ExportQueryTests(RegisterTestCase):
    def count(self, url: str, query: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, query)
            self.assertEqual(response.status_code, 200)
            body(response)
        return len(queries)

    def counts(self) -> list[int]:
        return [
            self.count(EXPORT, {"format": "xlsx"}),
            self.count(EXPORT, {"format": "hxl"}),
            self.count(EXPORT, {"format": "csv", "sheet": "services"}),
            self.count(API_EXPORT, {"format": "json", "theme": "housing"}),
        ]

    def test_an_export_of_3n_organisations_costs_the_queries_of_n(self):
        self.login(self.focal_point_a)
        grow_register(3, tag="n")
        self.counts()  # fills the cache of the filters' choices
        small = self.counts()
        grow_register(6, tag="3n")
        self.assertEqual(self.counts(), small)
