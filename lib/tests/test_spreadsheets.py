"""The XLSX writer shared by the apps: typed cells, safe text, frozen header,
autofilter, widths, read back with openpyxl and python-calamine."""

import datetime
import io

from django.test import SimpleTestCase, override_settings
from openpyxl import load_workbook  # type: ignore[import-untyped]
from python_calamine import CalamineWorkbook

from lib.spreadsheets import XlsxWriter, cell_text, neutralise


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
        def build(workbook):
            sheet = workbook.add_sheet("s", header=("x",))
            for text in ("=1+1", "+32 4 000 00 00", "@SUM(A1)", "0042", "a\x01b"):
                sheet.write_row((text,))

        sheet = load_workbook(io.BytesIO(written(build)))["s"]
        values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(
            values, ["'=1+1", "'+32 4 000 00 00", "'@SUM(A1)", "0042", "ab"]
        )
        for row in sheet.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f")

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
        self.assertEqual(cell_text("\tx\x0b"), "'\tx")
