"""The register's API lists answer in a fixed number of queries, whatever the
number of rows: pinned at two data sizes."""

import datetime

from register import services
from register.tests.api_base import API, BASTOGNE, FORMER_BASTOGNE, ApiTestCase
from territory.models import Commune

# Every request signed in by session: the session and the user.
AUTH = 2
# A list: its count and its page.
LIST = AUTH + 2


class ApiQueryCountTests(ApiTestCase):
    def grow(self, count: int) -> None:
        """Add organisations, each with an area, a service (communes, target
        groups, a funder), contacts, a relation and an assessment."""
        for n in range(count):
            organisation = self.make_organisation(f"Organisation {n}", languages=["fr"])
            organisation.area_communes.add(Commune.objects.get(nis=BASTOGNE))
            self.make_service(organisation, f"Service {n}")
            self.make_contact(organisation, f"Contact{n}", shared=True)
            self.make_contact(organisation, f"Private{n}")
            self.make_relation(
                organisation, self.organisation_a, "partners-with", organisation
            )
            services.assessment_create(
                by=self.coordinator,
                fields={
                    "organisation": organisation,
                    "influence": 3,
                    "interest": 3,
                    "attitude": "neutral",
                    "capacity": 3,
                    "strategy": "inform",
                    "assessed_on": datetime.date(2026, 1, 1),
                },
            )

    def assert_queries(self, user, expected: int, path: str, **query) -> None:
        self.login(user)
        # Reference data (vocabularies' ids) is read once, then cached.
        self.client.get(path, query)
        grown = 0
        for size in (1, 6):
            self.grow(size)
            grown += size
            with self.subTest(path=path, query=query, size=grown):
                with self.assertNumQueries(expected):
                    response = self.client.get(path, query)
                self.assertEqual(response.status_code, 200)
                self.assertGreaterEqual(response.json()["count"], grown)

    def test_organisations(self):
        # + the page's ids (read before their rows), the area's communes.
        self.assert_queries(self.observer, LIST + 2, f"{API}/organisations")

    def test_organisations_filtered_and_searched(self):
        # Services of a kind in a place are few: their ids are read at once,
        # which counts them; + the area's communes.
        self.assert_queries(
            self.focal_point_a,
            LIST + 1,
            f"{API}/organisations",
            q="organisation",
            theme="housing",
            target_group="children",
            province="60000",
            language="fr",
        )
        # + the successor of a former commune code, the page's ids, the area's
        # communes.
        self.assert_queries(
            self.focal_point_a,
            LIST + 3,
            f"{API}/organisations",
            commune=FORMER_BASTOGNE,
            status="all",
            page_size=1,
        )

    def test_services(self):
        # + target groups, communes, funders.
        self.assert_queries(self.observer, LIST + 3, f"{API}/services")
        self.assert_queries(
            self.observer, LIST + 3, f"{API}/services", q="service", theme="housing"
        )

    def test_contacts(self):
        self.assert_queries(self.coordinator, LIST, f"{API}/contacts")
        # + the focal point's organisations.
        self.assert_queries(self.focal_point_b, LIST + 1, f"{API}/contacts")

    def test_relations(self):
        # + the themes.
        self.assert_queries(self.observer, LIST + 1, f"{API}/relations")
        self.assert_queries(
            self.observer,
            LIST + 1,
            f"{API}/relations",
            organisation=self.organisation_a.pk,
        )

    def test_assessments(self):
        self.assert_queries(self.observer, LIST, f"{API}/assessments")

    def test_details(self):
        self.login(self.focal_point_a)
        expected = {
            # The organisation, its area.
            f"{API}/organisations/{self.organisation_a.pk}": AUTH + 2,
            # Access check, the service, its three lists.
            f"{API}/services/{self.service_a.pk}": AUTH + 5,
            # The focal point's organisations, the contact.
            f"{API}/contacts/{self.private_contact_a.pk}": AUTH + 2,
            # Access check, the relation, its themes.
            f"{API}/relations/{self.relation_ab.pk}": AUTH + 3,
        }
        for path, count in expected.items():
            with self.subTest(path=path), self.assertNumQueries(count):
                self.assertEqual(self.client.get(path).status_code, 200)
