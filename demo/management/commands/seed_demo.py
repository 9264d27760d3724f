from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from accounts.services import DEMO_PASSWORD, demo_accounts_create
from demo.ecosystem import (
    DemoSummary,
    ReferenceDataMissing,
    demo_ecosystem_create,
    reference_data_missing,
)


class Command(BaseCommand):
    help = (
        "Create the demonstration data: one account per role and two focal points "
        f"(password '{DEMO_PASSWORD}'), and a plausible ecosystem of real public "
        "bodies and a few fictitious associations, with services, relations, "
        "contacts, assessments and coordination bodies. Every person and figure in "
        "it is fictitious. Run load_reference first. Safe to run again: it only adds "
        "what is missing."
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
        problem = reference_data_missing()
        if problem is not None:
            raise CommandError(
                f"The reference data is not loaded ({problem}): run "
                "`manage.py load_reference` first."
            )
        try:
            with transaction.atomic():
                accounts = demo_accounts_create()
                coordinator = User.objects.get(email="coordinator@example.org")
                admin = User.objects.filter(email="admin@example.org").first()
                summary = demo_ecosystem_create(
                    coordinator=coordinator, history_user=admin
                )
        except ReferenceDataMissing as error:
            raise CommandError(str(error)) from error
        self.write_summary(accounts, summary)

    def write_summary(
        self, accounts: list[tuple[User, bool]], summary: DemoSummary
    ) -> None:
        def state(created: bool) -> str:
            return "created" if created else "already there"

        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for user, created in accounts:
            self.stdout.write(
                f"  {user.email:<28} {user.get_role_display()} ({state(created)})"
            )
        for user, created, organisation in summary.focal_points:
            self.stdout.write(
                f"  {user.email:<28} {user.get_role_display()} — {organisation.name} "
                f"({state(created)})"
            )
        totals = ", ".join(
            f"{count} {label} ({summary.created[label]} new)"
            for label, count in summary.totals.items()
        )
        self.stdout.write(f"Demo ecosystem: {totals}.")
        self.stdout.write(
            "The organisations are real public bodies and associations named by their "
            "public names, except those marked (fictive) or (fictif). Every person, "
            "contact detail, figure, date, relation, assessment and body in the demo "
            "is fictitious."
        )
        self.stdout.write(f"Sign in at {settings.SITE_ROOT}/comptes/connexion/.")
