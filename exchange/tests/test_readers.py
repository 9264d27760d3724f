"""Reading uploaded files: encodings, delimiters, and every kind of bad file."""

import io
import zipfile

from django.test import SimpleTestCase, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.tests.base import csv_bytes, xlsx_bytes
from lib.spreadsheets import ReadError, read_tables

ROWS = [["nom", "commune"], ["Église de Liège", "Liège"], ["Ça va", "Namur"]]


def rows(data: bytes, name: str = "f.csv") -> list[list[str]]:
    tables = read_tables(io.BytesIO(data), name)
    return [cells for table in tables for _line, cells in table.rows]


class ReaderTests(SimpleTestCase):
    def assertRefused(self, data: bytes, name: str, fragment: str) -> None:
        with self.assertRaises(ReadError) as refusal:
            rows(data, name)
        self.assertIn(fragment, refusal.exception.message)

    def test_it_reads_csv_in_common_encodings_and_delimiters(self) -> None:
        for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"):
            for delimiter in (",", ";", "\t"):
                with self.subTest(encoding=encoding, delimiter=delimiter):
                    data = csv_bytes(ROWS, delimiter=delimiter, encoding=encoding)
                    self.assertEqual(rows(data), ROWS)

    def test_it_reads_xlsx_with_numbers_and_dates_as_text(self) -> None:
        import datetime

        data = xlsx_bytes(
            {
                "services": [
                    ["capacity", "start"],
                    [12, datetime.date(2026, 1, 5)],
                    [1.5, None],
                ]
            }
        )
        tables = read_tables(io.BytesIO(data), "f.xlsx")
        self.assertEqual([t.name for t in tables], ["services"])
        self.assertEqual(
            list(tables[0].rows),
            [(1, ["capacity", "start"]), (2, ["12", "2026-01-05"]), (3, ["1.5", ""])],
        )

    def test_it_refuses_a_wrong_extension(self) -> None:
        self.assertRefused(b"a,b", "f.pdf", "ni un classeur XLSX ni un fichier CSV")

    def test_it_refuses_a_pdf_renamed_csv(self) -> None:
        self.assertRefused(b"%PDF-1.4\n...", "f.csv", "n'est pas un fichier CSV")

    def test_it_refuses_binary_content(self) -> None:
        self.assertRefused(
            b"\x00\x01\x02\x03" * 100, "f.csv", "n'est pas un fichier CSV"
        )

    def test_it_refuses_an_xlsx_that_is_not_a_workbook(self) -> None:
        self.assertRefused(b"name,level\n", "f.xlsx", "n'est pas un classeur XLSX")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hi")
        self.assertRefused(buffer.getvalue(), "f.xlsx", "n'est pas un classeur XLSX")

    def test_it_refuses_a_zip_bomb(self) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
        self.assertRefused(buffer.getvalue(), "f.xlsx", "volume anormal")

    @override_settings(IMPORT_MAX_BYTES=100)
    def test_it_refuses_a_file_over_the_limit(self) -> None:
        self.assertRefused(b"a," * 100, "f.csv", "au-delà de la limite")

    def test_it_refuses_an_empty_file(self) -> None:
        self.assertRefused(b"", "f.csv", "Le fichier est vide.")
        self.assertRefused(b"\n\n  \n", "f.csv", "Le fichier est vide.")

    def test_it_names_the_line_of_mixed_encodings(self) -> None:
        data = "nom\nLiège\n".encode() + "Namur\nSchaerbeek é\n".encode("cp1252")
        self.assertRefused(data, "f.csv", "la ligne 4")

    @settings(max_examples=200, deadline=None)
    @given(st.binary(max_size=2000))
    def test_random_bytes_are_read_or_refused_cleanly(self, data: bytes) -> None:
        try:
            for table in read_tables(io.BytesIO(data), "f.csv"):
                for _line, cells in table.rows:
                    self.assertIsInstance(cells, list)
        except ReadError as refusal:
            self.assertTrue(refusal.message)
