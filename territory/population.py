"""Population figures as a file gives them: one figure per row, a commune (NIS
code, former NIS code, postal code or name), a date, an indicator, a value and
a source, in CSV or XLSX.

`figures_read` reads and checks every row before anything is written; it gives
the rows it understood and a message for each row it did not, so that a file is
written whole or not at all (`territory.services.population_figures_import`).
A file without a date, indicator or source column takes the one given with it.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lib.spreadsheets import ReadError, read_tables
from lib.text import validate_line
from territory.models import (
    POPULATION_FIRST_DATE,
    POPULATION_MAX,
    Commune,
    PopulationFigure,
    search_key,
)
from territory.selectors import CommuneFinder

# A column's heading, as people write it in the four languages (folded by
# search_key): the file's first row names its columns.
HEADINGS = {
    "commune": {
        "commune",
        "nis",
        "code nis",
        "code ins",
        "nis code",
        "niscode",
        "refnis",
        "code postal",
        "postal code",
        "postcode",
        "gemeente",
        "gemeinde",
        "municipality",
    },
    "date": {"date", "datum", "au", "date de reference", "reference date"},
    "indicator": {"indicateur", "indicator", "indikator"},
    "value": {
        "valeur",
        "value",
        "nombre",
        "effectif",
        "waarde",
        "aantal",
        "wert",
        "anzahl",
        "count",
    },
    "source": {"source", "bron", "quelle"},
}
REQUIRED = ("commune", "value")
# Other ways of naming the indicators, besides their codes and their names in
# the interface's languages.
INDICATOR_WORDS = {
    PopulationFigure.Indicator.TEMPORARY_PROTECTION: (
        "protection temporaire",
        "tp",
        "temporary protection",
        "tijdelijke bescherming",
        "vorubergehender schutz",
    ),
    PopulationFigure.Indicator.TOTAL_POPULATION: (
        "population",
        "bevolking",
        "bevolkerung",
        "einwohner",
        "inhabitants",
        "habitants",
    ),
}
SOURCE_MAX_LENGTH = PopulationFigure._meta.get_field("source").max_length or 255
_DIGITS = re.compile(r"[0-9]+")
# "11 024", "11.024", "11’024": thousands written apart.
_GROUPED = re.compile(r"[0-9]{1,3}(?:[ .\u00a0\u202f'’][0-9]{3})+")
_SEPARATORS = re.compile(r"[ .\u00a0\u202f'’]")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]00:00(?::00)?)?")


@dataclass(frozen=True)
class FigureRow:
    """A figure a file gives, understood and checked."""

    line: int
    commune: str
    indicator: str
    date: datetime.date
    value: int
    source: str
    fictitious: bool = False


@dataclass
class FigureFile:
    rows: list[FigureRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def indicator_find(text: str) -> str | None:
    """The indicator a cell names, by its code or its name in a language."""
    wanted = search_key(text)
    if not wanted:
        return None
    for indicator in PopulationFigure.Indicator:
        names = {search_key(indicator.value), *INDICATOR_WORDS.get(indicator, ())}
        for language in ("fr", "nl", "de", "en"):
            with translation.override(language):
                names.add(search_key(str(indicator.label)))
        if wanted in names:
            return str(indicator.value)
    return None


def value_parse(text: str) -> int:
    """A whole number of people, thousands written apart or not."""
    text = text.strip()
    if _DIGITS.fullmatch(text) or _GROUPED.fullmatch(text):
        digits = _SEPARATORS.sub("", text)
        if len(digits) > len(str(POPULATION_MAX)) or int(digits) > POPULATION_MAX:
            raise ValueError(
                _("%(value)s dépasse le plus grand chiffre admis (%(max)s).")
                % {"value": text[:20], "max": f"{POPULATION_MAX:,}".replace(",", " ")}
            )
        return int(digits)
    if text.startswith(("-", "−")):
        raise ValueError(
            _("« %(value)s » est négatif : un nombre de personnes est attendu.")
            % {"value": text[:20]}
        )
    raise ValueError(
        _("« %(value)s » n'est pas un nombre entier de personnes.")
        % {"value": text[:40]}
    )


def date_parse(text: str) -> datetime.date:
    """A date written 2023-12-31, 31/12/2023, 31.12.2023 or 31-12-2023, from
    POPULATION_FIRST_DATE to today."""
    text = text.strip()
    day_first = _DAY_FIRST.fullmatch(text)
    iso = _ISO.fullmatch(text)
    try:
        if iso:
            date = datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif day_first:
            date = datetime.date(
                int(day_first[3]), int(day_first[2]), int(day_first[1])
            )
        else:
            raise ValueError
    except ValueError:
        raise ValueError(
            _("« %(value)s » n'est pas une date (écrivez-la 31/12/2023 ou 2023-12-31).")
            % {"value": text[:40]}
        ) from None
    date_check(date)
    return date


def date_check(date: datetime.date) -> None:
    """A figure's date: not in the future, not before POPULATION_FIRST_DATE."""
    if date > timezone.localdate():
        raise ValueError(
            _(
                "Le %(date)s est dans le futur : un chiffre se rapporte à une "
                "date passée."
            )
            % {"date": date_format(date, "SHORT_DATE_FORMAT")}
        )
    if date < POPULATION_FIRST_DATE:
        raise ValueError(
            _("Le %(date)s est antérieur au %(first)s.")
            % {
                "date": date_format(date, "SHORT_DATE_FORMAT"),
                "first": date_format(POPULATION_FIRST_DATE, "SHORT_DATE_FORMAT"),
            }
        )


