"""The services list (the 4W rows): filters in the URL, pages, roles, junk."""

import re
from html import unescape
from typing import ClassVar

from django.db import connection
from django.urls import reverse

from register import services
from register.models import Organisation, Service
from register.selectors import ServiceFilters, service_list
from register.tests.base import RegisterTestCase, grow_register
from register.tests.factories import make_organisation, make_service
from territory.models import Commune

LIST = "/registre/services/"


def titles(response) -> list[str]:
    """The service titles in the result table, in order."""
    html = response.content.decode()
    return [
        unescape(title)
        for title in re.findall(
            r'<th scope="row"><a href="/registre/services/\d+/">([^<]+)</a>', html
        )
    ]


class ServiceListTestCase(RegisterTestCase):
    namur: ClassVar[Organisation]
    clothing: ClassVar[Service]
    ended: ClassVar[Service]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.namur = make_organisation(
            "Croix-Rouge de Belgique, Namur", level="non-governmental"
        )
        cls.clothing = make_service(
            cls.namur,
            "Vestiaire solidaire",
            theme="basic-needs",
            subtheme="clothing",
            communes=["92094"],
            target_groups=["children"],
            languages=["fr", "uk"],
            start_date="2026-01-01",
            end_date="2026-06-30",
        )
        cls.ended = make_service(
            cls.namur,
            "Colis alimentaires de l'hiver",
            theme="basic-needs",
            communes=["92094", "62063"],
            status=Service.Status.ENDED,
        )
        archived = make_organisation("Ancienne antenne de Huy")
        make_service(archived, "Permanence fermée", communes=["61031"])
        services.organisation_archive(organisation_id=archived.pk, by=cls.coordinator)


class ServiceListTests(ServiceListTestCase):
    def setUp(self) -> None:
        self.login(self.observer)

    def test_it_lists_current_services_of_active_organisations_by_title(self):
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            titles(response),
            [
                "Cours de français langue étrangère",
                "Logement d'urgence",
                "Vestiaire solidaire",
            ],
        )
        self.assertContains(response, "3 services trouvés")
        self.assertContains(response, "Croix-Rouge de Belgique, Namur")
        self.assertContains(response, "Besoins de base")

    def test_it_filters_by_theme_sub_theme_place_language_and_level(self):
        cases = {
            "theme=basic-needs": ["Vestiaire solidaire"],
            "theme=french-courses": ["Cours de français langue étrangère"],
            "commune=62063": ["Logement d'urgence"],
            f"province={Commune.objects.get(pk='63079').province_id}": [
                "Cours de français langue étrangère",
                "Logement d'urgence",
            ],
            "target_group=women-at-risk": ["Cours de français langue étrangère"],
            "language=uk": ["Vestiaire solidaire"],
            "level=regional": ["Cours de français langue étrangère"],
            "status=ended": ["Colis alimentaires de l'hiver"],
            "status=all&commune=92094": [
                "Colis alimentaires de l'hiver",
                "Vestiaire solidaire",
            ],
            "active_on=2026-07-01&theme=basic-needs": [],
            "active_on=2026-03-01&theme=basic-needs": ["Vestiaire solidaire"],
            "q=vestiaire": ["Vestiaire solidaire"],
            # In the reader's order: « Centre régional… », « CPAS… », « Croix-Rouge… ».
            "sort=organisation": [
                "Cours de français langue étrangère",
                "Logement d'urgence",
                "Vestiaire solidaire",
            ],
        }
        for query, expected in cases.items():
            with self.subTest(query):
                self.assertEqual(titles(self.client.get(f"{LIST}?{query}")), expected)

    def test_it_names_the_communes_served(self):
        response = self.client.get(LIST, {"theme": "language-learning"})
        self.assertContains(response, "<td>Eupen, Verviers</td>", html=True)
        response = self.client.get(LIST, {"q": "vestiaire"})
        self.assertContains(response, "Namur")
        self.assertContains(response, "01/01/2026")

    def test_it_names_whole_units_rather_than_each_of_their_communes(self):
        served = [
            *Commune.objects.filter(province="90000").values_list("nis", flat=True),
            *Commune.objects.filter(arrondissement="63000").values_list(
                "nis", flat=True
            ),
            "62063",
            "61031",
            "62096",
            "62108",
        ]
        make_service(self.namur, "Permanence régionale", communes=served)
        response = self.client.get(LIST, {"q": "permanence regionale"})
        self.assertContains(
            response,
            "<td>province de Namur, arrondissement de Verviers, Huy, Liège, Seraing "
            "et 1 autre</td>",
            html=True,
        )

    def test_junk_filters_are_refused_with_a_message_not_an_error(self):
        for query in (
            "active_on=2026-13-45",
            "active_on=99999-01-01",
            "theme=" + "x" * 5000,
            "commune=%00",
            "page=99999999999999999999999",
            "status=<script>",
            "q=%00",
            "q=" + "é" * 5000,
            "sort=%00",
            "level=9999999999999999999999",
        ):
            with self.subTest(query):
                response = self.client.get(f"{LIST}?{query}")
                self.assertEqual(response.status_code, 200)
        response = self.client.get(LIST, {"active_on": "2026-13-45"})
        self.assertContains(response, "Saisissez une date valide.")
        self.assertContains(response, '<details class="more-filters" open>')

    def test_htmx_gets_the_results_only(self):
        response = self.client.get(
            LIST, {"theme": "housing"}, headers={"HX-Request": "true"}
        )
        self.assertNotContains(response, "<html")
        self.assertEqual(titles(response), ["Logement d'urgence"])
        self.assertContains(response, "1 service trouvé")

    def test_it_links_to_the_exports_of_these_services(self):
        response = self.client.get(LIST, {"theme": "housing"})
        self.assertContains(response, 'aria-label="Exporter ces services"')
        self.assertContains(
            response,
            "/echanges/exporter/?theme=housing&amp;sheet=4w&amp;list=services"
            "&amp;format=csv",
        )

    def test_every_signed_in_role_reads_it_and_visitors_sign_in_first(self):
        for user in (self.observer, self.focal_point_a, self.coordinator, self.admin):
            self.login(user)
            with self.subTest(user.role):
                self.assertEqual(self.client.get(LIST).status_code, 200)
        self.client.logout()
        response = self.client.get(LIST)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_its_query_count_does_not_grow_with_the_register(self):
        # Services of a kind in a place are read at once: counted as read.
        queries = {"": 6, "?theme=housing&commune=62063": 5, "?q=logement": 6}

        def check(size: str) -> None:
            for query, count in queries.items():
                with self.subTest(size=size, query=query), self.assertNumQueries(count):
                    self.assertEqual(self.client.get(LIST + query).status_code, 200)

        for query in queries:  # the filters' choices and terms are cached
            self.client.get(LIST + query)
        check("small")
        grow_register(15)
        check("large")
        self.assertContains(self.client.get(LIST), "33 services trouvés")


