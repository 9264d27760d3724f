from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territory.geo import CODE_PROPERTIES, BoundaryFileError
from territory.services import commune_boundaries_import

# Lists longer than this are cut in the report.
SHOWN = 12


def _listing(codes: list[str]) -> str:
    shown = ", ".join(codes[:SHOWN])
    return shown + (f", … (+{len(codes) - SHOWN})" if len(codes) > SHOWN else "")


class Command(BaseCommand):
    help = (
        "Import commune boundaries from a GeoJSON FeatureCollection or a TopoJSON "
        "file in WGS84 longitude/latitude, keyed by NIS code. Former codes lead to "
        "today's commune (features of merged communes are joined), invalid "
        "geometries are repaired, features of communes that are not loaded are "
        "ignored. All or nothing: a file that cannot be read changes nothing. "
        "Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The GeoJSON or TopoJSON file.")
        parser.add_argument(
            "--property",
            dest="code_property",
            metavar="NAME",
            help=(
                "The feature property that holds the NIS code (default: the first "
                f"set of {', '.join(CODE_PROPERTIES)})."
            ),
        )
        parser.add_argument(
            "--object",
            dest="object_name",
            metavar="NAME",
            help="The TopoJSON object to read, when the file has several.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = commune_boundaries_import(
                path=options["file"],
                code_property=options["code_property"],
                object_name=options["object_name"],
            )
        except BoundaryFileError as error:
            raise CommandError(f"Nothing imported. {error}") from None

        write = self.stdout.write
        write(self.style.SUCCESS(f"Boundaries imported: {len(report.imported)}."))
        for nis, codes in report.merged.items():
            write(f"Merged into {nis}: {', '.join(codes)}.")
        if report.recoded:
            pairs = [f"{old} → {new}" for old, new in report.recoded.items()]
            write(f"Former codes followed: {len(pairs)} ({_listing(pairs)}).")
        write(
            f"Repaired (invalid geometry made valid): {len(report.repaired)}"
            + (f" ({_listing(report.repaired)})." if report.repaired else ".")
        )
        write(
            f"Unknown codes, ignored (communes not loaded): {len(report.unknown)}"
            + (f" ({_listing(report.unknown)})." if report.unknown else ".")
        )
        missing = report.without_boundary
        message = f"Communes without boundary: {len(missing)}" + (
            f" ({_listing(missing)})." if missing else "."
        )
        write(self.style.WARNING(message) if missing else message)
