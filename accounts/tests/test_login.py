import re

from django.core import mail

from accounts.models import Role, User
from accounts.testing import PASSWORD, BaseTestCase

LOGIN = "/comptes/connexion/"


class LoginTests(BaseTestCase):
    def test_it_logs_in_by_email_whatever_the_case(self):
        response = self.client.post(
            LOGIN, {"username": "Charles.Coord@Example.org", "password": PASSWORD}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.coordinator.pk))

    def test_it_says_clearly_when_the_credentials_are_wrong(self):
        response = self.client.post(
            LOGIN, {"username": self.coordinator.email, "password": "wrong"}
        )
        self.assertContains(response, "Adresse e-mail ou mot de passe incorrect")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_refuses_a_deactivated_account(self):
        self.observer.is_active = False
        self.observer.save(update_fields=["is_active"])
        response = self.client.post(
            LOGIN, {"username": self.observer.email, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_logs_out_with_a_post_only(self):
        self.login(self.coordinator)
        self.assertEqual(self.client.get("/comptes/deconnexion/").status_code, 405)
        response = self.client.post("/comptes/deconnexion/")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_sends_anonymous_visitors_of_private_pages_to_the_login(self):
        response = self.client.get("/comptes/profil/")
        self.assertRedirects(
            response, f"{LOGIN}?next=/comptes/profil/", fetch_redirect_response=False
        )


class ThrottlingTests(BaseTestCase):
    def test_it_locks_the_account_after_five_failures(self):
        for _ in range(5):
            self.client.post(LOGIN, {"username": self.observer.email, "password": "x"})
        # Even the right password is refused during the cool-off.
        response = self.client.post(
            LOGIN, {"username": self.observer.email, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Trop de tentatives", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_locks_the_address_whatever_its_case(self):
        for _ in range(5):
            self.client.post(LOGIN, {"username": self.observer.email, "password": "x"})
        response = self.client.post(
            LOGIN, {"username": self.observer.email.upper(), "password": PASSWORD}
        )
        self.assertContains(response, "Trop de tentatives", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_counts_the_failures_of_every_case_together(self):
        email = self.observer.email
        spellings = [email.upper(), email.title(), f" {email} ", email.capitalize()]
        for spelling in spellings:
            self.client.post(LOGIN, {"username": spelling, "password": "x"})
        # Not yet locked: four failures.
        self.client.post(LOGIN, {"username": email, "password": PASSWORD})
        self.assertIn("_auth_user_id", self.client.session)
        self.client.logout()
        # The success reset the count; five failures in mixed cases lock it.
        for spelling in [*spellings, email]:
            self.client.post(LOGIN, {"username": spelling, "password": "x"})
        response = self.client.post(LOGIN, {"username": email, "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_does_not_lock_other_accounts(self):
        for _ in range(5):
            self.client.post(LOGIN, {"username": self.observer.email, "password": "x"})
        response = self.client.post(
            LOGIN, {"username": self.coordinator.email, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)


class PasswordTests(BaseTestCase):
    def test_it_changes_the_password(self):
        self.login(self.coordinator)
        response = self.client.post(
            "/comptes/mot-de-passe/",
            {
                "old_password": PASSWORD,
                "new_password1": "a-new-long-passphrase-42",
                "new_password2": "a-new-long-passphrase-42",
            },
        )
        self.assertRedirects(response, "/comptes/mot-de-passe/modifie/")
        self.coordinator.refresh_from_db()
        self.assertTrue(self.coordinator.check_password("a-new-long-passphrase-42"))

    def test_it_resets_a_forgotten_password_by_email(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                "/comptes/mot-de-passe/oubli/", {"email": self.observer.email}
            )
        self.assertRedirects(response, "/comptes/mot-de-passe/oubli/envoye/")
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(r"http://testserver(/\S+)", str(mail.outbox[0].body))
        assert link is not None
        response = self.client.get(link[1], follow=True)
        form_url = response.redirect_chain[-1][0]
        response = self.client.post(
            form_url,
            {
                "new_password1": "another-long-passphrase-7",
                "new_password2": "another-long-passphrase-7",
            },
        )
        self.assertRedirects(response, "/comptes/mot-de-passe/nouveau/termine/")
        self.observer.refresh_from_db()
        self.assertTrue(self.observer.check_password("another-long-passphrase-7"))

    def test_it_resets_the_password_of_an_address_in_any_case(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                "/comptes/mot-de-passe/oubli/",
                {"email": f" {self.observer.email.upper()} "},
            )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, [self.observer.email])

    def test_it_sends_nothing_for_an_unknown_address_but_says_the_same(self):
        response = self.client.post(
            "/comptes/mot-de-passe/oubli/", {"email": "nobody@example.org"}
        )
        self.assertRedirects(response, "/comptes/mot-de-passe/oubli/envoye/")
        self.assertEqual(len(mail.outbox), 0)


class ProfileTests(BaseTestCase):
    def test_it_shows_and_updates_the_profile(self):
        self.login(self.focal_point_a)
        self.assertContains(self.client.get("/comptes/profil/"), "Point focal")
        response = self.client.post(
            "/comptes/profil/", {"full_name": "Fanny Focal", "language": "nl"}
        )
        self.assertEqual(response.cookies["django_language"].value, "nl")
        self.focal_point_a.refresh_from_db()
        self.assertEqual(self.focal_point_a.full_name, "Fanny Focal")
        self.assertEqual(self.focal_point_a.language, "nl")

    def test_it_refuses_an_unknown_language(self):
        self.login(self.focal_point_a)
        response = self.client.post(
            "/comptes/profil/", {"full_name": "", "language": "xx"}
        )
        self.assertContains(response, "errorlist")
        self.focal_point_a.refresh_from_db()
        self.assertEqual(self.focal_point_a.language, "")

    def test_it_refuses_control_characters_in_the_name(self):
        self.login(self.focal_point_a)
        response = self.client.post(
            "/comptes/profil/", {"full_name": "Fanny\tFocal", "language": "nl"}
        )
        self.assertContains(
            response,
            "Ce texte contient un caractère de contrôle (U+0009) à la position 6 : "
            "retirez-le.",
        )
        self.focal_point_a.refresh_from_db()
        self.assertEqual(self.focal_point_a.full_name, "")

    def test_it_switches_to_the_preferred_language_at_login(self):
        self.observer.language = "de"
        self.observer.save(update_fields=["language"])
        response = self.client.post(
            LOGIN, {"username": self.observer.email, "password": PASSWORD}
        )
        self.assertEqual(response.cookies["django_language"].value, "de")


class UserModelTests(BaseTestCase):
    def test_it_stores_emails_lower_case(self):
        user = User.objects.create_user("Mixed.Case@Example.ORG", PASSWORD)
        self.assertEqual(user.email, "mixed.case@example.org")
        self.assertEqual(user.role, Role.OBSERVER)

    def test_createsuperuser_makes_an_administrator(self):
        user = User.objects.create_superuser("root@example.org", PASSWORD)
        self.assertEqual(user.role, Role.ADMINISTRATOR)
        self.assertTrue(user.is_staff)