def figures_read(
    stream: BinaryIO,
    file_name: str,
    *,
    indicator: str = "",
    date: datetime.date | None = None,
    source: str = "",
) -> FigureFile:
    """The figures of a file's first sheet. Raises ReadError when the file
    cannot be read or lacks a column; a row that cannot be understood is an
    error of the result, with its line."""
    tables = read_tables(stream, file_name)
    if not tables:
        raise ReadError(_("Le fichier est vide."))
    rows = tables[0].rows
    try:
        _line, heading = next(rows)
    except StopIteration:
        raise ReadError(_("Le fichier est vide.")) from None
    columns = _columns(heading)
    needed = [*REQUIRED]
    if not indicator:
        needed.append("indicator")
    if date is None:
        needed.append("date")
    missing = [name for name in needed if name not in columns]
    if missing:
        raise ReadError(_missing_message(missing))
    if date is not None:
        try:
            date_check(date)
        except ValueError as error:
            raise ReadError(str(error)) from None
    result = FigureFile()
    finder = CommuneFinder()
    in_scope = set(
        Commune.objects.in_scope(settings.TERRITORY_SCOPE).values_list("nis", flat=True)
    )
    seen: dict[tuple[str, str, datetime.date], int] = {}
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        row, errors = _row(line, cells, columns, finder, indicator, date, source)
        if row is not None and row.commune not in in_scope:
            errors.append(
                _("la commune %(nis)s n'est pas dans le territoire de la plateforme.")
                % {"nis": row.commune}
            )
            row = None
        if row is not None:
            key = (row.commune, row.indicator, row.date)
            if key in seen:
                errors.append(
                    _(
                        "la ligne %(first)s donne déjà un chiffre pour cette commune, "
                        "cet indicateur et cette date."
                    )
                    % {"first": seen[key]}
                )
            else:
                seen[key] = line
                result.rows.append(row)
        result.errors.extend(
            _("Ligne %(line)s : %(error)s") % {"line": line, "error": error}
            for error in errors
        )
    if not result.rows and not result.errors:
        raise ReadError(_("Le fichier ne donne aucun chiffre."))
    return result


def _columns(heading: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for number, cell in enumerate(heading):
        key = search_key(cell)
        for name, words in HEADINGS.items():
            if key in words and name not in columns:
                columns[name] = number
    return columns


def _missing_message(missing: list[str]) -> str:
    names = {
        "commune": _("commune (code INS, code postal ou nom)"),
        "value": _("valeur"),
        "indicator": _("indicateur"),
        "date": _("date"),
    }
    return _(
        "La première ligne du fichier doit nommer ses colonnes ; il y manque : "
        "%(columns)s. Une date ou un indicateur absent du fichier peut être "
        "donné avec lui."
    ) % {"columns": ", ".join(str(names[name]) for name in missing)}


def _row(
    line: int,
    cells: list[str],
    columns: dict[str, int],
    finder: CommuneFinder,
    indicator: str,
    date: datetime.date | None,
    source: str,
) -> tuple[FigureRow | None, list[str]]:
    def cell(name: str) -> str:
        number = columns.get(name)
        return (
            cells[number].strip() if number is not None and number < len(cells) else ""
        )

    errors: list[str] = []
    commune = value = row_date = row_indicator = None
    text = cell("commune")
    if not text:
        errors.append(_("la commune manque."))
    else:
        try:
            commune = finder.find(text[:100])
        except ValueError as error:
            errors.append(str(error))
    text = cell("value")
    if not text:
        errors.append(_("la valeur manque."))
    else:
        try:
            value = value_parse(text)
        except ValueError as error:
            errors.append(str(error))
    text = cell("date")
    if text:
        try:
            row_date = date_parse(text)
        except ValueError as error:
            errors.append(str(error))
    elif date is not None:
        row_date = date
    else:
        errors.append(_("la date manque."))
    text = cell("indicator")
    if text:
        row_indicator = indicator_find(text)
        if row_indicator is None:
            errors.append(
                _("« %(value)s » n'est pas un indicateur connu (%(known)s).")
                % {
                    "value": text[:60],
                    "known": ", ".join(
                        str(label) for label in PopulationFigure.Indicator.labels
                    ),
                }
            )
    elif indicator:
        row_indicator = indicator
    else:
        errors.append(_("l'indicateur manque."))
    row_source = cell("source") or source
    if len(row_source) > SOURCE_MAX_LENGTH:
        errors.append(
            _("la source dépasse %(max)s caractères.") % {"max": SOURCE_MAX_LENGTH}
        )
    else:
        try:
            validate_line(row_source)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors or None in (commune, value, row_date, row_indicator):
        return None, errors
    assert commune is not None and value is not None  # noqa: S101
    assert row_date is not None and row_indicator is not None  # noqa: S101
    return (
        FigureRow(line, commune, row_indicator, row_date, value, row_source),
        errors,
    )
