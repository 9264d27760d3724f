"""The public territory pages: content, redirects, 404s, query counts, structure."""

import re
from html.parser import HTMLParser

from django.test import override_settings
from django.urls import reverse

from territory.models import Commune
from territory.services import territory_load
from territory.tests.helpers import WalloniaPersonasTestCase


class StructureParser(HTMLParser):
    """Collects what the accessibility checks need from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.tables = 0
        self.captions = 0
        self.headers_without_scope = 0
        self.inputs: list[str] = []
        self.labels: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and "scope" not in attributes:
            self.headers_without_scope += 1
        elif tag in {"input", "select", "textarea"} and attributes.get("type") not in {
            "hidden",
            "submit",
        }:
            self.inputs.append(attributes.get("id") or "")
        elif tag == "label":
            self.labels.append(attributes.get("for") or "")


class TerritoryPageTests(WalloniaPersonasTestCase):
    def get(self, path: str, queries: int | None = None, status: int = 200):
        if queries is None:
            response = self.client.get(path)
        else:
            with self.assertNumQueries(queries):
                response = self.client.get(path)
        self.assertEqual(response.status_code, status, path)
        return response

    def assert_accessible_structure(self, html: str) -> None:
        parser = StructureParser()
        parser.feed(html)
        self.assertEqual(parser.h1, 1)
        self.assertEqual(parser.tables, parser.captions)
        self.assertEqual(parser.headers_without_scope, 0)
        for control in parser.inputs:
            self.assertIn(control, parser.labels)
        self.assertIn('<nav class="breadcrumbs" aria-label="Fil d\u2019Ariane">', html)

    def test_every_persona_may_read_every_page(self):
        paths = [
            reverse("territory:province_list"),
            reverse("territory:province_detail", args=["60000"]),
            reverse("territory:arrondissement_detail", args=["63000"]),
            reverse("territory:commune_list"),
            reverse("territory:commune_detail", args=["63023"]),
        ]
        for name, user in self.personas().items():
            self.login(user)
            for path in paths:
                with self.subTest(persona=name, path=path):
                    self.get(path)

    def test_the_province_list_shows_walloon_provinces_with_counts(self):
        response = self.get("/territoire/provinces/", queries=3)
        html = response.content.decode()
        self.assert_accessible_structure(html)
        self.assertContains(response, '<h2 id="region-03000">Région wallonne</h2>')
        self.assertContains(response, "261 communes")
        self.assertNotContains(response, "Vlaams-Brabant")
        self.assertNotContains(response, "Flandre")
        liege = re.search(r"/territoire/provinces/60000/.*?</dl>", html, re.S)
        assert liege is not None
        self.assertIn("<dt>Arrondissements</dt><dd>4</dd>", liege.group())
        self.assertIn("<dt>Communes</dt><dd>84</dd>", liege.group())
        for nis in ["20002", "50000", "60000", "80000", "90000"]:
            self.assertContains(response, f'href="/territoire/provinces/{nis}/"')

    @override_settings(TERRITORY_SCOPE="BE")
    def test_the_province_list_shows_every_region_when_the_scope_is_belgium(self):
        territory_load(all_belgium=True)
        response = self.get("/territoire/provinces/", queries=3)
        self.assertContains(response, "Région flamande")
        self.assertContains(response, "Région de Bruxelles-Capitale")
        self.assertContains(response, 'href="/territoire/arrondissements/21000/"')
        self.assertContains(response, "Arrondissement hors province")
        self.assertContains(response, "285 communes")
        self.assertContains(response, "19 communes")

    def test_a_province_lists_its_arrondissements_with_commune_counts(self):
        response = self.get("/territoire/provinces/80000/", queries=2)
        self.assert_accessible_structure(response.content.decode())
        self.assertContains(response, "<h1>Luxembourg</h1>", html=True)
        self.assertContains(response, 'lang="nl">Luxemburg</dd>')
        self.assertContains(
            response, 'href="/territoire/communes/?province=80000">43</a>'
        )
        self.assertContains(
            response,
            '<th scope="row"><a href="/territoire/arrondissements/82000/">Bastogne</a>'
            "</th><td>82000</td><td>7</td>",
            html=True,
        )

    def test_an_arrondissement_lists_its_communes(self):
        response = self.get("/territoire/arrondissements/63000/", queries=3)
        self.assert_accessible_structure(response.content.decode())
        self.assertContains(response, "<h1>Verviers</h1>", html=True)
        self.assertContains(response, 'href="/territoire/communes/63023/">Eupen</a>')
        self.assertContains(response, "4700, 4701")
        self.assertContains(response, ">germanophone</span>", count=9)
        self.assertContains(response, "<dt>Communes</dt><dd>29</dd>", html=True)

    def test_a_commune_page_shows_its_facts(self):
        response = self.get("/territoire/communes/63040/", queries=3)
        html = response.content.decode()
        self.assert_accessible_structure(html)
        self.assertContains(response, "<h1>La Calamine</h1>", html=True)
        self.assertContains(response, '<dd lang="nl">Kelmis</dd>', html=True)
        self.assertContains(response, '<span lang="de">Kelmis</span>', html=True)
        self.assertContains(response, "<dd>63040</dd>", html=True)
        self.assertContains(response, 'href="/territoire/arrondissements/63000/"')
        self.assertContains(response, 'href="/territoire/provinces/60000/"')
        self.assertContains(response, "Région wallonne")
        self.assertContains(response, "Région de langue allemande")
        self.assertContains(response, "Commune germanophone")
        self.assertContains(response, "4720, 4721, 4728")
        self.assertContains(response, "non importées")

    def test_a_commune_page_lists_the_former_codes_leading_to_it(self):
        response = self.get("/territoire/communes/82039/", queries=3)
        self.assertContains(response, "82003, remplacé depuis le 1 janvier 2025")
        self.assertContains(response, "82005, remplacé depuis le 1 janvier 2025")
        self.assertContains(response, "fusion de Bastogne et Bertogne")
        self.assertContains(response, "6600, 6686, 6687, 6688")
        self.assertNotContains(response, "germanophone")

    def test_a_commune_page_notes_imported_boundaries(self):
        Commune.objects.filter(nis="92094").update(
            boundary={"type": "Polygon", "coordinates": []},
            latitude=50.46583,
            longitude=4.86712,
        )
        response = self.get("/territoire/communes/92094/")
        self.assertContains(response, "latitude 50.46583, longitude 4.86712")
        self.assertNotContains(response, "non importées")

    def test_a_former_code_redirects_permanently_to_its_successor(self):
        response = self.get("/territoire/communes/82003/", status=301)
        self.assertEqual(response["Location"], "/territoire/communes/82039/")
        response = self.get("/territoire/communes/55022/", status=301)
        self.assertEqual(response["Location"], "/territoire/communes/58001/")

    def test_unknown_and_malformed_codes_are_not_found(self):
        for path in [
            "/territoire/communes/99999/",
            "/territoire/communes/abc/",
            "/territoire/communes/820390/",
            "/territoire/provinces/12345/",
            "/territoire/arrondissements/99000/",
        ]:
            with self.subTest(path=path):
                self.get(path, status=404)

    def test_the_commune_list_searches_names_without_accents_or_case(self):
        response = self.get("/territoire/communes/?name=LIEGE", queries=4)
        self.assertContains(response, 'href="/territoire/communes/62063/"')
        self.assertContains(response, "1 commune trouvée")
        for query, nis in [
            ("luik", "62063"),
            ("bullingen", "63012"),
            ("Saint Vith", "63067"),
            ("braine-l'alleud", "25014"),
            ("écaussinnes", "55050"),
        ]:
            with self.subTest(query=query):
                response = self.get(f"/territoire/communes/?name={query}")
                self.assertContains(response, f'href="/territoire/communes/{nis}/"')

    def test_the_commune_list_filters_by_postal_code_and_province(self):
        response = self.get("/territoire/communes/?postal_code=6600", queries=4)
        self.assertContains(response, 'href="/territoire/communes/82039/"')
        self.assertContains(response, "1 commune trouvée")
        response = self.get("/territoire/communes/?province=20002")
        self.assertContains(response, "27 communes trouvées")
        response = self.get("/territoire/communes/?province=60000&name=sankt")
        self.assertContains(response, "1 commune trouvée")

    def test_the_commune_list_shows_every_commune_of_the_scope_in_pages(self):
        response = self.get("/territoire/communes/", queries=4)
        self.assert_accessible_structure(response.content.decode())
        self.assertContains(response, "261 communes trouvées")
        self.assertContains(response, "page 1 sur 3")
        self.assertContains(response, 'href="?page=2" rel="next"')
        html = response.content.decode()
        self.assertLess(html.index(">Aiseau-Presles<"), html.index(">Amay<"))
        # Alphabetical with accents ignored: Quévy between Quaregnon and Quiévrain.
        html = self.get("/territoire/communes/?page=2").content.decode()
        self.assertLess(html.index(">Quaregnon<"), html.index(">Quévy<"))
        self.assertLess(html.index(">Quévy<"), html.index(">Quiévrain<"))
        page = self.get("/territoire/communes/?page=3", queries=4)
        self.assertContains(page, 'href="?page=2" rel="prev"')
        self.assertContains(page, 'href="/territoire/communes/93090/"')  # Viroinval

    def test_the_commune_list_reports_a_bad_postal_code(self):
        response = self.get("/territoire/communes/?postal_code=66", queries=1)
        self.assertContains(response, "Un code postal belge compte 4 chiffres.")
        self.assertContains(response, "Aucune commune ne correspond à la recherche.")
        self.assertNotContains(response, "<table")

    def test_the_search_form_offers_the_provinces_of_the_scope(self):
        response = self.get("/territoire/communes/")
        self.assertContains(response, '<option value="60000">Liège</option>', html=True)
        self.assertNotContains(response, '<option value="10000">')

    def test_the_pages_speak_the_visitors_language(self):
        self.client.cookies["django_language"] = "nl"
        response = self.get("/territoire/communes/62063/")
        self.assertContains(response, "<h1>Luik</h1>", html=True)
        self.client.cookies["django_language"] = "de"
        response = self.get("/territoire/communes/63040/")
        self.assertContains(response, "<h1>Kelmis</h1>", html=True)
