"""A request body over UPLOAD_MAX_BYTES (DATA_UPLOAD_MAX_MEMORY_SIZE), which Django
refuses to read: 413, as a problem in the API and as a page elsewhere."""

import json

from django.conf import settings
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.test import Client, override_settings

from accounts.testing import BaseTestCase
from register.models import Organisation

ORGANISATIONS = "/api/v1/register/organisations"
LIMIT = 200


def large_organisation() -> dict[str, str]:
    return {
        "name": "ASBL Accueil",
        "level": "municipal",
        "sector": "public",
        "actor_type": "cpas",
        "description": "x" * (2 * LIMIT),
    }


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT)
class LargeRequestTests(BaseTestCase):
    def assert_too_large_problem(self, response) -> None:
        self.assertEqual(response.status_code, 413, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], 413)
        self.assertEqual(body["title"], "Content Too Large")
        self.assertIn("200", body["detail"])
        self.assertEqual(body["instance"], ORGANISATIONS)

    def test_the_api_answers_a_json_body_over_the_limit_with_a_413_problem(self):
        self.login(self.coordinator)
        # With DEBUG on, ninja answered 500 and the traceback; off, Django 400.
        for debug in (True, False):
            with self.subTest(debug=debug), self.settings(DEBUG=debug):
                response = self.client.post(
                    ORGANISATIONS,
                    json.dumps(large_organisation()),
                    content_type="application/json",
                )
                self.assert_too_large_problem(response)
        self.assertFalse(Organisation.objects.exists())

    def test_the_api_answers_a_form_over_the_limit_with_a_413_problem(self):
        # The session's CSRF check reads a form before the endpoint does.
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.coordinator)
        client.cookies[settings.CSRF_COOKIE_NAME] = "a" * CSRF_SECRET_LENGTH
        response = client.post(ORGANISATIONS, large_organisation())
        self.assert_too_large_problem(response)

    def test_the_api_still_reads_a_body_within_the_limit(self):
        self.login(self.coordinator)
        response = self.client.post(
            ORGANISATIONS, json.dumps({"name": "A"}), content_type="application/json"
        )
        self.assertEqual(response.status_code, 422)

    def test_a_page_answers_a_form_over_the_limit_with_a_413_page(self):
        response = self.client.post(
            "/i18n/setlang/", {"language": "nl", "next": "/" + "x" * (2 * LIMIT)}
        )
        self.assertContains(response, "Envoi trop volumineux", status_code=413)
        self.assertContains(response, "200\xa0octets", status_code=413)
        self.assertTrue(response["Content-Type"].startswith("text/html"))
