import json
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from maillage.api import api

SNAPSHOT = Path(settings.BASE_DIR) / "openapi.json"


class OpenAPITests(TestCase):
    def test_the_committed_snapshot_matches_the_api(self):
        current = json.loads(json.dumps(api.get_openapi_schema()))
        committed = json.loads(SNAPSHOT.read_text())
        self.assertEqual(
            current, committed, "The API changed: run `make openapi` and commit it."
        )

    def test_it_serves_the_document_and_the_docs_without_a_cdn(self):
        document = self.client.get("/api/v1/openapi.json")
        self.assertEqual(document.status_code, 200)
        self.assertEqual(document.json()["info"]["title"], "Maillage API")
        docs = self.client.get("/api/v1/docs")
        self.assertContains(docs, "/static/ninja/swagger-ui-bundle.js")
        self.assertNotContains(docs, "cdn.jsdelivr.net")

    def test_every_operation_has_an_explicit_operation_id(self):
        schema = api.get_openapi_schema()
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                with self.subTest(path=path, method=method):
                    # ninja's generated ids start with the module path.
                    self.assertFalse(
                        operation["operationId"].startswith(
                            ("territory_api", "taxonomy_api")
                        )
                    )


class ProblemDetailTests(TestCase):
    def assert_problem(self, response, status: int) -> dict[str, object]:
        self.assertEqual(response.status_code, status)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        body = response.json()
        self.assertEqual(body["status"], status)
        self.assertEqual(body["type"], "about:blank")
        self.assertTrue(body["title"])
        self.assertTrue(body["detail"])
        return body

    def test_an_unknown_commune_is_a_404_problem_naming_the_code(self):
        body = self.assert_problem(
            self.client.get("/api/v1/territory/communes/99999"), 404
        )
        self.assertIn("99999", str(body["detail"]))

    def test_a_malformed_query_is_a_422_problem_listing_the_errors(self):
        body = self.assert_problem(
            self.client.get("/api/v1/taxonomy/themes?lang=xx"), 422
        )
        self.assertIn("lang", json.dumps(body["errors"]))
