"""Personal API tokens: created and revoked on the profile page, or printed by
`create_api_token`; the secret is shown once and only its digest is stored."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import api_token_create, token_digest
from accounts.testing import BaseTestCase

PROFILE = reverse("accounts:profile")
CREATE = reverse("accounts:api_token_create")
# An endpoint any signed-in user may call.
API_PROBE = "/api/v1/taxonomy/competences"


def revoke_url(token: ApiToken) -> str:
    return reverse("accounts:api_token_revoke", args=[token.pk])


class TokenPageTests(BaseTestCase):
    def api_status(self, secret: str) -> int:
        self.client.logout()
        response = self.client.get(
            API_PROBE, headers={"authorization": f"Bearer {secret}"}
        )
        return int(response.status_code)

    def test_the_profile_lists_your_own_tokens_only(self):
        mine, _ = api_token_create(user=self.focal_point_a, name="Import CPAS")
        api_token_create(user=self.focal_point_b, name="Secret de Félix")
        self.login(self.focal_point_a)
        response = self.client.get(PROFILE)
        self.assertContains(response, "Jetons d'API")
        self.assertContains(response, "Import CPAS")
        self.assertContains(response, 'href="/api/v1/docs"')
        self.assertContains(response, f"{mine.prefix}…")
        self.assertContains(response, "jamais")
        self.assertContains(response, revoke_url(mine))
        self.assertNotContains(response, "Secret de Félix")

    def test_a_new_token_is_shown_once_and_works(self):
        self.login(self.observer)
        response = self.client.post(CREATE, {"token-name": "Tableau de bord"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store")
        secret = response.context["new_secret"]
        self.assertTrue(secret.startswith("mlg_"))
        self.assertContains(response, secret)
        self.assertContains(response, "il ne sera plus jamais affiché")
        token = ApiToken.objects.get(user=self.observer)
        self.assertEqual(token.name, "Tableau de bord")
        self.assertEqual(token.digest, token_digest(secret))
        self.assertNotIn(secret, str(ApiToken.objects.values().get()))
        self.assertNotContains(self.client.get(PROFILE), secret)
        self.assertEqual(self.api_status(secret), 200)
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)
        self.login(self.observer)
        self.assertNotContains(self.client.get(PROFILE), "jamais")

    def test_a_token_needs_a_name(self):
        self.login(self.observer)
        response = self.client.post(CREATE, {"token-name": "  "})
        self.assertContains(response, 'id="id_token-name"')
        self.assertContains(response, "errorlist")
        self.assertEqual(response.context["new_secret"], "")
        self.assertFalse(ApiToken.objects.exists())

    def test_you_revoke_your_token_and_it_stops_working(self):
        token, secret = api_token_create(user=self.coordinator, name="Vieux script")
        self.login(self.coordinator)
        response = self.client.post(revoke_url(token))
        self.assertRedirects(response, f"{PROFILE}#api-tokens")
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertEqual(self.api_status(secret), 401)
        self.login(self.coordinator)
        page = self.client.get(PROFILE)
        self.assertContains(page, "révoqué le")
        self.assertNotContains(page, revoke_url(token))

    def test_nobody_revokes_someone_elses_token(self):
        token, secret = api_token_create(user=self.focal_point_b, name="Félix")
        for user in (self.focal_point_a, self.admin):
            self.login(user)
            self.assertEqual(self.client.post(revoke_url(token)).status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
        self.assertEqual(self.api_status(secret), 200)

    def test_tokens_change_only_by_post_and_only_when_signed_in(self):
        token, _ = api_token_create(user=self.observer, name="Observatoire")
        self.login(self.observer)
        self.assertEqual(self.client.get(revoke_url(token)).status_code, 405)
        self.assertEqual(self.client.get(CREATE).status_code, 405)
        self.client.logout()
        response = self.client.post(CREATE, {"token-name": "Anonyme"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertEqual(self.client.post(revoke_url(token)).status_code, 302)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
        self.assertEqual(ApiToken.objects.count(), 1)

    def test_the_profile_form_still_saves(self):
        self.login(self.observer)
        response = self.client.post(PROFILE, {"full_name": "Olga O.", "language": "nl"})
        self.assertRedirects(response, PROFILE, fetch_redirect_response=False)
        self.observer.refresh_from_db()
        self.assertEqual(
            (self.observer.full_name, self.observer.language), ("Olga O.", "nl")
        )


class CreateApiTokenCommandTests(BaseTestCase):
    def test_it_prints_a_token_that_signs_the_user_in(self):
        out = StringIO()
        call_command(
            "create_api_token",
            "CHARLES.coord@example.org",
            "--name",
            "cron",
            stdout=out,
        )
        secret = out.getvalue().strip()
        token = ApiToken.objects.get(user=self.coordinator)
        self.assertEqual((token.name, token.digest), ("cron", token_digest(secret)))
        response = self.client.get(
            API_PROBE, headers={"authorization": f"Bearer {secret}"}
        )
        self.assertEqual(response.status_code, 200)

    def test_it_refuses_an_unknown_or_deactivated_account(self):
        with self.assertRaisesMessage(CommandError, "nobody@example.org"):
            call_command("create_api_token", "nobody@example.org", stdout=StringIO())
        self.observer.is_active = False
        self.observer.save()
        with self.assertRaisesMessage(CommandError, "deactivated"):
            call_command("create_api_token", self.observer.email, stdout=StringIO())
        self.assertFalse(ApiToken.objects.exists())
