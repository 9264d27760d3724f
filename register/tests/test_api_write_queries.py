"""Writes cost a fixed number of queries: an organisation's PATCH is the same for
an organisation with one service and with thirty."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from register.tests.api_base import API, NAMUR, VERVIERS, ApiTestCase

# A PATCH that renames, reparents, moves and changes the area.
PATCH_LIMIT = 25


class OrganisationPatchQueryTests(ApiTestCase):
    def patch(self, organisation, n: int):
        return self.client.patch(
            f"{API}/organisations/{organisation.pk}",
            {
                "version": organisation.version,
                "name": f"Nouveau nom {n}",
                "parent": (self.organisation_c if n % 2 else self.organisation_b).pk,
                "postal_code": "5000" if n % 2 else "4000",
                "area_communes": [NAMUR, VERVIERS] if n % 2 else [NAMUR],
            },
            content_type="application/json",
        )

    def queries_of_patch(self, services: int) -> int:
        organisation = self.make_organisation(f"Organisation à {services} services")
        for n in range(services):
            self.make_service(organisation, f"Service {n}")
        self.login(self.coordinator)
        # Reference data is read once, then kept.
        self.patch(organisation, 0)
        organisation.refresh_from_db()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            response = self.patch(organisation, 1)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["name"], "Nouveau nom 1")
        self.captured = [query["sql"] for query in queries.captured_queries]
        return len(queries)

    def test_a_patch_costs_the_same_with_one_and_thirty_services(self):
        one, thirty = self.queries_of_patch(1), self.queries_of_patch(30)
        self.assertEqual(one, thirty)
        self.assertLessEqual(one, PATCH_LIMIT)
