"""`manage.py import_xlsform FILE [--dry-run] [--key KEY]`."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from consultations.services import questionnaire_import
from consultations.xlsform import XLSFormError, xlsform_read


class Command(BaseCommand):
    help = (
        "Import an XLSForm (.xlsx, .xls, or pyxform's markdown .md) as a new "
        "questionnaire, or as the next version of the one with the same key. "
        "Prints the new questionnaire's id alone on the last line; exits with 1 "
        "and the reason (an unsupported feature and its row) when it is refused."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The XLSForm to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the form and say what it holds, without importing it.",
        )
        parser.add_argument(
            "--key",
            default="",
            help="The questionnaire's identifier (default: the form's form_id, "
            "or its title); importing under an existing key makes a new version.",
        )

    def handle(
        self, *args: Any, file: str, dry_run: bool, key: str, **options: Any
    ) -> None:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            form = xlsform_read(content, path.name)
        except XLSFormError as error:
            raise CommandError(str(error)) from error
        for warning in form.warnings:
            self.stderr.write(f"Warning: {warning}")
        summary = (
            f"{form.title}: {form.question_count} questions, languages: "
            f"{', '.join(form.languages) or '(one, unnamed)'}."
        )
        if dry_run:
            self.stdout.write(f"{summary} Nothing imported (--dry-run).")
            return
        questionnaire = questionnaire_import(form=form, by=None, key=key)
        self.stdout.write(
            f"{summary} Imported as {questionnaire.key} v{questionnaire.version}."
        )
        self.stdout.write(str(questionnaire.pk))
