"""Importing relations without ids: a row updates the relation of the same
source, target and type, or creates one; duplicates, archived organisations and
organisations the file creates."""

import io
from typing import Any

from exchange.imports import ImportReport, batch_undo, import_file
from exchange.tests.base import ImportTestCase, csv_bytes, xlsx_bytes
from register import services
from register.models import Relation
from register.tests.factories import make_relation

HEADER = ["source", "target", "type", "formal", "themes"]
CPAS = "CPAS de Liège"


class RelationImportTests(ImportTestCase):
    def run_csv(self, rows: list[list[Any]], *, dry_run: bool = False) -> ImportReport:
        return import_file(
            io.BytesIO(csv_bytes(rows)),
            file_name="relations.csv",
            user=self.coordinator,
            kind="relations",
            dry_run=dry_run,
        )

    def rows(self, report: ImportReport) -> list[tuple[str, list[str]]]:
        return [
            (str(row.status), row.messages)
            for sheet in report.sheets
            for row in sheet.rows
        ]

    def test_it_updates_the_relation_of_the_same_pair_and_type(self) -> None:
        funds = make_relation(
            self.organisation_a, self.organisation_b, type="funds", themes=["health"]
        )
        rows = [
            HEADER,
            [CPAS, "CRVI", "funds", "oui", "housing"],
            [CPAS, "CRVI", "refers-to", "", ""],
            ["CRVI", CPAS, "funds", "", ""],
        ]
        preview = self.run_csv(rows, dry_run=True)
        self.assertEqual(
            [status for status, _messages in self.rows(preview)],
            ["updated", "created", "created"],
        )
        self.assertEqual(Relation.objects.count(), 1)
        report = self.run_csv(rows)
        self.assertTrue(report.applied, report.as_text())
        funds.refresh_from_db()
        self.assertTrue(funds.formal)
        self.assertEqual(list(funds.themes.values_list("code", flat=True)), ["housing"])
        self.assertEqual(Relation.objects.count(), 3)
        again = self.run_csv(rows)
        self.assertEqual(again.counts["unchanged"], 3, again.as_text())
        batch_undo(batch_id=report.batch_id or 0, by=self.coordinator)
        funds.refresh_from_db()
        self.assertFalse(funds.formal)
        self.assertEqual(list(funds.themes.values_list("code", flat=True)), ["health"])
        self.assertEqual(list(Relation.objects.all()), [funds])

    def test_it_rejects_the_same_relation_twice_naming_the_first_line(self) -> None:
        make_relation(self.organisation_a, self.organisation_b, type="funds")
        report = self.run_csv(
            [
                HEADER,
                [CPAS, "CRVI", "funds", "oui", ""],
                [str(self.organisation_a.pk), "CRVI", "funds", "", ""],
                ["CRVI", CPAS, "funds", "", ""],
                ["CRVI", "CPAS Liège", "funds", "", ""],
            ]
        )
        self.assertFalse(report.applied)
        self.assertEqual(
            self.rows(report),
            [
                ("updated", []),
                ("rejected", ["Même relation qu'à la ligne 2."]),
                ("created", []),
                ("rejected", ["Même relation qu'à la ligne 4."]),
            ],
        )

    def test_it_rejects_a_relation_with_an_archived_organisation(self) -> None:
        make_relation(self.organisation_a, self.organisation_b, type="funds")
        services.organisation_archive(
            organisation_id=self.organisation_b.pk, by=self.coordinator
        )
        report = self.run_csv(
            [
                HEADER,
                [CPAS, "CRVI", "funds", "oui", ""],
                [CPAS, "CRVI", "refers-to", "", ""],
            ]
        )
        (first, first_messages), (second, second_messages) = self.rows(report)
        self.assertEqual((first, second), ("rejected", "rejected"))
        self.assertIn("est archivée", first_messages[0])
        self.assertIn("est archivée", second_messages[0])
        self.assertFalse(Relation.objects.get().formal)

    def test_a_workbook_relates_organisations_it_creates(self) -> None:
        def workbook(*relations: list[str]) -> ImportReport:
            data = xlsx_bytes(
                {
                    "organisations": [
                        ["name", "level", "sector", "actor_type"],
                        ["Croix-Rouge", "municipal", "non-profit", "association"],
                    ],
                    "relations": [HEADER, *relations],
                }
            )
            return import_file(
                io.BytesIO(data),
                file_name="r.xlsx",
                user=self.coordinator,
                dry_run=False,
            )

        funds = ["Croix-Rouge", "CRVI", "funds", "", ""]
        refers = [CPAS, "Croix-Rouge", "refers-to", "", ""]
        twice = workbook(funds, funds, refers)
        self.assertEqual(
            self.rows(twice),
            [
                ("created", []),
                ("created", []),
                ("rejected", ["Même relation qu'à la ligne 2."]),
                ("created", []),
            ],
        )
        report = workbook(funds, refers)
        self.assertTrue(report.applied, report.as_text())
        self.assertEqual(
            set(
                Relation.objects.values_list(
                    "source__name", "target__name", "type__code"
                )
            ),
            {
                ("Croix-Rouge", self.organisation_b.name, "funds"),
                (CPAS, "Croix-Rouge", "refers-to"),
            },
        )
