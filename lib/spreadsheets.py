"""Spreadsheets for every app: writing XLSX workbooks, reading uploaded XLSX and
CSV files.

Writing is a small API over XlsxWriter in its constant-memory mode: each row goes
to a temporary file as it is written, so a sheet of any length takes the memory
of one row. Cells are typed from their Python values (numbers, booleans, dates
and datetimes, text). Text is written as it is, typed as a string: a spreadsheet
never runs a string cell as a formula, so "+32 4 123 45 67" or "=1+1" need no
apostrophe there (nothing is written with `write()`, and the workbook is told
not to take strings for formulas, numbers or links anyway). Only the control
characters XML cannot hold are dropped.

    with XlsxWriter(path) as workbook:
        sheet = workbook.add_sheet("services", header=keys, widths=(12, 30))
        for row in rows:
            sheet.write_row(row)
        sheet.autofilter()

XlsxWriter (BSD-2-Clause) writes several times faster than openpyxl's
write-only mode; see the README's "Exporting the register".

A CSV file has no types: a spreadsheet runs any cell that starts with a formula
sign. `neutralise` guards a CSV cell as OWASP advises against CSV injection
(https://owasp.org/www-community/attacks/CSV_Injection): an apostrophe before
a `=`, `+`, `-`, `@`, tab, carriage return or their full-width forms (＝ ＋ －
＠) that starts the cell, after any spaces, and after each `,` or `;` in it,
where a spreadsheet splitting lines at another separator than the file's (Excel
in Belgium splits at `;`, and the csv module quotes only the cells that hold
the file's `,`) would start a new cell. `unguard` takes those apostrophes off
again when a file is read, so that an export imports back exactly.

Reading takes an uploaded file, XLSX (python-calamine) or CSV in any common
encoding and delimiter, row by row. Every refusal is a `ReadError` with a
French message (translated) said before anything is read: wrong extension or
content, a zip bomb, a file over `IMPORT_MAX_BYTES`, more rows than
`IMPORT_MAX_ROWS` or columns than `IMPORT_MAX_COLUMNS`, XML that declares a
document type (entities: "billion laughs", external files), bytes that are not
in the file's encoding, an empty file. A workbook's sheets are scanned for their
real extent before calamine loads one: it makes a cell for every position
between the first and the last, so two cells far apart would ask for hundreds of
gigabytes. Cells come out as text: numbers without a useless ".0", dates as
YYYY-MM-DD.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO, NoReturn, Self
from xml.parsers import expat

from charset_normalizer import from_bytes
from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook
from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

# What a spreadsheet takes for the start of a formula: the signs, tab and carriage
# return (OWASP), and the full-width signs, which Excel reads as the others.
FORMULA_SIGN = r"[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]"
# A formula sign after spaces and after any guards (apostrophes) already there:
# where `neutralise` puts a guard.
FORMULA = re.compile(f"'* *{FORMULA_SIGN}")
FORMULA_AFTER_SEPARATOR = re.compile(f"([,;])(?='* *{FORMULA_SIGN})")
# An apostrophe there already: where `unguard` takes one off, and so where
# `cell_text` puts one more.
GUARDED = re.compile(f"'+ *{FORMULA_SIGN}")
GUARDED_AFTER_SEPARATOR = re.compile(f"([,;])(?='+ *{FORMULA_SIGN})")
UNGUARD_AFTER_SEPARATOR = re.compile(f"([,;])'(?='* *{FORMULA_SIGN})")
GUARDED_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20' ")
# What XML 1.0 cannot hold (tab, line feed and carriage return it can).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def _guard(text: str, start: re.Pattern[str], separator: re.Pattern[str]) -> str:
    # The cheap tests first: most cells start with a letter or a digit and hold
    # no separator.
    if text[:1] in GUARDED_STARTS and start.match(text):
        text = "'" + text
    if "," in text or ";" in text:
        text = separator.sub("\\1'", text)
    return text


def neutralise(text: str) -> str:
    """A CSV cell a spreadsheet will not run: an apostrophe at its start and after
    each `,` or `;` where a formula sign follows, after any spaces (see the
    module's docstring). `unguard` gives the text back."""
    return _guard(text, FORMULA, FORMULA_AFTER_SEPARATOR)


def unguard(text: str) -> str:
    """The text `neutralise` or `cell_text` was given: one apostrophe less where
    they put one. Also reads the exports written before (an apostrophe before
    every text cell that started with a formula sign, XLSX included)."""
    if text[:1] == "'" and GUARDED.match(text):
        text = text[1:]
    if "," in text or ";" in text:
        text = UNGUARD_AFTER_SEPARATOR.sub("\\1", text)
    return text


def cell_text(text: str) -> str:
    """The text of an XLSX string cell: as it is, without the control characters
    XML cannot hold. Text that already has an apostrophe where `unguard` would
    take one off (rare: "'=x") gets one more, so that it reads back as written."""
    if not text.isprintable():
        # Rare (line breaks, control characters): the pattern only then.
        text = ILLEGAL_CHARACTERS.sub("", text)
    return _guard(text, GUARDED, GUARDED_AFTER_SEPARATOR)


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


# Reading uploaded files

CSV_EXTENSIONS = frozenset({".csv", ".tsv", ".txt"})
XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
# An XLSX is a zip of XML that compresses ten to thirty times; a bomb, thousands.
MAX_COMPRESSION_RATIO = 200
MAX_UNCOMPRESSED_FACTOR = 40
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
SNIFF_BYTES = 64 * 1024

type Row = tuple[int, list[str]]


class ReadError(Exception):
    """The file cannot be read: `message` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """One sheet of a workbook, or the one table of a CSV file: (line, cells)."""

    name: str
    rows: Iterator[Row]


def max_bytes() -> int:
    return int(settings.IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(settings.IMPORT_MAX_ROWS)


def max_columns() -> int:
    return int(settings.IMPORT_MAX_COLUMNS)


def _too_many_rows(rows: int) -> ReadError:
    return ReadError(
        _(
            "Le fichier compte plus de %(limit)s lignes (%(rows)s au moins) : "
            "découpez-le en plusieurs fichiers."
        )
        % {
            "limit": number_format(max_rows(), force_grouping=True),
            "rows": number_format(rows, force_grouping=True),
        }
    )


def read_tables(stream: BinaryIO, file_name: str) -> list[Table]:
    """The tables of an uploaded file; raises ReadError when it cannot be read."""
    extension = Path(file_name).suffix.lower()
    if extension not in CSV_EXTENSIONS | XLSX_EXTENSIONS:
        raise ReadError(
            _(
                "Le fichier « %(name)s » n'est ni un classeur XLSX ni un fichier "
                "CSV : enregistrez-le dans l'un de ces formats."
            )
            % {"name": file_name}
        )
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise ReadError(_("Le fichier est vide."))
    if size > max_bytes():
        raise ReadError(
            _(
                "Le fichier pèse %(size)s Mo, au-delà de la limite de %(limit)s Mo : "
                "découpez-le en plusieurs fichiers."
            )
            % {"size": round(size / 1e6, 1), "limit": round(max_bytes() / 1e6, 1)}
        )
    if extension in XLSX_EXTENSIONS:
        return _read_xlsx(stream)
    return [Table(name=Path(file_name).stem, rows=_read_csv(stream.read()))]


# XLSX


def _check_zip(stream: BinaryIO) -> None:
    not_a_workbook = ReadError(
        _(
            "Ce fichier n'est pas un classeur XLSX valide : ouvrez-le dans votre "
            "tableur et enregistrez-le au format Excel (.xlsx)."
        )
    )
    if not zipfile.is_zipfile(stream):
        raise not_a_workbook
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise not_a_workbook
    total = sum(member.file_size for member in members)
    stream.seek(0, io.SEEK_END)
    compressed_total = max(stream.tell(), 1)
    stream.seek(0)
    too_dense = any(
        member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        and member.file_size > 1_000_000
        for member in members
    )
    if too_dense or total > MAX_UNCOMPRESSED_FACTOR * max(
        max_bytes(), compressed_total
    ):
        raise ReadError(
            _(
                "Ce classeur se décompresse en un volume anormal (%(size)s Mo) : "
                "il est refusé par sécurité."
            )
            % {"size": round(total / 1e6)}
        )


def _cell_as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _not_a_workbook() -> ReadError:
    return ReadError(
        _(
            "Ce fichier n'est pas un classeur XLSX valide : ouvrez-le dans votre "
            "tableur et enregistrez-le au format Excel (.xlsx)."
        )
    )


def _read_xlsx(stream: BinaryIO) -> list[Table]:
    _check_zip(stream)
    _check_xml(stream)
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
    except Exception:  # calamine raises its own error types for broken workbooks
        raise _not_a_workbook() from None
    tables = [
        Table(name=name, rows=_xlsx_rows(workbook, name))
        for name in workbook.sheet_names
    ]
    if not tables:
        raise ReadError(_("Le fichier est vide."))
    return tables


def _xlsx_rows(workbook: CalamineWorkbook, name: str) -> Iterator[Row]:
    try:
        sheet = workbook.get_sheet_by_name(name)
    except Exception:  # its XML is read now, and may be broken
        raise _not_a_workbook() from None
    # calamine's rows start at the first used cell; keep the file's line numbers.
    first = sheet.start[0] + 1 if sheet.start else 1
    for offset, cells in enumerate(sheet.iter_rows()):
        texts = [_cell_as_text(cell) for cell in cells]
        if any(texts):
            yield first + offset, texts


class _Refused(Exception):
    """Stops a scan of a workbook's XML: `error` says why."""

    def __init__(self, error: ReadError) -> None:
        self.error = error


CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
XML_CHUNK = 64 * 1024


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _Extent:
    """The rows and columns a worksheet's cells reach, counted as its XML is
    read: cells and rows without a reference follow the one before."""

    def __init__(self, rows_before: int) -> None:
        self.rows_before = rows_before
        self.row = 0
        self.column = 0
        self.rows = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "row":
            self.row = _int(attributes.get("r"), self.row + 1)
            self.column = 0
            self.rows += 1
            if self.row > max_rows() or self.rows_before + self.rows > max_rows():
                raise _Refused(
                    _too_many_rows(max(self.row, self.rows_before + self.rows))
                )
        elif tag == "c":
            reference = CELL_REFERENCE.fullmatch(attributes.get("r", ""))
            if reference:
                self.column = _column_number(reference.group(1))
                row = int(reference.group(2))
                if row > max_rows():
                    raise _Refused(_too_many_rows(row))
            else:
                self.column += 1
            if self.column > max_columns():
                raise _Refused(
                    ReadError(
                        _(
                            "Une feuille du classeur a des cellules au-delà de la "
                            "colonne %(limit)s : supprimez les colonnes en trop."
                        )
                        % {"limit": max_columns()}
                    )
                )


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) <= 7 else default


