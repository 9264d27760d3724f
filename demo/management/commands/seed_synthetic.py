import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.synthetic import (
    BATCH_SIZE,
    SyntheticDataError,
    SyntheticSizes,
    synthetic_build,
)
from register.services import ManyInvalid


class Command(BaseCommand):
    help = (
        "Add synthetic organisations, services and relations for benchmarks, fast "
        "(the register's bulk services: its rules, bulk inserts, one transaction). "
        "Names say 'Organisation synthétique'. "
        "Deterministic for a given seed and starting database. 'Wallonia × 10': "
        "--organisations 20000 --services-per-org 5 --relations 100000 "
        "--communes-per-service 2. Run load_reference first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisations", type=int, required=True, help="How many to add."
        )
        parser.add_argument(
            "--services-per-org",
            type=int,
            required=True,
            help="Services of each new organisation.",
        )
        parser.add_argument(
            "--relations",
            type=int,
            required=True,
            help="Relations between the new organisations (or the existing ones, "
            "when --organisations is 0).",
        )
        parser.add_argument(
            "--communes-per-service",
            type=int,
            default=2,
            help="Communes each service serves (default 2).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (default 1)."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows per INSERT (default {BATCH_SIZE}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = SyntheticSizes(
            organisations=options["organisations"],
            services_per_org=options["services_per_org"],
            relations=options["relations"],
            communes_per_service=options["communes_per_service"],
            seed=options["seed"],
        )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        verbose = options["verbosity"] > 1

        def progress(message: str) -> None:
            if verbose:
                sys.stderr.write(message + "\n")

        try:
            counts = synthetic_build(
                sizes, batch_size=options["batch_size"], progress=progress
            )
        except SyntheticDataError as error:
            raise CommandError(str(error)) from error
        except ManyInvalid as error:
            # A generator that breaks the register's rules: nothing was written.
            raise CommandError(
                f"Generated object {error.index} was refused: {error.messages}"
            ) from error
        self.stdout.write(
            f"Added {counts.organisations:,} synthetic organisations "
            f"({counts.area_communes:,} area × commune rows), "
            f"{counts.services:,} services ({counts.service_communes:,} service × "
            f"commune rows, {counts.service_target_groups:,} target-group rows), "
            f"{counts.relations:,} relations ({counts.relation_themes:,} theme rows) "
            f"in {counts.seconds:.1f} s."
        )
