"""Text that holds a NUL character, in a query, a JSON body or a path, is refused
(422, or 404 for a path) wherever the API reads it, and never reaches the
database: PostgreSQL can neither store nor compare it, and answered 500."""

from register.tests.api_base import API, LIEGE, ApiTestCase

BODIES = "/api/v1/coordination/bodies"


class NulCharacterTests(ApiTestCase):
    def test_it_refuses_a_query_parameter_that_holds_one(self):
        for path, parameter in (
            (f"{API}/services", "theme"),
            (f"{API}/relations", "type"),
            (BODIES, "q"),
            ("/api/v1/territory/communes", "province"),
        ):
            with self.subTest(path=path):
                response = self.call(
                    self.coordinator, "get", f"{path}?{parameter}=a%00"
                )
                self.assert_problem(response, 422, f"query.{parameter}")

    def test_it_refuses_a_body_that_holds_one_and_writes_nothing(self):
        before = self.counts()
        organisation = {
            "name": "ASBL\x00",
            "level": "municipal",
            "sector": "public",
            "actor_type": "cpas",
            "area_communes": [LIEGE, f"{LIEGE}\x00"],
        }
        response = self.call(
            self.coordinator, "post", f"{API}/organisations", organisation
        )
        body = self.assert_problem(response, 422, "body.name", "body.area_communes.1")
        self.assertEqual(len(body["errors"]), 2)
        body_fields = {
            "name": "Plateforme",
            "level": "municipal\x00",
            "formality": "semi_formal",
            "decision_power": "exchanges",
            "frequency": "monthly",
        }
        response = self.call(self.coordinator, "post", BODIES, body_fields)
        self.assert_problem(response, 422, "body.level")
        self.assertEqual(self.counts(), before)

    def test_other_control_characters_are_text_as_before(self):
        response = self.call(
            self.coordinator,
            "patch",
            f"{API}/organisations/{self.organisation_a.pk}",
            {"version": self.organisation_a.version, "description": "Un\n\tdeux"},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["description"], "Un\n\tdeux")

    def test_a_commune_code_is_five_digits(self):
        for nis in ("6%002063", "6206", "liege"):
            with self.subTest(nis=nis):
                response = self.call(None, "get", f"/api/v1/territory/communes/{nis}")
                self.assert_problem(response, 404)
        response = self.call(None, "get", f"/api/v1/territory/communes/{LIEGE}")
        self.assertEqual(response.status_code, 200)
