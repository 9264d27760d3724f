from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from accounts.models import Role, User


@override_settings(DEBUG=True)
class SeedDemoTests(TestCase):
    def test_it_creates_one_account_per_role_once(self):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=out)
        self.assertEqual(
            sorted(User.objects.values_list("email", "role")),
            [
                ("admin@example.org", Role.ADMINISTRATOR),
                ("coordinator@example.org", Role.COORDINATOR),
                ("observer@example.org", Role.OBSERVER),
            ],
        )
        self.assertIn("already there", out.getvalue())
        self.assertIn("maillage-demo", out.getvalue())

    def test_it_keeps_a_changed_demo_password(self):
        call_command("seed_demo", stdout=StringIO())
        user = User.objects.get(email="coordinator@example.org")
        user.set_password("a-private-passphrase-9")
        user.save(update_fields=["password"])
        call_command("seed_demo", stdout=StringIO())
        user.refresh_from_db()
        self.assertTrue(user.check_password("a-private-passphrase-9"))

    @override_settings(DEBUG=False)
    def test_it_refuses_to_create_known_passwords_in_production(self):
        with self.assertRaisesMessage(CommandError, "DEBUG is off"):
            call_command("seed_demo", stdout=StringIO())
        self.assertFalse(User.objects.exists())


class LoadReferenceTests(TestCase):
    def test_it_loads_territory_and_vocabularies_and_reports_counts(self):
        out = StringIO()
        call_command("load_reference", stdout=out)
        call_command("load_reference", stdout=out)
        first, second = (
            out.getvalue().strip().split("\n")[:2],
            out.getvalue().strip().split("\n")[2:],
        )
        self.assertEqual(first, second)
        self.assertIn("261 communes", first[0])
        self.assertIn("18 themes", first[1])
