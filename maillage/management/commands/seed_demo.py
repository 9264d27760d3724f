from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import DEMO_PASSWORD, demo_accounts_create


class Command(BaseCommand):
    help = (
        "Create the demonstration data: one account per role (password "
        f"'{DEMO_PASSWORD}'). Every person and figure in it is fictitious. Safe to "
        "run again: it only adds what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (the demo accounts have a known password).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: the demo accounts have a public password. "
                "Pass --allow-production to create them anyway."
            )
        accounts = demo_accounts_create()
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for user, created in accounts:
            state = "created" if created else "already there"
            self.stdout.write(f"  {user.email:<28} {user.get_role_display()} ({state})")
        self.stdout.write(
            f"Sign in at {settings.SITE_ROOT}/comptes/connexion/ — all demo people "
            "and figures are fictitious."
        )
