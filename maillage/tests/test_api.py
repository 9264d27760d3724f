import json
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import Client, TestCase, override_settings

from maillage.api import api

PROBLEM = {"schema": {"$ref": "#/components/schemas/ProblemOut"}}


def operations():
    """Every operation of the API's OpenAPI document, with its path."""
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


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

    def test_every_error_answer_is_documented_as_a_problem(self):
        checked = 0
        for name, operation in operations():
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                checked += 1
                with self.subTest(operation=name, status=status):
                    content = response["content"]
                    self.assertEqual(content["application/problem+json"], PROBLEM)
                    self.assertNotEqual(content.get("application/json"), PROBLEM)
                    self.assertTrue(response["description"])
        self.assertGreater(checked, 100)

    def test_it_documents_the_errors_any_endpoint_may_answer(self):
        for name, operation in operations():
            places = {parameter["in"] for parameter in operation.get("parameters", [])}
            body = "requestBody" in operation
            statuses = set(operation["responses"])
            with self.subTest(operation=name):
                if body or places - {"path"}:
                    self.assertIn("422", statuses, "invalid parameters or body")
                if "path" in places:
                    self.assertIn("404", statuses, "a path that names nothing")
                if body:
                    self.assertLessEqual({"400", "413"}, statuses, "unreadable body")
                if operation.get("security"):
                    self.assertIn("401", statuses, "not signed in")

    def test_it_documents_the_public_endpoints_errors_and_an_imports_report(self):
        document = api.get_openapi_schema()["paths"]
        communes = "/api/v1/territory/communes"
        self.assertIn("422", document[communes]["get"]["responses"])
        self.assertIn("404", document[communes + "/{nis}"]["get"]["responses"])
        competences = document["/api/v1/taxonomy/competences"]["get"]["responses"]
        self.assertLessEqual({"401", "422"}, set(competences))
        # A rejected import answers its report; an invalid request, a problem.
        refused = document["/api/v1/exchange/imports"]["post"]["responses"]["422"]
        self.assertEqual(
            refused["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ImportReportOut",
        )
        self.assertEqual(refused["content"]["application/problem+json"], PROBLEM)


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

    def test_an_unexpected_error_is_a_500_problem_logged_with_its_traceback(self):
        client = Client(raise_request_exception=False)
        failing = mock.patch(
            "territory.selectors.provinces_with_counts",
            side_effect=RuntimeError("the secret of the bug"),
        )
        for debug in (False, True):
            with (
                self.subTest(debug=debug),
                override_settings(DEBUG=debug),
                failing,
                self.assertLogs("django.request", "ERROR") as logs,
            ):
                response = client.get("/api/v1/territory/provinces")
                body = self.assert_problem(response, 500)
                self.assertEqual(body["title"], "Internal Server Error")
                self.assertEqual(body["instance"], "/api/v1/territory/provinces")
                self.assertNotIn(b"secret", response.content)
                self.assertNotIn(b"Traceback", response.content)
                [record] = logs.records
                self.assertEqual(getattr(record, "status_code", None), 500)
                assert record.exc_info is not None
                self.assertIsInstance(record.exc_info[1], RuntimeError)

    def test_an_unexpected_error_still_reaches_the_test_client(self):
        with (
            mock.patch(
                "territory.selectors.provinces_with_counts",
                side_effect=RuntimeError("a bug"),
            ),
            self.assertLogs("django.request", "ERROR"),
            self.assertRaisesMessage(RuntimeError, "a bug"),
        ):
            self.client.get("/api/v1/territory/provinces")

    @override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=2)
    def test_a_request_django_refuses_to_read_is_a_400_problem(self):
        with self.assertLogs("django.security.TooManyFieldsSent", "ERROR"):
            response = self.client.get("/api/v1/taxonomy/themes?a=1&b=2&c=3")
        self.assert_problem(response, 400)
