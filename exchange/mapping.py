"""Which file column is which field: template keys, HXL hashtags and header names
in French, Dutch, German or English, accent-, case- and space-insensitive; the
user maps what is left (`overrides`: header → key, "" to ignore a column)."""

import re
from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field

from exchange.columns import COLUMNS, Column, columns_for
from register.search import normalise

HASHTAG = re.compile(r"^\s*#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*\s*$", re.I)

type HxlSpec = tuple[str, frozenset[str]]


def header_key(text: str) -> str:
    """'Numéro d’entreprise ' → 'numerodentreprise'."""
    return "".join(normalise(str(text)).split())


def parse_hxl(text: str) -> HxlSpec | None:
    if not HASHTAG.match(text or ""):
        return None
    parts = [part.strip().lower() for part in text.strip().lstrip("#").split("+")]
    return parts[0], frozenset(parts[1:])


def is_hxl_row(cells: list[str]) -> bool:
    """A row of hashtags: every non-empty cell is one, and there is at least one."""
    filled = [cell for cell in cells if cell.strip()]
    return bool(filled) and all(parse_hxl(cell) for cell in filled)


# The short headers the pages show (a filter's « Niveau », a form's « Langues
# parlées »), in every interface language, for the columns of every sheet.
SHORT_HEADERS = {
    "level": ("niveau", "Ebene", "level"),
    "languages": (
        "langues parlées",
        "gesproken talen",
        "gesprochene Sprachen",
        "spoken languages",
        "langues",
        "talen",
        "Sprachen",
        "languages",
    ),
    "actor_type": ("type", "Typ"),
    "area_communes": ("communes", "gemeenten", "Gemeinden", "municipalities"),
}


def _names(sheet: str) -> dict[str, Column]:
    names: dict[str, Column] = {}
    # Keys first, then labels, then short forms: a key never loses to another
    # column's label, nor a label to a short form.
    for column in columns_for(sheet):
        names[header_key(column.key)] = column
    for column in columns_for(sheet):
        for label in column.headers:
            names.setdefault(header_key(label), column)
    for column in columns_for(sheet):
        for label in SHORT_HEADERS.get(column.key, ()):
            names.setdefault(header_key(label), column)
    return names


def match_hxl(sheet: str, text: str) -> Column | None:
    """The column of a hashtag: the same tag and attributes, else the column whose
    attributes are the largest subset of the file's (unique)."""
    spec = parse_hxl(text)
    if spec is None:
        return None
    tag, attributes = spec
    candidates = []
    for column in columns_for(sheet):
        own = parse_hxl(column.hxl)
        assert own is not None  # noqa: S101 - columns.py declares valid hashtags
        if own == spec:
            return column
        if own[0] == tag and own[1] <= attributes:
            candidates.append((len(own[1]), column))
    if not candidates:
        return None
    best = max(size for size, _column in candidates)
    winners = [column for size, column in candidates if size == best]
    return winners[0] if len(winners) == 1 else None


@dataclass
class ColumnMapping:
    """How a table's columns map to a sheet's fields."""

    sheet: str
    headers: list[str]
    columns: dict[int, Column] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    has_hxl_row: bool = False

    @property
    def keys(self) -> set[str]:
        return {column.key for column in self.columns.values()}

    @property
    def missing(self) -> list[Column]:
        keys = self.keys
        return [
            column
            for column in columns_for(self.sheet)
            if column.required and column.key not in keys
        ]


def map_columns(
    sheet: str,
    header: list[str],
    second_row: list[str] | None = None,
    overrides: MappingType[str, str] | None = None,
) -> ColumnMapping:
    """Map a header (and the row below it, when it is a row of hashtags)."""
    names = _names(sheet)
    by_key = {column.key: column for column in columns_for(sheet)}
    wanted = {header_key(name): key for name, key in (overrides or {}).items()}
    hxl = second_row if second_row is not None and is_hxl_row(second_row) else None
    mapping = ColumnMapping(sheet=sheet, headers=list(header), has_hxl_row=bool(hxl))
    seen: dict[str, str] = {}
    for index, text in enumerate(header):
        tag = hxl[index] if hxl is not None and index < len(hxl) else ""
        if not text.strip() and not tag.strip():
            continue
        normalised = header_key(text)
        column: Column | None
        if normalised in wanted or text in (overrides or {}):
            key = wanted.get(normalised, (overrides or {}).get(text, ""))
            column = by_key.get(key)
            if column is None:
                continue  # mapped to nothing: ignored on purpose
        else:
            column = (
                (match_hxl(sheet, tag) if tag else None)
                or match_hxl(sheet, text)
                or names.get(normalised)
            )
        if column is None:
            mapping.unknown.append(text or tag)
            continue
        if column.key in seen:
            mapping.duplicates.append(text or tag)
            continue
        seen[column.key] = text
        mapping.columns[index] = column
    return mapping


def guess_sheet(header: list[str], second_row: list[str] | None = None) -> str:
    """The sheet whose columns the header matches best (organisations on a tie)."""
    scores = {
        sheet: len(map_columns(sheet, header, second_row).columns) for sheet in COLUMNS
    }
    return max(scores, key=lambda sheet: scores[sheet])
