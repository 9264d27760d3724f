"""Contacts: only the organisation's members and coordinators add, change or erase
them; a contact that was not shared stays invisible to everyone else."""

from typing import Any

from django.urls import reverse

from register import services
from register.models import Contact
from register.tests.base import RegisterTestCase, table_row


def contact_data(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Olena Kovalenko",
        "function": "Assistante sociale",
        "email": "olena@example.org",
        "phone": "+32 4 123 45 67",
        "is_focal_point": "on",
        "languages": ["uk", "fr"],
        "legal_basis": "consent",
        "consent_date": "2026-02-10",
        "last_verified": "2026-03-01",
        **changes,
    }


class ContactPageTests(RegisterTestCase):
    def create_url(self, organisation=None) -> str:
        organisation = organisation or self.organisation_a
        return reverse("register:contact_create", args=[organisation.pk])

    def test_a_focal_point_adds_a_contact_to_their_organisation(self):
        self.login(self.focal_point_a)
        response = self.client.get(self.create_url())
        self.assertContains(
            response, "<legend>Protection des données</legend>", html=True
        )
        self.assertContains(response, "<legend>Langues\xa0:</legend>", html=True)
        response = self.client.post(self.create_url(), contact_data())
        self.assertRedirects(
            response,
            self.organisation_a.get_absolute_url() + "#contacts",
            fetch_redirect_response=False,
        )
        contact = Contact.objects.get(name="Olena Kovalenko")
        self.assertEqual(contact.organisation, self.organisation_a)
        self.assertEqual(contact.languages, ["uk", "fr"])
        self.assertTrue(contact.is_focal_point)
        self.assertFalse(contact.shared)
        self.assertEqual(str(contact.consent_date), "2026-02-10")

    def test_a_focal_point_may_not_add_a_contact_elsewhere(self):
        for user in (self.focal_point_b, self.observer):
            self.login(user)
            response = self.client.post(self.create_url(), contact_data())
            self.assertEqual(response.status_code, 403)
        self.assertFalse(Contact.objects.filter(name="Olena Kovalenko").exists())

    def test_the_legal_basis_is_required(self):
        self.login(self.coordinator)
        response = self.client.post(self.create_url(), contact_data(legal_basis=""))
        self.assertContains(response, 'id="id_legal_basis_error"')
        self.assertFalse(Contact.objects.filter(name="Olena Kovalenko").exists())

    def test_an_archived_organisation_gets_no_new_contact(self):
        services.organisation_archive(
            organisation_id=self.organisation_a.pk, by=self.coordinator
        )
        self.login(self.coordinator)
        response = self.client.post(self.create_url(), contact_data())
        self.assertContains(
            response, "est archivée : restaurez-la avant d&#x27;y rattacher"
        )
        self.assertFalse(Contact.objects.filter(name="Olena Kovalenko").exists())

    def test_members_edit_their_contacts_and_others_cannot_even_find_private_ones(self):
        private = reverse("register:contact_update", args=[self.private_contact_b.pk])
        shared = reverse("register:contact_update", args=[self.shared_contact_b.pk])
        self.login(self.focal_point_a)
        # Changing the id in the URL reveals nothing about B's private contact.
        response = self.client.get(private)
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Bernard", status_code=404)
        self.assertEqual(
            self.client.post(private, contact_data(version=1)).status_code, 404
        )
        self.assertEqual(self.client.get(shared).status_code, 403)
        erase = reverse("register:contact_erase", args=[self.private_contact_b.pk])
        self.assertEqual(self.client.post(erase).status_code, 404)
        self.private_contact_b.refresh_from_db()
        self.assertEqual(self.private_contact_b.name, "Bernard Confidentiel")
        self.login(self.focal_point_b)
        response = self.client.post(
            private,
            contact_data(name="Bernard Confidentiel", shared="on", version=1),
        )
        self.assertEqual(response.status_code, 302)
        self.private_contact_b.refresh_from_db()
        self.assertTrue(self.private_contact_b.shared)
        self.assertEqual(self.private_contact_b.version, 2)

    def test_focal_point_a_never_sees_b_private_contact(self):
        self.login(self.focal_point_a)
        for path in (
            self.organisation_b.get_absolute_url(),
            reverse("register:organisation_list") + "?q=crvi",
            reverse("register:service_detail", args=[self.service_b.pk]),
            reverse("register:organisation_history", args=[self.organisation_b.pk]),
        ):
            response = self.client.get(path)
            with self.subTest(path=path):
                self.assertNotContains(response, "Bernard Confidentiel")
                self.assertNotContains(response, "bernard.confidentiel@example.org")
        self.assertContains(
            self.client.get(self.organisation_b.get_absolute_url()), "Béatrice Partagée"
        )

    def test_a_stale_version_shows_both_versions(self):
        services.contact_update(
            contact_id=self.private_contact_a.pk,
            by=self.coordinator,
            expected_version=1,
            fields={"function": "Directrice"},
        )
        self.login(self.focal_point_a)
        url = reverse("register:contact_update", args=[self.private_contact_a.pk])
        response = self.client.post(
            url, contact_data(name="Arthur Privé", function="Stagiaire", version=1)
        )
        self.assertEqual(response.status_code, 409)
        self.assertInHTML(
            table_row("Fonction", "Stagiaire", "Directrice"),
            response.content.decode(),
        )
        self.private_contact_a.refresh_from_db()
        self.assertEqual(self.private_contact_a.function, "Directrice")

    def test_erasing_asks_first_then_removes_the_person_and_their_history(self):
        url = reverse("register:contact_erase", args=[self.private_contact_a.pk])
        self.login(self.focal_point_a)
        response = self.client.get(url)
        self.assertContains(response, "Effacer le contact Arthur Privé ?")
        self.assertTrue(Contact.objects.filter(pk=self.private_contact_a.pk).exists())
        response = self.client.post(url)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Contact.objects.filter(pk=self.private_contact_a.pk).exists())
        self.assertFalse(Contact.history.filter(id=self.private_contact_a.pk).exists())
