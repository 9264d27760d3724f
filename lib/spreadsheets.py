"""Writing XLSX workbooks, for every app that hands out a spreadsheet.

A small API over XlsxWriter in its constant-memory mode: each row goes to a
temporary file as it is written, so a sheet of any length takes the memory of
one row. Cells are typed from their Python values (numbers, booleans, dates and
datetimes, text), and text is made safe for a spreadsheet: a leading `=`, `+`,
`-`, `@`, tab or carriage return gets an apostrophe (so that the cell is shown,
not run as a formula) and the control characters XML cannot hold are dropped.

    with XlsxWriter(path) as workbook:
        sheet = workbook.add_sheet("services", header=keys, widths=(12, 30))
        for row in rows:
            sheet.write_row(row)
        sheet.autofilter()

XlsxWriter (BSD-2-Clause) writes several times faster than openpyxl's
write-only mode; see the README's "Exporting the register".
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import IO, Any, Self

from django.utils import timezone
from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold (tab, line feed and carriage return it can).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def neutralise(text: str) -> str:
    """Text a spreadsheet would take for a formula gets a leading apostrophe."""
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def cell_text(text: str) -> str:
    """Neutralised, without the control characters XML (so XLSX) cannot hold."""
    return neutralise(ILLEGAL_CHARACTERS.sub("", text))


class Sheet:
    """One worksheet: a header row, then rows written in order."""

    def __init__(self, workbook: "XlsxWriter", worksheet: Worksheet) -> None:
        self._workbook = workbook
        self._worksheet = worksheet
        self.columns = 0
        # Rows written so far, the header's included.
        self.rows = 0

    def write_header(self, values: Sequence[str], *, bold: bool = True) -> None:
        """A row of text (bold by default)."""
        style = self._workbook.bold if bold else None
        for column, value in enumerate(values):
            self._worksheet.write_string(self.rows, column, cell_text(value), style)
        self.columns = max(self.columns, len(values))
        self.rows += 1

    def write_row(self, values: Iterable[Any]) -> None:
        """A row of typed cells; None and empty text leave the cell empty, any
        other value is written as its text. Datetimes are written in local time
        (a spreadsheet has no time zones)."""
        row = self.rows
        write_string = self._worksheet.write_string
        write_number = self._worksheet.write_number
        column = -1
        for column, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    write_string(row, column, cell_text(value))
            elif value is None:
                continue
            elif kind is int or kind is float:
                write_number(row, column, value)
            elif kind is bool:
                self._worksheet.write_boolean(row, column, value)
            elif kind is datetime.date:
                self._worksheet.write_datetime(row, column, value)
            elif isinstance(value, datetime.datetime):
                if timezone.is_aware(value):
                    value = timezone.localtime(value).replace(tzinfo=None)
                self._worksheet.write_datetime(
                    row, column, value, self._workbook.datetime_style
                )
            else:
                write_string(row, column, cell_text(str(value)))
        self.columns = max(self.columns, column + 1)
        self.rows += 1

    def freeze(self, rows: int = 1, columns: int = 0) -> None:
        """Keep the first rows (and columns) in view while scrolling."""
        self._worksheet.freeze_panes(rows, columns)

    def autofilter(self) -> None:
        """Filter buttons on the first row, over every row written (call it once
        the rows are written)."""
        last_row = max(self.rows - 1, 0)
        self._worksheet.autofilter(0, 0, last_row, max(self.columns - 1, 0))

    def set_widths(self, widths: Sequence[float]) -> None:
        """The width of the first columns, in characters."""
        for column, width in enumerate(widths):
            self._worksheet.set_column(column, column, width)


class XlsxWriter:
    """A workbook written to `output` (a path or a binary file) on `close`."""

    def __init__(self, output: IO[bytes] | str) -> None:
        self._workbook = Workbook(
            output,
            {
                "constant_memory": True,
                # Text stays text: nothing is guessed from its content.
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": DATE_FORMAT,
            },
        )
        self.bold = self._workbook.add_format({"bold": True})
        self.datetime_style = self._workbook.add_format({"num_format": DATETIME_FORMAT})

    def add_sheet(
        self,
        name: str,
        *,
        header: Sequence[str] = (),
        freeze_header: bool = True,
        widths: Sequence[float] = (),
    ) -> Sheet:
        """A new worksheet; with a header, its row in bold, frozen by default."""
        sheet = Sheet(self, self._workbook.add_worksheet(name))
        if header:
            sheet.write_header(header)
            if freeze_header:
                sheet.freeze()
        if widths:
            sheet.set_widths(widths)
        return sheet

    def close(self) -> None:
        self._workbook.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
