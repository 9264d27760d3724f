"""Import templates: one XLSX per sheet of `exchange.columns`, ready to fill in.

The first worksheet is the sheet to fill: a header row of column keys, then the
row of HXL hashtags, with a drop-down list on every vocabulary column fed from a
hidden "listes" worksheet (the values are the codes the import reads). The
"instructions" worksheet says, for each column, its label, whether it is
required and what it accepts.
"""

import tempfile
from collections.abc import Sequence
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter, quote_sheetname  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from exchange.columns import Column, Kind, columns_for
from lib.i18n import current_language
from register.models import SpokenLanguage
from taxonomy.models import Theme

LISTS_SHEET = "listes"
INSTRUCTIONS_SHEET = "instructions"
# Rows of the data sheet that get the drop-down lists.
VALIDATED_ROWS = 5000
FIRST_DATA_ROW = 3
BOOLEAN_VALUES = ("oui", "non")


def vocabulary_values(column: Column) -> list[str]:
    """The codes a vocabulary column accepts, in the vocabulary's order; empty for
    a column without a vocabulary."""
    if column.choices is not None:
        return [str(value) for value in column.choices.values]
    if column.kind == Kind.BOOLEAN:
        return list(BOOLEAN_VALUES)
    if column.kind == Kind.LANGUAGES:
        return [str(value) for value in SpokenLanguage.values]
    if column.vocabulary is None:
        return []
    terms: QuerySet[Theme] = column.vocabulary._default_manager.filter(  # type: ignore[assignment]
        is_active=True
    )
    if column.vocabulary is Theme:
        # A service's theme is a main theme and its sub-theme one of theirs.
        if column.key == "subtheme":
            terms = terms.filter(parent__isnull=False)
        elif column.key == "theme":
            terms = terms.filter(parent__isnull=True)
    return list(terms.order_by("position", "code").values_list("code", flat=True))


def _accepted(column: Column, list_column: str | None) -> str:
    parts = [str(column.help)] if column.help else []
    if list_column is not None:
        parts.append(
            _("Valeurs : liste déroulante (onglet « listes », colonne %(column)s).")
            % {"column": list_column}
        )
    if column.is_multiple:
        parts.append(_("Plusieurs valeurs : séparez-les par des points-virgules."))
    return " ".join(parts)


def _write_lists(
    sheet: Worksheet, columns: Sequence[Column]
) -> dict[str, tuple[str, int]]:
    """One column of codes per vocabulary column; returns, per column key, the
    letter of its list and the number of values."""
    lists: dict[str, tuple[str, int]] = {}
    for column in columns:
        values = vocabulary_values(column)
        if not values:
            continue
        letter = get_column_letter(len(lists) + 1)
        sheet[f"{letter}1"] = column.key
        for row, value in enumerate(values, start=2):
            sheet[f"{letter}{row}"] = value
        lists[column.key] = (letter, len(values))
    return lists


def template_workbook(sheet_name: str) -> Workbook:
    """The import template of a sheet (KeyError for an unknown sheet)."""
    columns = columns_for(sheet_name)
    language = current_language()
    workbook = Workbook()
    data = workbook.active
    assert data is not None  # noqa: S101 - a new workbook has a sheet
    data.title = sheet_name
    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET)
    lists_sheet = workbook.create_sheet(LISTS_SHEET)
    lists_sheet.sheet_state = "hidden"
    lists = _write_lists(lists_sheet, columns)

    bold = Font(bold=True)
    data.append([column.key for column in columns])
    data.append([column.hxl for column in columns])
    for cell in data[1]:
        cell.font = bold
    data.freeze_panes = f"A{FIRST_DATA_ROW}"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = max(12, len(column.key) + 4)
        if column.key not in lists:
            continue
        list_letter, count = lists[column.key]
        validation = DataValidation(
            type="list",
            formula1=(
                f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}$"
                f"{count + 1}"
            ),
            allow_blank=True,
            # Several codes separated by ";" must be allowed in list columns.
            showErrorMessage=not column.is_multiple,
            errorTitle=_("Valeur inconnue"),
            error=_("Choisissez une valeur de la liste."),
        )
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{VALIDATED_ROWS}")
        data.add_data_validation(validation)

    instructions.append(
        [_("Modèle d'import « %(sheet)s » de Maillage") % {"sheet": sheet_name}]
    )
    instructions["A1"].font = Font(bold=True, size=14)
    instructions.append(
        [
            _(
                "Remplissez l'onglet « %(sheet)s » à partir de la ligne 3, sans "
                "modifier les deux premières lignes (les codes des colonnes et leurs "
                "étiquettes HXL). Une ligne qui garde son « id » met à jour l'objet "
                "exporté ; sans « id », elle en crée un nouveau."
            )
            % {"sheet": sheet_name}
        ]
    )
    instructions.append([])
    header = [
        _("Colonne"),
        _("Libellé"),
        _("Obligatoire"),
        _("Valeurs acceptées ou format"),
        _("Étiquette HXL"),
    ]
    instructions.append(header)
    for cell in instructions[instructions.max_row]:
        cell.font = bold
    for column in columns:
        list_column = lists[column.key][0] if column.key in lists else None
        instructions.append(
            [
                column.key,
                column.labels.get(language, column.labels["fr"]),
                _("oui") if column.required else _("non"),
                _accepted(column, list_column),
                column.hxl,
            ]
        )
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (22, 30, 12, 80, 24), strict=True):
        instructions.column_dimensions[letter].width = width
    for row in instructions.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = wrap
    return workbook


def write_template(sheet_name: str, output: IO[bytes] | str) -> None:
    template_workbook(sheet_name).save(output)


def template_file(sheet_name: str) -> IO[bytes]:
    """The template in a temporary file (gone once closed), rewound."""
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller closes
    write_template(sheet_name, output)
    output.seek(0)
    return output
