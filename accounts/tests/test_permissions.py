from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import Role
from accounts.permissions import RULES, add_rules, can, permission_required
from accounts.testing import BaseTestCase

# The whole table, written out, with the actions the apps add (their access.py):
# a change to RULES must change this test too.
EXPECTED = {
    "internal.view": {
        "admin",
        "coordinator",
        "focal_point_a",
        "focal_point_b",
        "observer",
    },
    "vocabulary.change": {"admin"},
    "user.manage": {"admin"},
    "register.manage": {"admin", "coordinator"},
    "personal_data.view": {"admin", "coordinator"},
    "assessment.view": {"admin", "coordinator", "observer"},
    "tasks.view": {"admin", "coordinator"},
    "register.edit_own": {"focal_point_a", "focal_point_b"},
    "organisation.archive": {"admin", "coordinator"},
    "meetings.view": {"admin", "coordinator", "focal_point_a", "focal_point_b"},
    "meetings.manage": {"admin", "coordinator"},
    "consultations.view": {"admin", "coordinator", "focal_point_a", "focal_point_b"},
    "consultations.manage": {"admin", "coordinator"},
}


class PermissionTests(BaseTestCase):
    def test_it_grants_each_action_to_exactly_the_listed_roles(self):
        self.assertEqual(set(RULES), set(EXPECTED))
        for action, allowed in EXPECTED.items():
            for name, user in self.personas().items():
                with self.subTest(action=action, persona=name):
                    self.assertEqual(can(user, action), name in allowed)

    def test_it_denies_everything_to_anonymous_and_deactivated_users(self):
        self.coordinator.is_active = False
        for action in RULES:
            self.assertFalse(can(AnonymousUser(), action))
            self.assertFalse(can(None, action))
            self.assertFalse(can(self.coordinator, action))

    def test_an_app_cannot_declare_an_action_again_otherwise(self):
        with self.assertRaises(ValueError):
            add_rules({"register.manage": frozenset({Role.OBSERVER})})
        self.assertEqual(
            RULES["register.manage"], frozenset({Role.ADMINISTRATOR, Role.COORDINATOR})
        )

    def test_it_refuses_an_unknown_action(self):
        with self.assertRaises(ValueError):
            can(self.admin, "register.destroy")
        with self.assertRaises(ValueError):
            permission_required("register.destroy")

    def test_the_decorator_redirects_anonymous_users_and_forbids_other_roles(self):
        @permission_required("vocabulary.change")
        def view(request):
            return HttpResponse("ok")

        request = RequestFactory().get("/secret/")
        request.user = AnonymousUser()
        self.assertEqual(view(request).status_code, 302)
        request.user = self.coordinator
        with self.assertRaises(PermissionDenied):
            view(request)
        request.user = self.admin
        self.assertEqual(view(request).status_code, 200)


class AdminSiteTests(BaseTestCase):
    def test_only_administrators_enter_the_admin(self):
        for name, user in self.personas().items():
            with self.subTest(persona=name):
                self.login(user)
                response = self.client.get("/admin/accounts/user/")
                expected = 200 if name == "admin" else 302
                self.assertEqual(response.status_code, expected)
