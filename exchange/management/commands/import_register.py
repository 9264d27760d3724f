"""manage.py import_register FILE: import the register from an XLSX or CSV file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Role, User
from exchange.columns import SHEETS
from exchange.imports import import_file


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """["Nom de la structure=name", "Remarques="] → {header: key}."""
    mapping = {}
    for pair in pairs:
        header, sep, key = pair.partition("=")
        if not sep:
            raise CommandError(f"--map {pair!r}: write HEADER=KEY.")
        mapping[header.strip()] = key.strip()
    return mapping


class Command(BaseCommand):
    help = (
        "Import organisations, contacts, services, relations or a 4W sheet from an "
        "XLSX or CSV file, all or nothing. Prints the report; exits 1 when a row is "
        "rejected (nothing is written then)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kind",
            choices=SHEETS,
            default="",
            help="What the file holds (default: the XLSX sheet names, or guessed "
            "from a CSV's columns).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=KEY",
            help='Map a column, e.g. --map "Nom de la structure=name"; an empty key '
            "ignores the column. Repeatable.",
        )
        parser.add_argument(
            "--user",
            default="",
            help="E-mail of the coordinator or administrator recorded as author "
            "(default: the first active administrator).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        user = self._user(options["user"])
        with path.open("rb") as stream:
            report = import_file(
                stream,
                file_name=path.name,
                user=user,
                kind=options["kind"],
                dry_run=options["dry_run"],
                overrides=parse_mapping(options["map"]),
            )
        self.stdout.write(report.as_text())
        if not report.valid:
            raise CommandError("The file was not imported.", returncode=1)

    def _user(self, email: str) -> User:
        managers = User.objects.filter(
            is_active=True, role__in=[Role.ADMINISTRATOR, Role.COORDINATOR]
        )
        if email:
            user = managers.filter(email__iexact=email).first()
            if user is None:
                raise CommandError(
                    f"{email}: no active coordinator or administrator has this e-mail."
                )
            return user
        user = managers.order_by("role", "pk").first()
        if user is None:
            raise CommandError("Create an administrator first, or pass --user.")
        return user
