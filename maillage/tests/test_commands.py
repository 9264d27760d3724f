from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from accounts.models import User


class SeedDemoTests(TestCase):
    # The demo itself is tested in demo/tests/test_seed_demo.py.
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
