"""Who may export what, by the pages and by the API: contacts are personal data."""

import csv
import io
import json
from typing import Any

from exchange.tests.test_export_formats import body
from register.tests.base import RegisterTestCase

EXPORT = "/echanges/exporter/"
API_EXPORT = "/api/v1/exchange/export"


def contact_names(response: Any) -> set[str]:
    text = body(response).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    return {row["name"] for row in rows}


class ExportPermissionTests(RegisterTestCase):
    def test_anonymous_visitors_are_sent_to_log_in(self):
        for url in (EXPORT, f"{EXPORT}?format=csv", "/echanges/modeles/services.xlsx"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn("/comptes/connexion/", response["Location"])

    def test_the_api_answers_401_to_anonymous_visitors(self):
        response = self.client.get(API_EXPORT)
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response["Content-Type"], "application/problem+json")

    def test_coordinators_export_every_contact(self):
        for user in (self.coordinator, self.admin):
            self.login(user)
            response = self.client.get(EXPORT, {"format": "csv", "sheet": "contacts"})
            self.assertEqual(
                contact_names(response),
                {
                    "Anne Partagée",
                    "Arthur Privé",
                    "Béatrice Partagée",
                    "Bernard Confidentiel",
                },
            )

    def test_observers_export_no_contact(self):
        self.login(self.observer)
        response = self.client.get(EXPORT, {"format": "csv", "sheet": "contacts"})
        self.assertEqual(contact_names(response), set())
        organisations = self.client.get(EXPORT, {"format": "csv"})
        self.assertIn("CPAS de Liège", body(organisations).decode())

    def test_a_focal_point_never_exports_another_organisation_s_unshared_contacts(
        self,
    ):
        self.login(self.focal_point_a)
        response = self.client.get(EXPORT, {"format": "csv", "sheet": "contacts"})
        self.assertEqual(
            contact_names(response),
            {"Anne Partagée", "Arthur Privé", "Béatrice Partagée"},
        )
        self.login(self.focal_point_b)
        response = self.client.get(EXPORT, {"format": "xlsx"})
        data = body(response)
        self.assertNotIn(b"arthur.prive", data)
        response = self.client.get(API_EXPORT)
        names = {contact["name"] for contact in json.loads(body(response))["contacts"]}
        self.assertEqual(
            names, {"Anne Partagée", "Béatrice Partagée", "Bernard Confidentiel"}
        )

    def test_the_api_exports_what_each_role_may_see(self):
        expected = {
            "coordinator": 4,
            "focal_point_a": 3,
            "focal_point_b": 3,
            "observer": 0,
        }
        for name, count in expected.items():
            self.login(getattr(self, name))
            response = self.client.get(API_EXPORT, {"format": "json"})
            self.assertEqual(response.status_code, 200, name)
            dump = json.loads(body(response))
            self.assertEqual(len(dump["contacts"]), count, name)
            self.assertEqual(len(dump["organisations"]), 2, name)

    def test_the_api_keeps_the_register_filters_and_other_formats(self):
        self.login(self.observer)
        response = self.client.get(
            API_EXPORT, {"format": "csv", "sheet": "services", "commune": "63079"}
        )
        self.assertEqual(response.status_code, 200)
        text = body(response).decode()
        self.assertIn("Cours de français langue étrangère", text)
        self.assertNotIn("Logement d'urgence", text)

    def test_the_api_refuses_bad_inputs_with_problem_details(self):
        self.login(self.coordinator)
        for query, status in (
            ({"format": "pdf"}, 422),
            ({"format": "csv", "sheet": "people"}, 422),
            ({"format": "json", "sheet": "services"}, 422),
            ({"format": "geojson"}, 409),
        ):
            response = self.client.get(API_EXPORT, query)
            self.assertEqual(response.status_code, status, query)
            self.assertEqual(response["Content-Type"], "application/problem+json")
            self.assertTrue(response.json()["detail"], query)
