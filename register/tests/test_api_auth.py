"""Who gets in: a session or a personal API token; nobody else."""

import json
import re

from django.test.client import Client
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from maillage.api import api
from register.models import Service
from register.tests.api_base import API, LIEGE, ApiTestCase

ORGANISATIONS = f"{API}/organisations"


class TokenAuthTests(ApiTestCase):
    def bearer(self, secret: str) -> dict[str, str]:
        return {"authorization": f"Bearer {secret}"}

    def test_a_valid_token_lets_its_user_in_and_records_its_use(self):
        token, secret = api_token_create(user=self.focal_point_a, name="script")
        self.assertIsNone(token.last_used_at)
        response = self.client.get(ORGANISATIONS, headers=self.bearer(secret))
        self.assertEqual(response.status_code, 200)
        token.refresh_from_db()
        assert token.last_used_at is not None
        self.assertLessEqual(token.last_used_at, timezone.now())

    def test_a_token_writes_with_its_users_rights_and_no_csrf_token(self):
        _, secret = api_token_create(user=self.focal_point_a, name="script")
        client = Client(enforce_csrf_checks=True)
        body = {
            "organisation": self.organisation_a.pk,
            "theme": "health",
            "title": "Consultations",
            "communes": [LIEGE],
        }
        response = client.post(
            f"{API}/services",
            json.dumps(body),
            content_type="application/json",
            headers=self.bearer(secret),
        )
        self.assertEqual(response.status_code, 201, response.content)
        service = Service.objects.get(pk=response.json()["id"])
        self.assertEqual(service.history.get().history_user, self.focal_point_a)
        body["organisation"] = self.organisation_b.pk
        response = client.post(
            f"{API}/services",
            json.dumps(body),
            content_type="application/json",
            headers=self.bearer(secret),
        )
        self.assert_problem(response, 403)

    def test_a_revoked_a_wrong_or_a_deactivated_users_token_is_a_401(self):
        revoked, revoked_secret = api_token_create(user=self.coordinator, name="old")
        api_token_revoke(token=revoked)
        _, inactive_secret = api_token_create(user=self.observer, name="left")
        self.observer.is_active = False
        self.observer.save()
        for secret in (revoked_secret, "mlg_not-a-token", inactive_secret, ""):
            with self.subTest(secret=secret[:8]):
                response = self.client.get(ORGANISATIONS, headers=self.bearer(secret))
                self.assert_problem(response, 401)
        revoked.refresh_from_db()
        self.assertIsNone(revoked.last_used_at)

    def test_a_session_write_needs_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.coordinator)
        response = client.patch(
            f"{ORGANISATIONS}/{self.organisation_a.pk}",
            json.dumps({"version": 1, "acronym": "Forgé"}),
            content_type="application/json",
        )
        self.assert_problem(response, 403)
        self.organisation_a.refresh_from_db()
        self.assertEqual(self.organisation_a.acronym, "CPAS Liège")

    def test_no_credentials_or_a_wrong_token_is_a_401_even_without_csrf(self):
        client = Client(enforce_csrf_checks=True)
        before = self.counts()
        for headers in ({}, self.bearer("mlg_wrong")):
            response = client.post(
                ORGANISATIONS,
                json.dumps({"name": "Intrus"}),
                content_type="application/json",
                headers=headers,
            )
            body = self.assert_problem(response, 401)
            self.assertIn("Bearer", response["WWW-Authenticate"])
            self.assertIn("token", body["detail"])
        self.assertEqual(self.counts(), before)
        self.assertFalse(ApiToken.objects.exclude(last_used_at=None).exists())


class AnonymousTests(ApiTestCase):
    def test_every_register_and_coordination_operation_needs_a_user(self):
        paths = api.get_openapi_schema()["paths"]
        checked = 0
        for path, operations in paths.items():
            if not path.startswith(("/api/v1/register/", "/api/v1/coordination/")):
                continue
            url = re.sub(r"\{[a-z_]+\}", str(self.organisation_a.pk), path)
            for method in operations:
                with self.subTest(method=method, path=path):
                    response = getattr(self.client, method)(
                        url, content_type="application/json"
                    )
                    self.assert_problem(response, 401)
                    checked += 1
        # 5 lists, 5 details, 5 creations, 4 changes, archive, restore, 3 deletions,
        # and the bodies' list, detail, creation and change.
        self.assertEqual(checked, 28)
