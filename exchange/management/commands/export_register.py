"""`manage.py export_register`: the whole register to a file, or an import template."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import override

from accounts.models import User
from exchange.columns import SHEETS as TEMPLATE_SHEETS
from exchange.exports import (
    CSV_SHEETS,
    FORMATS,
    STYLES,
    ExportError,
    export_scope,
    export_to_path,
)
from exchange.spreadsheets import write_template


class Command(BaseCommand):
    help = (
        "Export the whole register (every organisation, active or archived, with "
        "its services and relations) as a coordinator would see it. Contacts are "
        "personal data: without --user they are exported only with "
        "--include-contacts; with --user, the export holds what that user may see. "
        "With --template SHEET, write the import template of a sheet instead."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=FORMATS, help="The file format.")
        parser.add_argument("--output", required=True, help="The file to write.")
        parser.add_argument(
            "--sheet",
            choices=CSV_SHEETS,
            help=(
                "csv: write this sheet only (by default every sheet, as a zip of "
                "CSV files); hxl: the sheet to tag (by default the 4W)."
            ),
        )
        parser.add_argument(
            "--style",
            choices=STYLES,
            default="machine",
            help=(
                "xlsx and csv: machine (codes and ids, imports back), readable "
                "(labels and names, in --language) or portable (for another "
                "register: no platform ids, organisations by enterprise number, "
                "external id or name)."
            ),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.STAFF_LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of a readable export.",
        )
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="Export what this user may see (contacts included accordingly).",
        )
        parser.add_argument(
            "--include-contacts",
            action="store_true",
            help="Without --user: include every contact person (personal data).",
        )
        parser.add_argument(
            "--template",
            choices=TEMPLATE_SHEETS,
            metavar="SHEET",
            help="Write the XLSX import template of a sheet: "
            + ", ".join(TEMPLATE_SHEETS),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: str = options["output"]
        if options["template"]:
            write_template(options["template"], output)
            self.stdout.write(f"Template {options['template']!r} written to {output}.")
            return
        fmt: str | None = options["format"]
        if fmt is None:
            raise CommandError("Give --format (or --template SHEET).")
        sheet: str = options["sheet"] or ""
        if sheet and fmt not in {"csv", "hxl"}:
            raise CommandError("--sheet goes with --format csv or hxl only.")
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"]).first()
            if user is None:
                raise CommandError(f"No user has the e-mail {options['user']!r}.")
            if options["include_contacts"]:
                raise CommandError(
                    "--include-contacts goes without --user: with --user, the "
                    "export holds the contacts that user may see."
                )
        scope = export_scope(user=user, include_contacts=options["include_contacts"])
        try:
            with override(options["language"]):
                counts = export_to_path(
                    fmt, scope, output, sheet=sheet, style=options["style"]
                )
        except ExportError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(
            f"Exported to {output}" + (f": {summary}." if summary else ".")
        )
        if scope.contacts is None:
            self.stdout.write(
                "Contacts left out (personal data): add --include-contacts to "
                "export them."
            )
