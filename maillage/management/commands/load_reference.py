from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandParser

from lib import refcache
from taxonomy.services import vocabularies_load
from territory.services import territory_load


class Command(BaseCommand):
    help = (
        "Load the reference data: Belgium's regions, provinces, arrondissements and "
        "communes (Wallonia by default), postal codes, former codes and their "
        "successors, and the vocabularies. Safe to run again: it adds what is "
        "missing, updates the official facts and keeps vocabulary edits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all-belgium",
            action="store_true",
            help="Also load Brussels-Capital and Flanders (565 communes in all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        territory = territory_load(all_belgium=options["all_belgium"])
        vocabularies = vocabularies_load()
        # What was kept from the former reference data (the register's filter
        # choices) is dropped; servers in other processes drop it within minutes.
        cache.clear()
        refcache.forget_all()
        for label, counts in (("Territory", territory), ("Vocabularies", vocabularies)):
            summary = ", ".join(f"{count} {name}" for name, count in counts.items())
            self.stdout.write(f"{label}: {summary}.")
