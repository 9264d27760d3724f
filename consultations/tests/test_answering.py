"""Answering page by page, here through the coordinator's preview (the same
pages serve invitations): next and back, required and constraint messages,
repeats added and removed without JavaScript, htmx refreshing what the
answers change, and the final copy of the answers."""

from django.urls import reverse

from accounts.testing import BaseTestCase
from consultations.services import questionnaire_import
from consultations.tests.test_xlsform import FORM
from consultations.xlsform import xlsform_read

READ = {
    "anonymous": 302,
    "admin": 200,
    "coordinator": 200,
    "focal_point_a": 403,
    "focal_point_b": 403,
    "observer": 403,
}


class PreviewTests(BaseTestCase):
    def setUp(self) -> None:
        self.questionnaire = questionnaire_import(
            form=xlsform_read(FORM.encode(), "enquete.md"), by=self.coordinator
        )
        self.url = reverse(
            "consultations:questionnaire_preview", args=[self.questionnaire.pk]
        )

    def post(self, **data):
        return self.client.post(self.url, data)

    def test_every_role(self):
        for name, user in self.personas().items():
            self.login(user)
            with self.subTest(persona=name):
                self.assertEqual(self.client.get(self.url).status_code, READ[name])
                status = self.post(page="1", action="next").status_code
                self.assertEqual(status, {200: 400}.get(READ[name], READ[name]))

    def test_a_walk_through_the_pages(self):
        self.login(self.coordinator)
        response = self.client.get(self.url + "?reset=1")
        self.assertContains(response, "Page 1 sur 3")
        self.assertContains(response, 'name="niveau"')
        # A required question left empty, an integer that is not one.
        response = self.post(page="1", action="next", themes="housing", places="douze")
        self.assertContains(response, "Répondez, s&#x27;il vous plaît", status_code=400)
        self.assertContains(response, "Entrez un nombre entier.", status_code=400)
        self.assertContains(response, 'href="#q-niveau"', status_code=400)
        # A constraint of the form, with its message.
        response = self.post(
            page="1", action="next", niveau="local", themes="housing", places="-3"
        )
        self.assertContains(response, "Entre 0 et 99 999", status_code=400)
        response = self.post(
            page="1", action="next", niveau="local", themes="housing", places="12"
        )
        self.assertRedirects(
            response, self.url + "?page=2", fetch_redirect_response=False
        )
        # The repeat has its three counted instances.
        response = self.client.get(self.url + "?page=2")
        self.assertContains(response, 'name="antennes/2/antenne"')
        self.assertNotContains(response, 'value="add:')
        response = self.post(page="2", action="back")
        self.assertRedirects(
            response, self.url + "?page=1", fetch_redirect_response=False
        )
        self.assertContains(self.client.get(self.url + "?page=1"), 'value="12"')
        self.post(page="2", action="next", **{"antennes/0/antenne": "Namur"})
        # The last page: a date in the future breaks the form's constraint.
        response = self.post(
            page="3", action="submit", priorites=["b", "a"], depuis="2099-01-01"
        )
        self.assertContains(response, "Pas dans le futur", status_code=400)
        response = self.post(
            page="3", action="submit", priorites=["b", "a"], depuis="01/03/2022"
        )
        self.assertContains(response, "Aperçu terminé")
        self.assertContains(response, "Logement")
        self.assertContains(response, "B, A")
        self.assertContains(response, "2022-03-01")

    def test_htmx_refresh_saves_and_shows_what_the_answers_change(self):
        self.login(self.coordinator)
        self.client.get(self.url + "?reset=1")
        response = self.client.post(
            self.url,
            {"page": "1", "action": "refresh", "themes": "health"},
            headers={"HX-Request": "true"},
        )
        self.assertNotContains(response, "<html")
        self.assertNotContains(response, 'name="places"')
        # Not yet answered is not an error while the person answers.
        self.assertNotContains(response, "Répondez")
        response = self.client.post(
            self.url,
            {"page": "1", "action": "refresh", "themes": ["health", "housing"]},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, 'name="places"')
        self.assertContains(self.client.get(self.url), 'value="health" checked')

    def test_repeats_grow_and_shrink_without_javascript(self):
        self.login(self.coordinator)
        self.client.get(self.url + "?reset=1")
        response = self.client.get(self.url + "?page=2")
        self.assertEqual(response.content.decode().count('name="antennes/'), 3)

    def test_junk_never_fails(self):
        self.login(self.coordinator)
        for data in (
            {"page": "999", "action": "next"},
            {"page": "-1", "action": "submit"},
            {"page": "abc", "action": "remove:antennes/99"},
            {"page": "1", "action": "add:../../etc"},
            {"page": "1", "action": "x" * 5000, "niveau": "nope"},
            {"page": "1", "niveau": ["local", "regional"], "places": "1" * 5000},
            {"page": "1", "themes": "\x00", "places": "\u202e12"},
        ):
            with self.subTest(data=str(data)[:60]):
                status = self.client.post(self.url, data).status_code
                self.assertIn(status, {200, 302, 400})
        for query in (
            "?page=abc",
            "?page=99999999999999999999",
            "?page=-3",
            "?reset=1&page=2",
        ):
            with self.subTest(query=query):
                self.assertEqual(self.client.get(self.url + query).status_code, 200)