def _check_xml(stream: BinaryIO) -> None:
    """Read every XML part of the workbook once, with a parser that refuses a
    document type (and so any entity), and count the rows and columns of each
    worksheet before anything is loaded."""
    rows = 0
    try:
        with zipfile.ZipFile(stream) as archive:
            for member in archive.infolist():
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                sheet = member.filename.startswith("xl/worksheets/")
                extent = _Extent(rows) if sheet else None
                _scan(archive, member, extent)
                if extent is not None:
                    rows += extent.rows
    except _Refused as refused:
        raise refused.error from None
    except (zipfile.BadZipFile, OSError, ValueError, expat.ExpatError):
        raise _not_a_workbook() from None
    finally:
        stream.seek(0)


def _scan(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, extent: "_Extent | None"
) -> None:
    """Parse one XML part: to its end for a worksheet's extent, else to its
    first element (a document type can only come before it)."""

    class Done(Exception):
        pass

    def doctype(*_args: object) -> NoReturn:
        raise _Refused(
            ReadError(
                _(
                    "Ce classeur contient des déclarations XML (DOCTYPE, entités) "
                    "qu'un tableur n'écrit pas : il est refusé par sécurité."
                )
            )
        )

    def element(name: str, attributes: dict[str, str]) -> None:
        if extent is None:
            raise Done
        extent.start(name.rpartition(":")[2], attributes)

    parser = expat.ParserCreate(namespace_separator=":")
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ExternalEntityRefHandler = doctype
    parser.StartElementHandler = element
    try:
        with archive.open(member) as part:
            while chunk := part.read(XML_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except Done:
        pass


# CSV


def _not_text() -> ReadError:
    return ReadError(
        _(
            "Ce fichier n'est pas un fichier CSV (texte) : enregistrez votre tableau "
            "au format CSV ou XLSX."
        )
    )


def _line_of(data: bytes, position: int, encoding: str) -> int:
    return data[:position].decode(encoding, errors="ignore").count("\n") + 1


def _stray_nul(data: bytes) -> bool:
    """Text in UTF-8 with a few NUL characters, fewer than its lines (copied
    from another program, say), rather than a binary file or UTF-16, where they
    are everywhere: read, so that the import names the cells that hold them."""
    if data.count(b"\x00") >= data.count(b"\n"):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes) -> str:
    """The text of a CSV file, whatever its encoding; ReadError names the first
    line whose bytes do not belong to it."""
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x7fELF")):
        raise _not_text()
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = ""
    if not encoding:
        if b"\x00" in data[:SNIFF_BYTES] and not _stray_nul(data):
            # UTF-16 without a byte order mark, or a binary file.
            guess = from_bytes(data[:SNIFF_BYTES]).best()
            if guess is None or not guess.encoding.startswith("utf_16"):
                raise _not_text()
            encoding = guess.encoding
        else:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError as error:
                if UTF8_MULTIBYTE.search(data[: error.start]) or UTF8_MULTIBYTE.search(
                    data[error.end :]
                ):
                    raise ReadError(
                        _(
                            "Le fichier mélange plusieurs encodages : la ligne "
                            "%(line)s n'est pas en UTF-8 comme le reste. "
                            "Enregistrez-le à nouveau en UTF-8."
                        )
                        % {"line": _line_of(data, error.start, "utf-8")}
                    ) from None
            guess = from_bytes(data[:SNIFF_BYTES]).best()
            encoding = "cp1252"
            if guess is not None and guess.encoding not in ("ascii", "utf_8"):
                encoding = guess.encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ReadError(
            _(
                "La ligne %(line)s contient des caractères qui ne sont pas dans "
                "l'encodage du fichier (%(encoding)s). Enregistrez-le en UTF-8."
            )
            % {"line": _line_of(data, error.start, encoding), "encoding": encoding}
        ) from None
    if "\x00" in text and not _stray_nul(data):
        raise _not_text()
    return text


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text[:SNIFF_BYTES].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(",;\t", key=first.count)


def _read_csv(data: bytes) -> Iterator[Row]:
    text = decode(data)
    # A cell may be as long as the file: the import says which cell is too long
    # rather than the csv module refusing the whole file past its 128 KiB. Its
    # limit holds for the whole process, and is only ever raised.
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text), 2**31 - 1)))
    if not text.strip():
        raise ReadError(_("Le fichier est vide."))
    delimiter = sniff_delimiter(text)
    if text.count("\n") >= max_rows():
        # Lines are not rows (a quoted cell may hold line breaks): count those.
        rows = sum(
            1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        )
        if rows > max_rows():
            raise _too_many_rows(rows)
    return _csv_rows(text, delimiter)


def _csv_rows(text: str, delimiter: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            texts = [cell.strip() for cell in cells]
            if any(texts):
                yield reader.line_num, texts
    except csv.Error as error:
        raise ReadError(
            _("La ligne %(line)s n'est pas du CSV valide (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None
