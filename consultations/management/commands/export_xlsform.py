"""`manage.py export_xlsform ID --output PATH [--format xlsx|xform]`."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from consultations.models import Questionnaire
from consultations.xlsform import xform_write, xlsform_write


class Command(BaseCommand):
    help = (
        "Write a questionnaire as an XLSForm workbook (which pyxform, Kobo and "
        "ODK convert) or as its XForm (XML)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("id", help="The questionnaire's id.")
        parser.add_argument("--output", required=True, help="Where to write it.")
        parser.add_argument(
            "--format",
            choices=["xlsx", "xform"],
            default="xlsx",
            help="xlsx (the XLSForm, default) or xform (the XML).",
        )

    def handle(
        self, *args: Any, id: str, output: str, format: str, **options: Any
    ) -> None:
        if not id.isascii() or not id.isdecimal() or len(id) > 18:
            raise CommandError(f"No questionnaire has the id {id!r}.")
        questionnaire = Questionnaire.objects.filter(pk=int(id)).first()
        if questionnaire is None:
            raise CommandError(f"No questionnaire has the id {id}.")
        content = (
            xlsform_write(questionnaire.definition)
            if format == "xlsx"
            else xform_write(questionnaire.definition).encode()
        )
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
        self.stdout.write(
            f"{questionnaire} written to {output} ({len(content)} bytes)."
        )
