from unittest import mock

from django.db import OperationalError
from django.test import TestCase


class HealthCheckTests(TestCase):
    def test_it_answers_200_when_the_database_is_reachable(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok", "database": "up"})

    def test_it_answers_503_when_the_database_is_down(self):
        with mock.patch(
            "maillage.views.connection.cursor",
            side_effect=OperationalError("connection refused"),
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "down")

    def test_it_needs_no_login_and_is_never_cached(self):
        response = self.client.get("/healthz")
        self.assertIn("no-cache", response["Cache-Control"])