class ServiceListPlanTests(ServiceListTestCase):
    """How the database is asked for a page's services: the shapes that keep a
    page's cost flat as the register grows (see `make bench`)."""

    def page_ids(self, filters: ServiceFilters) -> tuple[str, list[str]]:
        """The SQL of a first page's ids, and its plan on SQLite."""
        matching = service_list(filters).values_list("pk")[:26]
        sql, params = matching.query.sql_with_params()
        plan: list[str] = []
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = [row[-1] for row in cursor.fetchall()]
        return sql, plan

    def test_sqlite_walks_the_titles_index_rather_than_sorting_every_service(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite's planner")
        for status in ("current", "ongoing", "all"):
            with self.subTest(status):
                _sql, plan = self.page_ids(ServiceFilters(status=status))
                self.assertIn(
                    "SCAN register_service USING INDEX register_service_title", plan
                )
                self.assertNotIn("USE TEMP B-TREE FOR ORDER BY", plan)

    def test_a_theme_in_a_place_is_read_from_its_few_ids(self):
        sql, plan = self.page_ids(ServiceFilters(theme="housing", commune="62063"))
        if connection.vendor == "postgresql":
            self.assertIn('"register_service"."id" = ANY(ARRAY(SELECT', sql)
        else:
            self.assertIn(
                "SEARCH register_service USING INTEGER PRIMARY KEY (rowid=?)", plan
            )


class ServiceListApiTests(ServiceListTestCase):
    """The API's services list takes the same filters."""

    def test_it_filters_like_the_page(self):
        self.login(self.observer)
        cases = {
            "theme=basic-needs&status=current": ["Vestiaire solidaire"],
            # Any status, archived organisations' too, as the API always did.
            "province=60000": [
                "Logement d'urgence",
                "Cours de français langue étrangère",
                "Colis alimentaires de l'hiver",
                "Permanence fermée",
            ],
            "language=uk": ["Vestiaire solidaire"],
            "level=regional": ["Cours de français langue étrangère"],
            "active_on=2026-07-01&theme=clothing": [],
            "active_on=2026-03-01&theme=clothing": ["Vestiaire solidaire"],
            "status=ended&arrondissement=92000": ["Colis alimentaires de l'hiver"],
        }
        for query, expected in cases.items():
            with self.subTest(query):
                response = self.client.get(f"/api/v1/register/services?{query}")
                self.assertEqual(response.status_code, 200)
                found = [item["title"] for item in response.json()["items"]]
                self.assertEqual(sorted(found), sorted(expected))

    def test_junk_filters_get_422(self):
        self.login(self.observer)
        for query in (
            "active_on=2026-13-45",
            "status=unknown",
            "theme=" + "x" * 300,
            "commune=%00",
        ):
            with self.subTest(query):
                response = self.client.get(f"/api/v1/register/services?{query}")
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response["Content-Type"], "application/problem+json")
