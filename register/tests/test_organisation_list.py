"""The register list: search, filters in the URL, sorting, pages, htmx partial."""

import re
from html import unescape
from typing import ClassVar
from unittest import mock

from django.urls import reverse

from register import selectors, services
from register.models import Organisation
from register.tests.base import RegisterTestCase, grow_register
from register.tests.factories import make_organisation, make_service
from taxonomy.models import InstitutionalLevel

LIST = "/registre/organisations/"


def names(response) -> list[str]:
    """The organisation names in the result table, in order."""
    html = response.content.decode()
    return [
        unescape(name)
        for name in re.findall(
            r'<th scope="row"><a href="/registre/organisations/\d+/">([^<]+)</a>', html
        )
    ]


class OrganisationListTests(RegisterTestCase):
    namur: ClassVar[Organisation]
    archived: ClassVar[Organisation]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.namur = make_organisation(
            "Croix-Rouge de Belgique, Namur",
            sector="non-profit",
            actor_type="association",
            level="non-governmental",
            postal_code="5000",
            languages=["fr", "ru"],
        )
        make_service(
            cls.namur,
            "Vestiaire solidaire",
            theme="basic-needs",
            subtheme="clothing",
            communes=["92094"],
            target_groups=["children"],
            description="Vêtements pour les enfants arrivés d'Ukraine.",
        )
        cls.archived = make_organisation("Ancienne antenne de Huy", postal_code="4500")
        services.organisation_archive(
            organisation_id=cls.archived.pk, by=cls.coordinator
        )

    def setUp(self) -> None:
        self.login(self.observer)

    def get(self, query: str = ""):
        response = self.client.get(f"{LIST}?{query}")
        self.assertEqual(response.status_code, 200)
        return response

    def test_it_lists_active_organisations_with_their_columns(self):
        response = self.get()
        self.assertEqual(
            names(response),
            [
                "Centre régional de Verviers pour l'intégration",
                "CPAS de Liège",
                "Croix-Rouge de Belgique, Namur",
            ],
        )
        self.assertContains(response, "3 organisations trouvées")
        html = response.content.decode()
        row = re.search(r"CPAS de Liège</a>.*?</tr>", html, re.S)
        assert row is not None
        self.assertIn("(CPAS Liège)", row.group())
        self.assertIn("CPAS (centre public d&#x27;action sociale)", row.group())
        self.assertIn("Communes et CPAS", row.group())
        self.assertIn('href="/registre/communes/62063/">Liège</a>', row.group())
        self.assertIn("<td>1</td>", row.group())
        self.assertIn("active</span>", row.group())
        self.assertContains(response, "<caption>Organisations</caption>")
        self.assertContains(response, 'role="region" tabindex="0"')

    def test_the_search_ignores_accents_and_case(self):
        self.assertEqual(names(self.get("q=Liege")), ["CPAS de Liège"])
        self.assertEqual(names(self.get("q=LIÈGE")), ["CPAS de Liège"])
        self.assertEqual(
            names(self.get("q=crvi")),
            ["Centre régional de Verviers pour l'intégration"],
        )
        # Service descriptions are searched too.
        self.assertEqual(
            names(self.get("q=vetements+enfants")), ["Croix-Rouge de Belgique, Namur"]
        )
        response = self.get("q=introuvable")
        self.assertEqual(names(response), [])
        self.assertContains(response, "Aucune organisation ne correspond")

    def test_it_filters_by_vocabulary(self):
        cases = {
            "level=non-governmental": ["Croix-Rouge de Belgique, Namur"],
            "sector=public": ["CPAS de Liège"],
            "actor_type=regional-integration-centre": [
                "Centre régional de Verviers pour l'intégration"
            ],
            "theme=housing": ["CPAS de Liège"],
            # A sub-theme, and a main theme through its sub-theme's services.
            "theme=french-courses": ["Centre régional de Verviers pour l'intégration"],
            "theme=basic-needs": ["Croix-Rouge de Belgique, Namur"],
            "target_group=women-at-risk": [
                "Centre régional de Verviers pour l'intégration"
            ],
            "language=uk": ["CPAS de Liège"],
            "language=ru": ["Croix-Rouge de Belgique, Namur"],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(names(self.get(query)), expected)

    def test_it_filters_by_territory_served(self):
        cases = {
            # Eupen: in B's area of operation and served by B's service.
            "commune=63023": ["Centre régional de Verviers pour l'intégration"],
            "arrondissement=62000": ["CPAS de Liège"],
            "province=90000": ["Croix-Rouge de Belgique, Namur"],
            "province=60000": [
                "Centre régional de Verviers pour l'intégration",
                "CPAS de Liège",
            ],
            "commune=62063&theme=housing": ["CPAS de Liège"],
            "commune=62063&theme=language-learning": [],
        }
        for query, expected in cases.items():
            with self.subTest(query=query):
                self.assertEqual(names(self.get(query)), expected)

    def test_it_shows_archived_organisations_on_request(self):
        self.assertNotIn("Ancienne antenne de Huy", names(self.get()))
        self.assertEqual(
            names(self.get("status=archived")), ["Ancienne antenne de Huy"]
        )
        self.assertEqual(len(names(self.get("status=all"))), 4)
        self.assertContains(self.get("status=archived"), "archivée</span>")

    def test_it_sorts(self):
        self.assertEqual(
            names(self.get("sort=-name")),
            [
                "Croix-Rouge de Belgique, Namur",
                "CPAS de Liège",
                "Centre régional de Verviers pour l'intégration",
            ],
        )
        self.assertEqual(
            names(self.get("sort=-updated"))[0], "Croix-Rouge de Belgique, Namur"
        )
        self.assertEqual(names(self.get("sort=updated"))[0], "CPAS de Liège")

    def test_the_form_keeps_the_filters_and_reports_a_bad_value(self):
        response = self.get("q=Liege&theme=housing&commune=62063")
        self.assertContains(response, 'value="Liege"')
        self.assertContains(response, '<option value="housing" selected>')
        self.assertContains(response, '<option value="62063" selected>')
        self.assertContains(response, "Effacer les filtres")
        response = self.get("level=nowhere")
        self.assertContains(response, "Sélectionnez un choix valide")
        self.assertEqual(len(names(response)), 3)

    def test_it_pages_by_25_and_keeps_the_filters_in_the_page_links(self):
        grow_register(26)
        response = self.get("q=association")
        self.assertEqual(len(names(response)), 25)
        self.assertContains(response, "26 organisations trouvées")
        self.assertContains(response, 'href="?q=association&amp;page=2" rel="next"')
        second = self.get("q=association&page=2")
        # Numbers by their value: 9 before 10, 25 last.
        self.assertEqual(names(second), ["Association extra 25"])
        self.assertContains(second, 'href="?q=association&amp;page=1" rel="prev"')

    def test_an_htmx_request_gets_only_the_results(self):
        response = self.client.get(f"{LIST}?q=liege", headers={"HX-Request": "true"})
        html = response.content.decode()
        self.assertNotIn("<html", html)
        self.assertNotIn('role="search"', html)
        self.assertEqual(names(response), ["CPAS de Liège"])
        # The count is swapped out of band into the page's live region.
        self.assertIn('<p id="result-count" hx-swap-oob="innerHTML">', html)
        self.assertIn("1 organisation trouvée", html)
        self.assertIn("HX-Request", response["Vary"])
        # htmx restoring its history needs the whole page.
        response = self.client.get(
            f"{LIST}?q=liege",
            headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
        )
        self.assertContains(response, "<html")

    def test_without_javascript_the_filters_are_a_plain_get_form(self):
        html = self.get().content.decode()
        form = re.search(r"<form class=\"filters\".*?</form>", html, re.S)
        assert form is not None
        self.assertIn('method="get" action="/registre/organisations/"', form.group())
        self.assertIn('hx-get="/registre/organisations/"', form.group())
        self.assertIn('hx-target="#results"', form.group())
        self.assertIn('hx-push-url="true"', form.group())
        self.assertIn('<button type="submit">Filtrer</button>', form.group())
        for name in (
            "q",
            "level",
            "sector",
            "actor_type",
            "theme",
            "target_group",
            "province",
            "arrondissement",
            "commune",
            "language",
            "status",
            "sort",
        ):
            self.assertIn(f'<label for="id_{name}">', form.group())

    def test_only_coordinators_see_the_create_button(self):
        create = reverse("register:organisation_create")
        self.assertNotContains(self.get(), create)
        self.login(self.focal_point_a)
        self.assertNotContains(self.get(), create)
        self.login(self.coordinator)
        self.assertContains(self.get(), create)

    def test_the_query_count_does_not_grow_with_the_register(self):
        # Session, user, count, the page's ids, their rows; the filters' choices
        # and the vocabularies' ids come from the cache. Services of a kind in a
        # place are few: their ids are all read at once, which counts them.
        queries = {
            "": 5,
            "q=liege&theme=housing&commune=62063&sort=-updated": 4,
            "province=60000&target_group=all-temporary-protection&language=fr"
            "&status=all": 4,
            "q=liege&level=communal&theme=housing": 5,
        }
        for query in queries:
            self.get(query)
        for query, count in queries.items():
            with self.subTest(query=query, size="small"), self.assertNumQueries(count):
                self.get(query)
        grow_register(30)
        for query, count in queries.items():
            with self.subTest(query=query, size="large"), self.assertNumQueries(count):
                response = self.get(query)
            self.assertEqual(len(names(response)), 25 if not query else 1)

    def test_more_matches_than_read_at_once_are_counted_and_paged_the_same(self):
        # Services of a kind in a place: the first ids are read at once; past
        # them, the list is counted and paged by queries, with the same result.
        grow_register(30)
        query = "theme=housing&commune=62063"
        pages = {}
        for read_ahead in (1000, 30, 20):
            with mock.patch.object(selectors, "READ_AHEAD", read_ahead):
                first, second = self.get(query), self.get(f"{query}&page=2")
            self.assertContains(first, "31 organisations trouvées")
            pages[read_ahead] = names(first) + names(second)
        self.assertEqual(len(pages[1000]), 31)
        self.assertEqual(len(set(pages[1000])), 31)
        self.assertEqual(pages[30], pages[1000])
        self.assertEqual(pages[20], pages[1000])

    def test_the_filters_choices_are_read_once_then_kept(self):
        # The choices, and whether a map can be exported, read once.
        with self.assertNumQueries(14):
            self.get()
        with self.assertNumQueries(5):
            self.get()

    def test_a_changed_term_shows_in_the_filters_at_once(self):
        self.get()
        level = InstitutionalLevel.objects.create(
            code="inter-municipal", name_fr="Échelon intercommunal"
        )
        self.assertContains(self.get(), "Échelon intercommunal")
        level.name_fr = "Bassin de vie"
        level.save()
        self.assertContains(self.get(), "Bassin de vie")
        level.delete()
        self.assertNotContains(self.get(), "Bassin de vie")
