"""The XLSX writer shared by the apps: typed cells, safe text, frozen header,
autofilter, widths, read back with openpyxl and python-calamine."""

import datetime
import io

from django.test import SimpleTestCase, override_settings
from openpyxl import load_workbook  # type: ignore[import-untyped]
from python_calamine import CalamineWorkbook

from lib.spreadsheets import XlsxWriter, cell_text, neutralise, unguard


def written(build) -> bytes:
    buffer = io.BytesIO()
    with XlsxWriter(buffer) as workbook:
        build(workbook)
    return buffer.getvalue()


@override_settings(TIME_ZONE="Europe/Brussels")
class XlsxWriterTests(SimpleTestCase):
    def test_it_types_each_cell_from_its_value(self):
        def build(workbook):
            sheet = workbook.add_sheet("s", header=("a", "b", "c", "d", "e", "f", "g"))
            sheet.write_row(
                (
                    42,
                    2.5,
                    True,
                    datetime.date(2026, 1, 5),
                    datetime.datetime(2026, 1, 5, 8, 30, tzinfo=datetime.UTC),
                    "texte",
                    None,
                )
            )

        sheet = load_workbook(io.BytesIO(written(build)))["s"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0], ("a", "b", "c", "d", "e", "f", "g"))
        self.assertEqual(
            rows[1],
            (
                42,
                2.5,
                True,
                datetime.datetime(2026, 1, 5),  # noqa: DTZ001 - naive in a sheet
                # In local time: Brussels is an hour ahead of UTC in January.
                datetime.datetime(2026, 1, 5, 9, 30),  # noqa: DTZ001
                "texte",
                None,
            ),
        )
        self.assertEqual(sheet["D2"].number_format, "yyyy-mm-dd")

    def test_text_is_never_a_formula_nor_a_number(self):
        texts = ("=1+1", "+32 4 000 00 00", "@SUM(A1)", "\uff1d1+1", "a;=b", "0042")

        def build(workbook):
            sheet = workbook.add_sheet("s", header=("x",))
            for text in (*texts, "a\x01b"):
                sheet.write_row((text,))

        sheet = load_workbook(io.BytesIO(written(build)))["s"]
        values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        # A string cell is shown, never run: no apostrophe to see before a
        # phone number.
        self.assertEqual(values, [*texts, "ab"])
        for row in sheet.iter_rows():
            for cell in row:
                self.assertEqual(cell.data_type, "s")

    def test_the_workbook_takes_no_string_for_a_formula_a_number_or_a_link(self):
        buffer = io.BytesIO()
        writer = XlsxWriter(buffer)
        worksheet = writer.add_sheet("s")._worksheet
        writer.close()
        self.assertFalse(worksheet.strings_to_formulas)
        self.assertFalse(worksheet.strings_to_numbers)
        self.assertFalse(worksheet.strings_to_urls)

    def test_it_freezes_the_header_and_filters_every_row(self):
        def build(workbook):
            sheet = workbook.add_sheet("s", header=("a", "b", "c"), widths=(20, 8))
            for n in range(5):
                sheet.write_row((n, str(n)))
            sheet.autofilter()

        sheet = load_workbook(io.BytesIO(written(build)))["s"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:C6")
        self.assertTrue(sheet["A1"].font.b)
        self.assertEqual(sheet.column_dimensions["A"].width, 20.7109375)

    def test_an_empty_sheet_keeps_its_header(self):
        def build(workbook):
            workbook.add_sheet("vide", header=("id", "name")).autofilter()
            workbook.add_sheet("autre", header=("id",))

        book = CalamineWorkbook.from_filelike(io.BytesIO(written(build)))
        self.assertEqual(book.sheet_names, ["vide", "autre"])
        self.assertEqual(book.get_sheet_by_name("vide").to_python(), [["id", "name"]])

    def test_text_helpers(self):
        self.assertEqual(neutralise("-2+3"), "'-2+3")
        self.assertEqual(neutralise("2-3"), "2-3")
        self.assertEqual(cell_text("\tx\x0b"), "\tx")


class FormulaGuardTests(SimpleTestCase):
    def test_csv_cells_get_an_apostrophe_before_a_formula_as_owasp_advises(self):
        cases = {
            "+32 4 123 45 67": "'+32 4 123 45 67",
            "=1+1": "'=1+1",
            "-2+3": "'-2+3",
            "@SUM(A1)": "'@SUM(A1)",
            "\tx": "'\tx",
            "\rx": "'\rx",
            # After leading spaces.
            " =cmd": "' =cmd",
            "  +1": "'  +1",
            # Full-width signs, which Excel reads as the others.
            "\uff1d1+1": "'\uff1d1+1",
            "\uff0b32": "'\uff0b32",
            "\uff0d1": "'\uff0d1",
            "\uff20SUM(A1)": "'\uff20SUM(A1)",
            # After a separator, where Excel splitting at ";" (or a reader
            # splitting at "," unquoted) would start a new cell.
            "a;=b": "a;'=b",
            "a; =b": "a;' =b",
            "a,@b": "a,'@b",
            "+32 4 123 45 67;+32 2 123 45 67": "'+32 4 123 45 67;'+32 2 123 45 67",
            # Already guarded text keeps its apostrophe and gets one more.
            "'=x": "''=x",
            "a;'=b": "a;''=b",
            # Nothing to run.
            "2-3": "2-3",
            "'t Hof": "'t Hof",
            "a; b": "a; b",
            "Rue de la Loi 16, 1000 Bruxelles": "Rue de la Loi 16, 1000 Bruxelles",
            "x=1": "x=1",
            "": "",
        }
        self.assertEqual({text: neutralise(text) for text in cases}, cases)

    def test_xlsx_text_gets_an_apostrophe_only_where_the_reader_takes_one_off(self):
        cases = {
            "+32 4 123 45 67": "+32 4 123 45 67",
            "=1+1": "=1+1",
            " =cmd": " =cmd",
            "\uff1d1+1": "\uff1d1+1",
            "a;=b": "a;=b",
            "'t Hof": "'t Hof",
            "'=x": "''=x",
            "a;'=b": "a;''=b",
        }
        self.assertEqual({text: cell_text(text) for text in cases}, cases)

    def test_reading_takes_off_the_apostrophes_the_writers_put(self):
        texts = (
            "+32 4 123 45 67",
            "=1+1",
            " =cmd",
            "\uff1d1+1",
            "a;=b",
            "a, -b; +c",
            "=;=",
            "'=x",
            "''+x",
            "a;'=b",
            "'t Hof",
            "2-3",
            "",
        )
        for text in texts:
            with self.subTest(text=text):
                self.assertEqual(unguard(neutralise(text)), text)
                self.assertEqual(unguard(cell_text(text)), text)
        # The exports written before put an apostrophe in XLSX too.
        self.assertEqual(unguard("'+32 4 000 00 00"), "+32 4 000 00 00")
