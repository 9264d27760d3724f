from accounts.testing import BaseTestCase


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
                for missing in (
                    "Analyse du secteur",
                    "Réunions de cadrage",
                    "Enquête et consultations",
                ):
                    self.assertNotIn(missing, html)
                linked = 'href="/registre/organisations/"' in html.split("<main", 1)[1]
                self.assertEqual(linked, user is not None)

    def test_the_register_s_own_address_opens_its_list(self):
        self.login(self.observer)
        response = self.client.get("/registre/")
        self.assertRedirects(response, "/registre/organisations/")
