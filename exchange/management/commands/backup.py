from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exchange.backup import BackupError, database_backup


class Command(BaseCommand):
    help = (
        "Write every table (history, sessions and reference data included) and the "
        "uploaded files under MEDIA_ROOT to a new zip file that `restore` reads back "
        "into SQLite or PostgreSQL. The database must be fully migrated. The file "
        "appears only once complete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file to create.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = database_backup(path=options["path"])
        except BackupError as error:
            raise CommandError(f"No backup written. {error}") from None
        megabytes = report.bytes / 1_000_000
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {report.path}: {report.tables} tables, "
                f"{report.rows} rows, {report.media_files} media files, "
                f"{megabytes:.1f} MB."
            )
        )
