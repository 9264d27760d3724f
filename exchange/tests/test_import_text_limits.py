"""Imported text is checked as the forms check it: a row with a text too long or
a control character is refused with the column named, and nothing is written;
the longest texts allowed export and import back unchanged."""

import io
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter

from exchange.exports import SHEETS, export_scope, export_to_path, table, write_xlsx
from exchange.imports import ImportReport, import_file
from exchange.tests.base import ImportTestCase, csv_bytes
from lib.text import DESCRIPTION_MAX_LENGTH, NOTE_MAX_LENGTH
from register.models import Organisation, Service
from register.tests.factories import make_organisation, make_service
from register.tests.test_text_limits import longest

HEADER = ["name", "level", "sector", "actor_type", "description"]
ORGANISATION = ["Croix-Rouge Namur", "municipal", "non-profit", "association"]


def raw_xlsx(rows: list[list[str]], sheet: str = "organisations") -> bytes:
    """A workbook whose cells hold the text as given, control characters included
    (XlsxWriter writes them as _x0000_ escapes, which spreadsheets read back)."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as workbook:
        worksheet = workbook.add_worksheet(sheet)
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                worksheet.write_string(number, column, value)
    return buffer.getvalue()


class TextLimitImportTests(ImportTestCase):
    def run_import(self, data: bytes, file_name: str, kind: str = "") -> ImportReport:
        return import_file(
            io.BytesIO(data),
            file_name=file_name,
            user=self.coordinator,
            kind=kind,
            dry_run=False,
        )

    def rejected(self, report: ImportReport) -> list[tuple[int, list[str]]]:
        self.assertFalse(report.problems, report.as_text())
        self.assertFalse(report.applied)
        return [
            (row.line, row.messages)
            for sheet in report.sheets
            for row in sheet.rows
            if row.status == "rejected"
        ]

    def assert_nothing_written(self, before: dict[str, int]) -> None:
        self.assertEqual(self.counts(), before)

    def counts(self) -> dict[str, int]:
        return {
            "organisations": Organisation.objects.count(),
            "services": Service.objects.count(),
        }

    def test_a_row_with_a_nul_or_a_description_too_long_is_refused(self):
        before = self.counts()
        rows: list[list[Any]] = [
            HEADER,
            [*ORGANISATION, "Aide alimentaire."],
            ["Caritas\x00 Namur", "municipal", "non-profit", "association", ""],
            [
                "Médecins du Monde",
                "municipal",
                "non-profit",
                "association",
                "x" * (DESCRIPTION_MAX_LENGTH + 1),
            ],
        ]
        for name, data in (
            ("organisations.csv", csv_bytes(rows)),
            ("organisations.xlsx", raw_xlsx(rows)),
        ):
            with self.subTest(file=name):
                report = self.run_import(data, name, "organisations")
                self.assertEqual(
                    self.rejected(report),
                    [
                        (
                            3,
                            [
                                "nom : Ce texte contient un caractère de contrôle "
                                "(U+0000) à la position 8 : retirez-le."
                            ],
                        ),
                        (
                            4,
                            [
                                "description : Assurez-vous que cette valeur "
                                "comporte au plus 5000 caractères (actuellement "
                                "5001)."
                            ],
                        ),
                    ],
                )
                self.assert_nothing_written(before)

    def test_a_cell_longer_than_the_csv_module_allows_refuses_its_row_only(self):
        before = self.counts()
        rows = [HEADER, [*ORGANISATION, "x" * 200_000]]
        report = self.run_import(csv_bytes(rows), "organisations.csv")
        ((line, messages),) = self.rejected(report)
        self.assertEqual(line, 2)
        self.assertIn("(actuellement 200000)", messages[0])
        self.assert_nothing_written(before)

    def test_a_stray_nul_after_a_byte_order_mark_is_named_in_its_row(self):
        rows = [HEADER, [*ORGANISATION, "Aide\x00"]]
        data = b"\xef\xbb\xbf" + csv_bytes(rows)
        report = self.run_import(data, "organisations.csv")
        self.assertEqual(
            self.rejected(report),
            [
                (
                    2,
                    [
                        "description : Ce texte contient un caractère de contrôle "
                        "(U+0000) à la position 5 : retirez-le."
                    ],
                )
            ],
        )

    def test_service_texts_are_checked_too(self):
        before = self.counts()
        rows = [
            ["organisation", "title", "theme", "eligibility", "opening_hours"],
            ["CPAS de Liège", "Colis", "basic-needs", "y" * (NOTE_MAX_LENGTH + 1), ""],
            ["CPAS de Liège", "Repas", "basic-needs", "", "Lundi\x0b9 h"],
        ]
        report = self.run_import(csv_bytes(rows), "services.csv", "services")
        rejected = self.rejected(report)
        self.assertEqual([line for line, _messages in rejected], [2, 3])
        self.assertIn("conditions d'accès : Assurez-vous", rejected[0][1][0])
        self.assertEqual(
            rejected[1][1],
            [
                "horaires : Ce texte contient un caractère de contrôle (U+000B) "
                "à la position 6 : retirez-le."
            ],
        )
        self.assert_nothing_written(before)

    def test_a_4w_activity_title_is_checked(self):
        before = self.counts()
        header = ["#org+name", "#org+type", "#sector", "#activity+name"]
        rows = [
            header,
            ["CPAS de Liège", "", "housing", "Accueil\x00"],
            ["CPAS de Liège", "", "housing", "A" * 256],
        ]
        report = self.run_import(csv_bytes(rows), "4w.csv", "4w")
        rejected = self.rejected(report)
        self.assertEqual(
            rejected[0],
            (
                2,
                [
                    "activité : Ce texte contient un caractère de contrôle "
                    "(U+0000) à la position 8 : retirez-le."
                ],
            ),
        )
        self.assertEqual(rejected[1][0], 3)
        self.assertIn("au plus 255 caractères", rejected[1][1][0])
        self.assert_nothing_written(before)


class LongestTextRoundTripTests(ImportTestCase):
    def test_the_longest_texts_export_and_import_back_unchanged(self):
        description = longest(DESCRIPTION_MAX_LENGTH)
        note = longest(NOTE_MAX_LENGTH)
        organisation = make_organisation(
            "Association des plus longs textes",
            by=self.coordinator,
            sector="non-profit",
            actor_type="association",
            level="non-governmental",
            description=description,
        )
        make_service(
            organisation,
            "Permanence",
            by=self.coordinator,
            theme="housing",
            description=description,
            eligibility=note,
            referral_how=note,
            opening_hours=note,
        )
        scope = export_scope(user=None, include_contacts=True)
        xlsx = io.BytesIO()
        write_xlsx(xlsx, (table(name, scope) for name in SHEETS))
        folder = Path(tempfile.mkdtemp(prefix="maillage-longest-"))
        self.addCleanup(shutil.rmtree, folder, True)
        path = folder / "registre.zip"
        export_to_path("csv", scope, str(path))
        with zipfile.ZipFile(path) as archive:
            files = [
                (f"{name}.csv", archive.read(f"{name}.csv"), name)
                for name in ("organisations", "services")
            ]
        files.append(("registre.xlsx", xlsx.getvalue(), ""))
        for name, data, kind in files:
            with self.subTest(file=name):
                report = import_file(
                    io.BytesIO(data),
                    file_name=name,
                    user=self.coordinator,
                    kind=kind,
                    dry_run=False,
                )
                self.assertTrue(report.applied, report.as_text())
                counts = report.counts
                self.assertEqual(counts["updated"], 0, report.as_text(limit=1000))
                self.assertEqual(counts["created"], 0, report.as_text(limit=1000))
                self.assertEqual(counts["rejected"], 0, report.as_text(limit=1000))
        organisation.refresh_from_db()
        self.assertEqual(organisation.description, description)
        service = organisation.services.get()
        self.assertEqual(
            (service.description, service.eligibility, service.opening_hours),
            (description, note, note),
        )
