from io import StringIO

from django.core.management import call_command

from accounts.testing import BaseTestCase
from register.tests.api_base import ApiTestCase


class ShellPageTests(BaseTestCase):
    def test_it_shows_the_home_page_to_everyone(self):
        for name, user in self.personas().items():
            with self.subTest(persona=name):
                self.login(user)
                response = self.client.get("/")
                self.assertContains(response, "Maillage")
                self.assertContains(response, 'href="#main"')
                self.assertContains(response, '<main id="main"')

    def test_it_credits_statbel_in_the_footer(self):
        self.assertContains(self.client.get("/"), "Statbel")
        self.assertContains(self.client.get("/a-propos/"), "CC BY 4.0")

    def test_it_shows_the_vocabularies_in_the_menu_only_once_signed_in(self):
        self.assertNotContains(self.client.get("/"), 'href="/vocabulaires/"')
        self.login(self.observer)
        self.assertContains(self.client.get("/"), 'href="/vocabulaires/"')

    def test_it_answers_an_unknown_page_with_a_friendly_404(self):
        response = self.client.get("/nulle-part/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Page introuvable", status_code=404)

    def test_it_says_the_demo_is_fictitious_when_asked(self):
        self.assertNotContains(self.client.get("/"), "demo-notice")
        with self.settings(DEMO_NOTICE=True):
            self.assertContains(self.client.get("/"), "sont fictifs")

    def test_the_home_page_presents_only_the_parts_that_exist(self):
        for name, user in self.personas().items():
            with self.subTest(persona=name):
                self.login(user)
                html = self.client.get("/").content.decode()
                self.assertIn("État des lieux", html)
                self.assertIn("Organes de coordination", html)
                self.assertIn("Analyse du secteur", html)
                for missing in (
                    "Réunions de cadrage",
                    "Enquête et consultations",
                ):
                    self.assertNotIn(missing, html)
                linked = 'href="/registre/organisations/"' in html.split("<main", 1)[1]
                self.assertEqual(linked, user is not None)

    def test_a_focal_point_finds_their_organisation_on_the_home_page(self):
        from register import services
        from register.tests.factories import make_organisation

        call_command("load_reference", stdout=StringIO())
        organisation = make_organisation("CPAS de Liège")
        services.membership_add(user=self.focal_point_a, organisation=organisation)
        self.login(self.focal_point_a)
        response = self.client.get("/")
        self.assertContains(response, "Mon organisation")
        self.assertContains(response, f'href="{organisation.get_absolute_url()}"')
        self.login(self.observer)
        self.assertNotContains(self.client.get("/"), "Mon organisation")

    def test_the_register_s_own_address_opens_its_list(self):
        self.login(self.observer)
        response = self.client.get("/registre/")
        self.assertRedirects(response, "/registre/organisations/")


class PageNumberTests(ApiTestCase):
    """A page number past 64 bits shows a list's last page (Django's paginator),
    never an error: it is never sent to the database."""

    def test_it_shows_the_last_page_for_a_page_number_past_64_bits(self):
        self.login(self.coordinator)
        organisation = self.organisation_a.pk
        for path, parameter in (
            ("/territoire/communes/", "page"),
            ("/registre/organisations/", "page"),
            (f"/registre/organisations/{organisation}/historique/", "page"),
            (f"/registre/organisations/{organisation}/", "relations"),
            ("/coordination/organes/", "page"),
            ("/echanges/importer/lots/", "page"),
        ):
            for number in (2**63 - 1, 99999999999999999999):
                with self.subTest(path=path, number=number):
                    response = self.client.get(path, {parameter: number})
                    self.assertEqual(response.status_code, 200)
                    page = response.context[
                        "relations" if parameter == "relations" else "page"
                    ]
                    self.assertEqual(page.number, page.paginator.num_pages)
