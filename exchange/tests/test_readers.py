"""Reading uploaded files: encodings, delimiters, and every kind of bad file."""

import io
import zipfile
from collections.abc import Callable
from functools import partial

import xlsxwriter
from django.test import SimpleTestCase, override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.tests.base import csv_bytes, xlsx_bytes
from lib.spreadsheets import ReadError, read_tables

ROWS = [["nom", "commune"], ["Église de Liège", "Liège"], ["Ça va", "Namur"]]


def _rewrite(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook `data` with its part `name` changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = source.read(member)
            archive.writestr(
                member, change(content) if member.filename == name else content
            )
    return buffer.getvalue()


def _with_prolog(prolog: bytes, xml: bytes) -> bytes:
    return prolog + xml.split(b"?>", 1)[1]


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

    def test_it_reads_a_stray_nul_and_a_long_cell_for_the_import_to_name(self) -> None:
        # Refused by the import, row by row, with the column named (a whole
        # file refused as "not text" or "not CSV" would say neither).
        table = [["nom", "description"], ["Croix-Rouge", "Aide\x00"], ["Caritas", ""]]
        for data in (csv_bytes(table), b"\xef\xbb\xbf" + csv_bytes(table)):
            with self.subTest(data=data[:3]):
                self.assertEqual(rows(data), table)
        long_cell = [["nom", "description"], ["Croix-Rouge", "x" * 200_000]]
        self.assertEqual(rows(csv_bytes(long_cell)), long_cell)

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

    def test_it_refuses_a_tiny_workbook_whose_cells_are_far_apart(self) -> None:
        # A1 and XFD1048576 only: calamine would make a cell for every position
        # between them (hundreds of gigabytes) and abort the process.
        buffer = io.BytesIO()
        with xlsxwriter.Workbook(buffer) as workbook:
            sheet = workbook.add_worksheet("organisations")
            sheet.write("A1", "name")
            sheet.write("XFD1048576", "x")
        self.assertLess(len(buffer.getvalue()), 10_000)
        self.assertRefused(buffer.getvalue(), "f.xlsx", "lignes")

    def test_it_refuses_cells_beyond_the_columns_allowed(self) -> None:
        data = xlsx_bytes({"organisations": [["name"] + [""] * 300 + ["x"]]})
        self.assertRefused(data, "f.xlsx", "au-delà de la colonne 200")

    @override_settings(IMPORT_MAX_ROWS=5)
    def test_it_refuses_more_rows_than_allowed_in_either_format(self) -> None:
        many = [["name"]] + [[f"Organisation {n}"] for n in range(6)]
        self.assertRefused(xlsx_bytes({"organisations": many}), "f.xlsx", "plus de 5")
        self.assertRefused(csv_bytes(many), "f.csv", "plus de 5")
        # Sheets count together.
        three = many[:3]
        self.assertRefused(
            xlsx_bytes({"organisations": three, "services": three}),
            "f.xlsx",
            "plus de 5",
        )
        # Line breaks inside a quoted cell are not rows.
        self.assertEqual(len(rows(csv_bytes([["name"], ["a\nb\nc\nd\ne\nf"]]))), 2)

    def test_it_refuses_xml_that_declares_entities(self) -> None:
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        )
        external = (
            b'<?xml version="1.0"?>'
            b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        )
        buffer = io.BytesIO()
        with xlsxwriter.Workbook(buffer) as workbook:
            sheet = workbook.add_worksheet("organisations")
            sheet.write_row(0, 0, ["name"])
            sheet.write_row(1, 0, ["Croix-Rouge"])
        for part in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
            for prolog in (laughs, external):
                with self.subTest(part=part, prolog=prolog[30:50]):
                    data = _rewrite(
                        buffer.getvalue(), part, partial(_with_prolog, prolog)
                    )
                    self.assertRefused(data, "f.xlsx", "refusé par sécurité")

    def test_it_refuses_a_sheet_whose_xml_is_broken(self) -> None:
        data = _rewrite(
            xlsx_bytes({"organisations": [["name"], ["Croix-Rouge"]]}),
            "xl/worksheets/sheet1.xml",
            lambda xml: xml.replace(b"</sheetData>", b"<row></sheetData>"),
        )
        self.assertRefused(data, "f.xlsx", "n'est pas un classeur XLSX valide")

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
