"""The register's commune page: who serves a commune, by theme."""

from register import services
from register.tests.base import RegisterTestCase, grow_register
from register.tests.factories import make_organisation, make_service

LIEGE = "/registre/communes/62063/"


class CommunePageTests(RegisterTestCase):
    def test_it_lists_the_services_by_theme_with_links(self):
        other = make_organisation(
            "Maison médicale du Nord", actor_type="health-care-provider"
        )
        make_service(
            other, "Consultations sans rendez-vous", theme="health", communes=["62063"]
        )
        make_service(other, "Hors commune", theme="health", communes=["63079"])
        self.login(self.observer)
        response = self.client.get(LIEGE)
        self.assertContains(response, "<h1>Qui dessert Liège ?</h1>", html=True)
        html = response.content.decode()
        self.assertIn('<h2 id="theme-housing">Hébergement et logement</h2>', html)
        self.assertIn('<h2 id="theme-health">', html)
        self.assertLess(
            html.index('id="theme-housing"'), html.index('id="theme-health"')
        )
        self.assertIn(
            f'href="{self.service_a.get_absolute_url()}">Logement d&#x27;urgence</a>',
            html,
        )
        self.assertIn(f'href="{self.organisation_a.get_absolute_url()}"', html)
        self.assertIn("Consultations sans rendez-vous", html)
        self.assertNotIn("Hors commune", html)
        self.assertNotIn("Cours de français", html)  # B serves Verviers and Eupen
        self.assertIn('href="/registre/organisations/?commune=62063"', html)

    def test_archived_organisations_are_left_out(self):
        services.organisation_archive(
            organisation_id=self.organisation_a.pk, by=self.coordinator
        )
        self.login(self.observer)
        response = self.client.get(LIEGE)
        self.assertNotContains(response, "Logement d&#x27;urgence")
        self.assertContains(
            response,
            '<h2 id="theme-housing">Hébergement et logement</h2>\n'
            '<p class="muted">Aucun service en cours ou prévu n&#x27;est recensé.</p>',
        )

    def test_a_long_theme_shows_the_first_services_and_links_to_the_rest(self):
        grow_register(12)
        self.login(self.observer)
        response = self.client.get(LIEGE)
        self.assertContains(
            response, "13 services en cours ou prévus · 13 organisations"
        )
        # The three most recently recorded are shown, the rest a click away.
        self.assertContains(response, "Service housing extra", count=3)
        self.assertContains(
            response,
            'href="/registre/organisations/?commune=62063&amp;theme=housing">'
            "Voir les 10 autres services (Hébergement et logement)",
        )

    def test_a_former_code_redirects_to_its_successor(self):
        self.login(self.observer)
        response = self.client.get("/registre/communes/82003/")
        self.assertRedirects(response, "/registre/communes/82039/", status_code=301)
        self.assertEqual(self.client.get("/registre/communes/99999/").status_code, 404)

    def test_the_territory_page_links_here_only_for_signed_in_people(self):
        territory_page = "/territoire/communes/62063/"
        self.assertNotContains(self.client.get(territory_page), LIEGE)
        for user in (self.observer, self.focal_point_b):
            self.login(user)
            self.assertContains(self.client.get(territory_page), f'href="{LIEGE}"')

    def test_the_query_count_does_not_grow_with_the_register(self):
        self.login(self.focal_point_a)
        self.client.get(LIEGE)  # fills the cache of the reference data
        with self.assertNumQueries(6):
            self.client.get(LIEGE)
        grow_register(30)
        with self.assertNumQueries(6):
            response = self.client.get(LIEGE)
        self.assertContains(
            response, "31 services en cours ou prévus · 31 organisations"
        )

    def test_every_theme_is_there_even_without_a_service(self):
        self.login(self.observer)
        html = self.client.get("/registre/communes/63023/").content.decode()  # Eupen
        self.assertIn('<h2 id="theme-employment-training">', html)
        self.assertIn('<h2 id="theme-health">', html)
        self.assertEqual(
            html.count("Aucun service en cours ou prévu n&#x27;est recensé."),
            html.count('<h2 id="theme-') - 1,  # B's French courses serve Eupen
        )

    def test_ended_and_suspended_services_are_counted_apart(self):
        for title, status in (("Ancien abri", "ended"), ("Abri en pause", "suspended")):
            make_service(
                self.organisation_b,
                title,
                theme="housing",
                communes=["62063"],
                status=status,
            )
        self.login(self.observer)
        response = self.client.get(LIEGE)
        self.assertContains(response, "1 service en cours ou prévu · 1 organisation")
        self.assertContains(response, "Et 2 services terminés ou suspendus.")
        self.assertNotContains(response, "Ancien abri")
        self.assertNotContains(response, "Abri en pause")

    def test_the_commune_and_its_cpas_come_first(self):
        make_organisation(
            "Ville de Liège",
            actor_type="commune",
            level="municipal",
            postal_code="4000",
        )
        make_organisation("CPAS de Huy", postal_code="4500")
        self.login(self.observer)
        html = self.client.get(LIEGE).content.decode()
        local = html.index('id="local-title"')
        self.assertLess(local, html.index('id="theme-'))
        section = html[local : html.index("</section>", local)]
        self.assertLess(section.index("Ville de Liège"), section.index("CPAS de Liège"))
        self.assertNotIn("CPAS de Huy", section)
        self.assertIn(
            "Ni l'administration communale ni le CPAS",
            self.client.get("/registre/communes/63023/").content.decode(),
        )
