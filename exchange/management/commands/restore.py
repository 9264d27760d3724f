from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.backup import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restore a file written by `backup`: create the schema when missing, then "
        "insert every row with its original key and copy the media files into "
        "MEDIA_ROOT. The backup must come from the same migration state as this "
        "code. All or nothing: on any error the database is left as it was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to read.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data of a database that is not empty (it is emptied "
            "in the same transaction as the restore).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = database_restore(path=options["path"], force=options["force"])
        except BackupError as error:
            raise CommandError(f"Nothing restored. {error}") from None
        if report.emptied:
            self.stdout.write("The database held data: it was replaced.")
        if options["verbosity"] >= 2:
            for table, rows in report.row_counts.items():
                self.stdout.write(f"  {table}: {rows}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report.path} (made {report.created_at} on "
                f"{report.source_vendor}): {report.tables} tables, {report.rows} "
                f"rows, {report.media_files} media files."
            )
        )
