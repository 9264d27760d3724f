"""The contacts endpoints: personal data, seen only by whom it was shared with."""

from typing import Any

from register.models import Contact, Organisation
from register.tests.api_base import API, ApiTestCase

CONTACTS = f"{API}/contacts"


class ContactReadTests(ApiTestCase):
    def names(self, user, **query: Any) -> list[str]:
        response = self.call(user, "get", CONTACTS, **query)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["name"] for item in response.json()["items"]]

    def test_coordinators_see_every_contact(self):
        self.assertEqual(
            self.names(self.coordinator), ["Anne", "Arthur", "Beatrice", "Bruno"]
        )
        self.assertEqual(len(self.names(self.admin)), 4)

    def test_a_focal_point_sees_their_organisations_and_the_shared_ones(self):
        self.assertEqual(self.names(self.focal_point_a), ["Anne", "Arthur", "Beatrice"])
        self.assertEqual(self.names(self.focal_point_b), ["Anne", "Beatrice", "Bruno"])

    def test_observers_see_no_contact(self):
        self.assertEqual(self.names(self.observer), [])

    def test_it_filters_by_organisation(self):
        self.assertEqual(
            self.names(self.focal_point_a, organisation=self.organisation_b.pk),
            ["Beatrice"],
        )

    def test_one_contact_with_its_fields(self):
        response = self.call(
            self.focal_point_b, "get", f"{CONTACTS}/{self.shared_contact_a.pk}"
        )
        body = response.json()
        self.assertEqual(body["email"], "anne@example.org")
        self.assertEqual(body["organisation"], self.organisation_a.pk)
        self.assertEqual((body["shared"], body["legal_basis"]), (True, "public_task"))

    def test_another_organisations_private_contact_does_not_exist_for_you(self):
        path = f"{CONTACTS}/{self.private_contact_b.pk}"
        body = self.assert_problem(self.call(self.focal_point_a, "get", path), 404)
        self.assertNotIn("Bruno", str(body))
        self.assertEqual(
            self.assert_problem(self.call(self.observer, "get", path), 404)["status"],
            404,
        )


class ContactWriteTests(ApiTestCase):
    def create(self, user=None, **fields: Any) -> Any:
        body = {
            "organisation": self.organisation_a.pk,
            "name": "Nina Fokus",
            "function": "Référente Ukraine",
            "email": "nina@example.org",
            "legal_basis": "consent",
            "consent_date": "2026-02-01",
            "languages": ["fr", "uk"],
            **fields,
        }
        return self.call(user or self.focal_point_a, "post", CONTACTS, body)

    def patch(self, contact: Contact, user=None, **fields: Any) -> Any:
        return self.call(
            user or self.focal_point_a, "patch", f"{CONTACTS}/{contact.pk}", fields
        )

    def test_a_focal_point_adds_a_contact_to_their_organisation(self):
        response = self.create(is_focal_point=True)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["consent_date"], "2026-02-01")
        self.assertEqual((body["is_focal_point"], body["shared"]), (True, False))
        self.assertEqual(body["languages"], ["fr", "uk"])
        contact = Contact.objects.get(pk=body["id"])
        self.assertEqual(contact.history.get().history_user, self.focal_point_a)

    def test_a_focal_point_changes_their_contact(self):
        response = self.patch(
            self.private_contact_a, version=1, shared=True, phone="+32 4 000 00 00"
        )
        body = response.json()
        self.assertEqual((body["shared"], body["version"]), (True, 2))
        self.assertEqual(body["name"], "Arthur")

    def test_ids_of_another_organisations_contacts_lead_nowhere(self):
        before = self.counts()
        private_b = f"{CONTACTS}/{self.private_contact_b.pk}"
        shared_b = f"{CONTACTS}/{self.shared_contact_b.pk}"
        # Not shared: as if it did not exist. Shared: seen, not changed.
        self.assert_problem(self.patch(self.private_contact_b, version=1), 404)
        self.assert_problem(self.call(self.focal_point_a, "delete", private_b), 404)
        self.assert_problem(
            self.patch(self.shared_contact_b, version=1, name="Pris"), 403
        )
        self.assert_problem(self.call(self.focal_point_a, "delete", shared_b), 403)
        self.assert_problem(self.create(organisation=self.organisation_b.pk), 403)
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.versions()["contacts"], 4)

    def test_erasing_a_contact_leaves_no_personal_data(self):
        path = f"{CONTACTS}/{self.private_contact_a.pk}"
        response = self.call(self.focal_point_a, "delete", path)
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Contact.objects.filter(pk=self.private_contact_a.pk).exists())
        self.assertFalse(Contact.history.filter(id=self.private_contact_a.pk).exists())
        self.assert_problem(self.call(self.coordinator, "get", path), 404)

    def test_a_stale_version_is_a_409(self):
        self.patch(self.shared_contact_a, version=1, function="Directrice")
        before = self.counts()
        response = self.patch(self.shared_contact_a, self.coordinator, version=1)
        body = self.assert_problem(response, 409)
        self.assertEqual(body["version"], 2)
        self.assertEqual(body["current"]["function"], "Directrice")
        self.assertEqual(self.counts(), before)

    def test_bad_inputs_are_refused_and_nothing_is_written(self):
        Organisation.objects.filter(pk=self.organisation_b.pk).update(
            status=Organisation.Status.ARCHIVED
        )
        before, versions = self.counts(), self.versions()
        cases: list[tuple[dict[str, Any], str]] = [
            ({"email": "pas-un-email"}, "body.email"),
            ({"languages": ["sindarin"]}, "body.languages"),
            ({"legal_basis": "whim"}, "body.legal_basis"),
            ({"organisation": 999999}, "body.organisation"),
            ({"name": ""}, "body.name"),
        ]
        for fields, location in cases:
            with self.subTest(fields=fields):
                self.assert_problem(self.create(**fields), 422, location)
        self.assert_problem(
            self.create(self.coordinator, organisation=self.organisation_b.pk),
            422,
            "body.organisation",
        )
        self.assert_problem(
            self.patch(self.private_contact_a, version=1, email="@"), 422, "body.email"
        )
        self.assertEqual(self.counts(), before)
        self.assertEqual(self.versions(), versions)
