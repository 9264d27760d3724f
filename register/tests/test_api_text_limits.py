"""The register API bounds long texts and refuses control characters as the
forms do: a 422 problem naming the field, and nothing written."""

from typing import Any

from lib.text import DESCRIPTION_MAX_LENGTH, NOTE_MAX_LENGTH
from register.tests.api_base import API, ApiTestCase
from register.tests.test_text_limits import longest

NUL_AT_6 = (
    "Ce texte contient un caractère de contrôle (U+0000) à la position 6 : retirez-le."
)


class TextLimitApiTests(ApiTestCase):
    def setUp(self):
        super().setUp()
        self.before = self.counts()
        self.versions_before = self.versions()

    def assert_refused(
        self, response: Any, location: str, message: str | None = None
    ) -> None:
        body = self.assert_problem(response, 422, location)
        if message is not None:
            self.assertIn(
                {"location": location, "message": message}, body["errors"], body
            )
        self.assertEqual(self.counts(), self.before)
        self.assertEqual(self.versions(), self.versions_before)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.call(self.coordinator, "post", f"{API}/{path}", body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.call(
            self.coordinator, "patch", f"{API}/{path}", {"version": 1, **body}
        )

    def new_organisation(self, **fields: Any) -> dict[str, Any]:
        return {
            "name": "CPAS de Huy",
            "level": "municipal",
            "sector": "public",
            "actor_type": "cpas",
            **fields,
        }

    def test_an_organisation_refuses_a_nul_and_a_description_too_long(self):
        self.assert_refused(
            self.post(
                "organisations",
                self.new_organisation(description="x" * (DESCRIPTION_MAX_LENGTH + 1)),
            ),
            "body.description",
            f"String should have at most {DESCRIPTION_MAX_LENGTH} characters",
        )
        self.assert_refused(
            self.post("organisations", self.new_organisation(description="Hello\x00")),
            "body.description",
            NUL_AT_6,
        )
        path = f"organisations/{self.organisation_a.pk}"
        self.assert_refused(
            self.patch(path, {"description": "x" * (DESCRIPTION_MAX_LENGTH + 1)}),
            "body.description",
        )
        self.assert_refused(
            self.patch(path, {"name": "CPAS\nde Liège"}),
            "body.name",
            "Ce champ tient sur une ligne : retirez le saut de ligne à la position 5.",
        )
        self.assert_refused(
            self.patch(path, {"postal_code": "40\x000"}), "body.postal_code"
        )

    def test_a_lone_surrogate_is_refused_not_stored(self):
        self.assert_refused(
            self.post("organisations", self.new_organisation(street="Rue \ud800")),
            "body.street",
        )

    def test_the_longest_description_is_kept_as_sent(self):
        description = longest(DESCRIPTION_MAX_LENGTH)
        response = self.post(
            "organisations", self.new_organisation(description=description)
        )
        self.assertEqual(response.status_code, 201, response.content[:500])
        self.assertEqual(response.json()["description"], description)

    def test_services_contacts_relations_and_assessments_refuse_alike(self):
        service = {
            "organisation": self.organisation_a.pk,
            "theme": "health",
            "title": "Permanence",
        }
        cases: list[tuple[str, str, dict[str, Any], str]] = [
            ("post", "services", {**service, "title": "Perma\x00nence"}, "title"),
            (
                "post",
                "services",
                {**service, "eligibility": "x" * (NOTE_MAX_LENGTH + 1)},
                "eligibility",
            ),
            (
                "patch",
                f"services/{self.service_a.pk}",
                {"opening_hours": "Lundi\x7f"},
                "opening_hours",
            ),
            (
                "patch",
                f"services/{self.service_a.pk}",
                {"referral_how": "x" * (NOTE_MAX_LENGTH + 1)},
                "referral_how",
            ),
            (
                "post",
                "contacts",
                {
                    "organisation": self.organisation_a.pk,
                    "name": "Nina\tFokus",
                    "legal_basis": "consent",
                },
                "name",
            ),
            (
                "patch",
                f"contacts/{self.shared_contact_a.pk}",
                {"function": "Référente\r\nUkraine"},
                "function",
            ),
            (
                "post",
                "relations",
                {
                    "source": self.organisation_a.pk,
                    "target": self.organisation_c.pk,
                    "type": "partners-with",
                    "note": "x" * (NOTE_MAX_LENGTH + 1),
                },
                "note",
            ),
            (
                "patch",
                f"relations/{self.relation_ab.pk}",
                {"source_note": "Enquête\x00"},
                "source_note",
            ),
            (
                "post",
                "assessments",
                {
                    "organisation": self.organisation_a.pk,
                    "influence": 5,
                    "interest": 3,
                    "attitude": "champion",
                    "capacity": 4,
                    "strategy": "empower",
                    "note": "Pilote\x1b",
                },
                "note",
            ),
        ]
        for method, path, body, field in cases:
            with self.subTest(method=method, path=path, field=field):
                send = self.post if method == "post" else self.patch
                self.assert_refused(send(path, body), f"body.{field}")
