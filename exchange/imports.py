"""The register import: read a file, say what each row would do, apply it all or
nothing, and undo a whole batch.

`import_file` reads the tables (lib/spreadsheets.py), maps their columns
(exchange/mapping.py), resolves every row against vocabularies, communes and
organisations loaded once per file (`Lookups`), and validates it with the
models' own field validators and the register's rules (the same messages as
register/services.py). A row is created, updated, unchanged or rejected, with
one message per field. Applying writes in one transaction, in bulk, with one
history row per object carrying the import's change reason, and records an
`ImportBatch` that `batch_undo` can reverse.
"""

import contextlib
import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import islice
from typing import Any, BinaryIO, cast

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection, models, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from exchange.columns import Column, Kind, columns_for
from exchange.mapping import ColumnMapping, guess_sheet, map_columns
from exchange.models import ImportBatch
from lib import reasons
from lib.spreadsheets import ReadError, Row, Table, read_tables, unguard
from register.models import (
    Contact,
    Organisation,
    Relation,
    Service,
    ServiceCommune,
    SpokenLanguage,
)
from register.rules import (
    check_active,
    check_dates,
    check_enterprise_number,
    check_enterprise_number_free,
    check_not_own_parent,
    check_not_self_related,
    check_parent_active,
    check_postal_code,
    check_subtheme,
)
from register.search import (
    normalise,
    organisation_search_text,
    service_search_text,
)
from register.services import (
    organisation_reindex,
    register_counts_recount,
    service_communes_align,
)
from register.validators import normalise_enterprise_number
from taxonomy.models import Term, Theme
from taxonomy.selectors import terms_by_id
from territory.selectors import CommuneFinder

CHUNK = 2000
# Plans written per round: their rows, many-to-many rows and history rows.
WRITE_CHUNK = 2000
# Sheets are imported in this order, so that services may name organisations
# created by the same file.
ORDER = ("organisations", "4w", "contacts", "services", "relations")
MODELS: dict[str, type[models.Model]] = {
    "organisations": Organisation,
    "contacts": Contact,
    "services": Service,
    "relations": Relation,
    "4w": Service,
}
TRUE_WORDS = frozenset(
    {"oui", "o", "x", "yes", "y", "ja", "j", "true", "vrai", "wahr", "1"}
)
FALSE_WORDS = frozenset({"non", "n", "no", "nee", "nein", "false", "faux", "0"})
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")
SPLIT = re.compile(r"\s*[;|\n]\s*")


class Status(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


def status_label(status: str) -> str:
    labels = {
        Status.CREATED: _("créée"),
        Status.UPDATED: _("mise à jour"),
        Status.UNCHANGED: _("inchangée"),
        Status.REJECTED: _("rejetée"),
    }
    return str(labels.get(Status(status), status))


@dataclass(slots=True)
class RowResult:
    line: int
    status: Status
    label: str
    messages: list[str] = field(default_factory=list)


@dataclass
class SheetReport:
    sheet: str
    table: str
    mapping: ColumnMapping
    rows: list[RowResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for row in self.rows if row.status == status)


@dataclass
class ImportReport:
    file_name: str
    sheets: list[SheetReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dry_run: bool = True
    applied: bool = False
    batch_id: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(Status, 0)
        for sheet in self.sheets:
            for row in sheet.rows:
                counts[row.status] += 1
        return {str(status): count for status, count in counts.items()}

    @property
    def valid(self) -> bool:
        return not self.problems and self.counts[Status.REJECTED] == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "valid": self.valid,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "batch": self.batch_id,
            "counts": self.counts,
            "problems": self.problems,
            "sheets": [
                {
                    "sheet": sheet.sheet,
                    "table": sheet.table,
                    "columns": {
                        sheet.mapping.headers[index]: column.key
                        for index, column in sheet.mapping.columns.items()
                    },
                    "unknown_columns": sheet.mapping.unknown,
                    "missing_columns": [c.key for c in sheet.mapping.missing],
                    "rows": [
                        {
                            "line": row.line,
                            "status": str(row.status),
                            "label": row.label,
                            "messages": row.messages,
                        }
                        for row in sheet.rows
                    ],
                }
                for sheet in self.sheets
            ],
        }

    def as_text(self, *, limit: int = 200) -> str:
        lines = [
            _("Fichier : %(name)s") % {"name": self.file_name},
            *[f"✗ {problem}" for problem in self.problems],
        ]
        for sheet in self.sheets:
            lines.append(
                _("Onglet « %(table)s » : %(sheet)s")
                % {"table": sheet.table, "sheet": sheet.sheet}
            )
            if sheet.mapping.unknown:
                lines.append(
                    _("  Colonnes ignorées : %(columns)s")
                    % {"columns": ", ".join(sheet.mapping.unknown)}
                )
            shown = 0
            for row in sheet.rows:
                if row.status in (Status.REJECTED,) or len(sheet.rows) <= limit:
                    if shown >= limit:
                        continue
                    shown += 1
                    text = f"  {row.line}: {status_label(row.status)} — {row.label}"
                    lines.append(text + "".join(f"\n      {m}" for m in row.messages))
        counts = self.counts
        lines.append(
            _(
                "Lignes créées : %(created)s ; mises à jour : %(updated)s ; "
                "inchangées : %(unchanged)s ; rejetées : %(rejected)s."
            )
            % counts
        )
        if self.applied:
            lines.append(
                _("Import appliqué (lot n°%(batch)s).") % {"batch": self.batch_id}
            )
        elif not self.valid:
            lines.append(_("Rien n'a été enregistré : corrigez le fichier."))
        else:
            lines.append(_("Simulation : rien n'a été enregistré."))
        return "\n".join(lines)


class RowError(Exception):
    """A row cannot be imported: `messages` say why, field by field."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


# Lookups: everything a row refers to, loaded once per file.


class Lookups:
    def __init__(self) -> None:
        self.terms: dict[type[models.Model], dict[str, int]] = {}
        self.theme_parent = dict(Theme.objects.values_list("pk", "parent_id"))
        self.communes = CommuneFinder()
        self.org_status: dict[int, str] = {}
        self.org_names: dict[int, str] = {}
        self.by_number: dict[str, int] = {}
        self.by_external: dict[str, int] = {}
        by_name: dict[str, list[int]] = defaultdict(list)
        acronyms: dict[str, list[int]] = defaultdict(list)
        for (
            pk,
            name,
            acronym,
            number,
            external,
            status,
        ) in Organisation.objects.values_list(
            "pk", "name", "acronym", "enterprise_number", "external_id", "status"
        ):
            self.org_status[pk] = status
            self.org_names[pk] = name
            if number:
                self.by_number[number] = pk
            if external:
                self.by_external[external] = pk
            by_name[normalise(name)].append(pk)
            if acronym:
                acronyms[normalise(acronym)].append(pk)
        # An acronym names an organisation when no name says otherwise.
        for acronym, pks in acronyms.items():
            by_name.setdefault(acronym, pks)
        self.by_name = dict(by_name)
        # Organisations the file creates, by the same keys.
        self.new_by_number: dict[str, Organisation] = {}
        self.new_by_external: dict[str, Organisation] = {}
        self.new_by_name: dict[str, Organisation] = {}

    def term(self, vocabulary: type[models.Model], text: str) -> int | None:
        if vocabulary not in self.terms:
            index: dict[str, int] = {}
            rows = vocabulary._default_manager.values_list(
                "pk", "code", "name_fr", "name_nl", "name_de", "name_en"
            )
            short: dict[str, set[int]] = defaultdict(set)
            for pk, code, *names in rows:
                for name in names:
                    if name:
                        index.setdefault(normalise(name), pk)
                        for form in short_forms(name):
                            short[form].add(pk)
                index[normalise(code)] = pk
            # Short forms (« associatif », « Non gouvernemental »), when they
            # name one term only and no full name says otherwise.
            for form, pks in short.items():
                if len(pks) == 1:
                    index.setdefault(form, next(iter(pks)))
            self.terms[vocabulary] = index
        return self.terms[vocabulary].get(normalise(text))

    def term_names(self, vocabulary: type[models.Model]) -> list[str]:
        """The vocabulary's terms as a person would write them (the message of
        a value not found lists them)."""
        terms = terms_by_id(cast(type[Term], vocabulary)).values()
        # In the vocabulary's order, themes before their sub-themes.
        ordered = sorted(
            terms,
            key=lambda term: (
                getattr(term, "parent_id", None) is not None,
                term.position,
                term.code,
            ),
        )
        return [term.name for term in ordered]

    def commune(self, text: str) -> str:
        """The NIS code of a commune given by NIS code, postal code or name."""
        return self.communes.find(text)

    def organisation(self, text: str) -> int | Organisation:
        """An organisation by platform id, enterprise number, external id or name."""
        text = text.strip()
        if text.isdigit() and len(text) < 9:
            if int(text) in self.org_status:
                return int(text)
            raise ValueError(
                _("Aucune organisation n'a l'identifiant %(id)s.") % {"id": text}
            )
        number = normalise_enterprise_number(text)
        if len(number) == 10 and (
            number in self.by_number or number in self.new_by_number
        ):
            return self.by_number.get(number) or self.new_by_number[number]
        if text in self.by_external:
            return self.by_external[text]
        if text in self.new_by_external:
            return self.new_by_external[text]
        found = self.by_name.get(normalise(text), [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise ValueError(
                _(
                    "Plusieurs organisations s'appellent « %(name)s » : donnez son "
                    "identifiant ou son numéro d'entreprise."
                )
                % {"name": text}
            )
        if normalise(text) in self.new_by_name:
            return self.new_by_name[normalise(text)]
        raise ValueError(
            _("« %(value)s » n'est pas une organisation connue.") % {"value": text}
        )

    def is_archived(self, ref: int | Organisation) -> bool:
        if isinstance(ref, Organisation):
            return ref.status == Organisation.Status.ARCHIVED
        return self.org_status.get(ref) == Organisation.Status.ARCHIVED

    def org_name(self, ref: int | Organisation) -> str:
        if isinstance(ref, Organisation):
            return ref.name
        return self.org_names.get(ref, str(ref))


def _choice_index(choices: type[models.TextChoices]) -> dict[str, str]:
    index: dict[str, str] = {}
    for language in ("en", "de", "nl", "fr"):
        with translation.override(language):
            for value, label in choices.choices:
                index[normalise(str(label))] = value
    for value in choices.values:
        index[normalise(value)] = value
    return index


def _split(text: str) -> list[str]:
    return [part for part in SPLIT.split(text.strip()) if part]


def parse_cell(column: Column, text: str, lookups: Lookups) -> Any:
    """A cell's value for its column; ValueError with a message when it is not."""
    kind = column.kind
    # The apostrophes the exports put before formula signs ("'+32 4…",
    # "a;'=b") are not part of the value.
    text = unguard(text.strip())
    if kind in (Kind.TEXT, Kind.EMAIL, Kind.URL):
        return text
    if kind == Kind.ID:
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(
                _("« %(value)s » n'est pas un identifiant.") % {"value": text}
            )
        return int(text)
    if kind == Kind.INTEGER:
        if not text:
            return None
        try:
            number = int(float(text.replace(",", ".").replace(" ", "")))
        except ValueError:
            raise ValueError(
                _("« %(value)s » n'est pas un nombre entier.") % {"value": text}
            ) from None
        if number < 0:
            raise ValueError(_("Le nombre ne peut pas être négatif."))
        return number
    if kind == Kind.BOOLEAN:
        word = normalise(text)
        if not word or word in FALSE_WORDS:
            return False
        if word in TRUE_WORDS:
            return True
        raise ValueError(_("« %(value)s » n'est ni oui ni non.") % {"value": text})
    if kind == Kind.DATE:
        if not text:
            return None
        for pattern in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text[:10], pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
        raise ValueError(_("« %(value)s » n'est pas une date.") % {"value": text})
    if kind == Kind.CHOICE:
        if not text:
            return None
        assert column.choices is not None  # noqa: S101
        value = _choice_index(column.choices).get(normalise(text))
        if value is None:
            raise ValueError(
                _("« %(value)s » n'est pas une valeur permise (%(values)s).")
                % {
                    "value": text,
                    "values": _listed([str(label) for label in column.choices.labels]),
                }
            )
        return value
    if kind == Kind.LANGUAGES:
        languages = _choice_index(SpokenLanguage)
        result = []
        for part in _split(text):
            code = languages.get(normalise(part))
            if code is None:
                raise ValueError(
                    _("« %(value)s » n'est pas une langue connue.") % {"value": part}
                )
            if code not in result:
                result.append(code)
        return result
    if kind in (Kind.CODE, Kind.CODES):
        assert column.vocabulary is not None  # noqa: S101
        found = []
        for part in _split(text) if kind == Kind.CODES else [text] if text else []:
            pk = lookups.term(column.vocabulary, part)
            if pk is None:
                raise ValueError(
                    _(
                        "« %(value)s » n'est pas dans la liste « %(vocabulary)s » ; "
                        "valeurs acceptées : %(values)s."
                    )
                    % {
                        "value": part,
                        "vocabulary": column.vocabulary._meta.verbose_name,
                        "values": _listed(lookups.term_names(column.vocabulary)),
                    }
                )
            found.append(pk)
        if kind == Kind.CODE:
            return found[0] if found else None
        return set(found)
    if kind == Kind.COMMUNE:
        return lookups.commune(text) if text else None
    if kind == Kind.COMMUNES:
        return {lookups.commune(part) for part in _split(text)}
    if kind == Kind.ORGANISATION:
        return lookups.organisation(text) if text else None
    if kind == Kind.ORGANISATIONS:
        return [lookups.organisation(part) for part in _split(text)]
    raise AssertionError(kind)


# Plans: what applying a row will write.


@dataclass(slots=True)
class Plan:
    obj: Any
    new: bool
    changed: set[str] = field(default_factory=set)
    # Sets of ids; a list when it holds organisations the file creates.
    m2m: dict[str, Any] = field(default_factory=dict)
    m2m_changed: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class M2M:
    key: str
    attribute: str  # the model's many-to-many field
    history: bool


M2M_FIELDS: dict[type[models.Model], tuple[M2M, ...]] = {
    Organisation: (M2M("area_communes", "area_communes", True),),
    Service: (
        M2M("communes", "communes", False),
        M2M("target_groups", "target_groups", True),
        M2M("funders", "funders", False),
    ),
    Relation: (M2M("themes", "themes", True),),
    Contact: (),
}


def _m2m_names(model: type[models.Model], attribute: str) -> tuple[Any, str, str]:
    """The through model of a many-to-many field and its two column names."""
    m2m_field: Any = model._meta.get_field(attribute)
    return (
        m2m_field.remote_field.through,
        m2m_field.m2m_field_name(),
        m2m_field.m2m_reverse_field_name(),
    )


# Accepted values a message lists before it stops (themes are many).
LISTED = 12


def _listed(values: list[str]) -> str:
    shown = ", ".join(f"« {value} »" for value in values[:LISTED])
    return shown + (" …" if len(values) > LISTED else "")


def short_forms(name: str) -> set[str]:
    """What a person may write for a term's name: without its parenthesis
    (« Non gouvernemental (associations) » → « non gouvernemental »), what the
    parenthesis says (« associations »), and each
    of its longer words (« Secteur associatif (non marchand) » → « associatif »);
    normalised, as the import compares them."""
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()
    forms = {normalise(plain)} if plain and plain != name else set()
    # What the parenthesis says (« Commune (administration communale) »).
    forms |= {normalise(inner) for inner in re.findall(r"\(([^)]*)\)", name)}
    forms |= {word for word in normalise(name).split() if len(word) >= 5}
    return forms


def _field_errors(error: ValidationError, label: str) -> list[str]:
    return [f"{label} : {message}" for message in error.messages]


def _label(column_key: str, model: type[models.Model]) -> str:
    try:
        model_field: Any = model._meta.get_field(column_key)
        return str(model_field.verbose_name)
    except Exception:  # a column that is no model field (4W place codes)
        return column_key


class Importer:
    """One import of one file by one user."""

    def __init__(
        self,
        *,
        user: User,
        file_name: str,
        kind: str = "",
        overrides: Mapping[str, str] | None = None,
    ) -> None:
        self.user = user
        self.file_name = file_name
        self.kind = kind
        self.overrides = overrides or {}
        self.report = ImportReport(file_name=file_name)
        self.plans: dict[type[models.Model], list[Plan]] = defaultdict(list)
        self._lookups: Lookups | None = None
        # Keys seen in the file: (sheet, what, value) → line.
        self.seen: dict[tuple[str, str, Any], int] = {}
        self.four_w_services: dict[tuple[Any, str, int], Plan] = {}
        # Required values missing on the current row, already reported.
        self.missing: set[str] = set()
        # The chunk's relations without id found in the register, by their
        # (source, target, type) ids.
        self.relation_matches: dict[tuple[Any, ...], Relation] = {}

    @property
    def lookups(self) -> Lookups:
        if self._lookups is None:
            self._lookups = Lookups()
        return self._lookups

    # Reading

    def sheets(self, tables: list[Table]) -> list[tuple[str, Table, list[Row]]]:
        """The tables to import with their sheet kind and first rows (header…)."""
        found = []
        for table in tables:
            head = list(islice(table.rows, 2))
            if not head:
                continue
            name = table.name.strip().lower()
            if name in MODELS:
                sheet = name
            elif len(tables) == 1:
                header = head[0][1]
                second = head[1][1] if len(head) > 1 else None
                sheet = self.kind or guess_sheet(header, second)
            else:
                continue  # instructions, lists: not data
            if self.kind and len(tables) == 1:
                sheet = self.kind
            found.append((sheet, table, head))
        if self.kind and len(tables) > 1:
            found = [item for item in found if item[0] == self.kind]
        found.sort(key=lambda item: ORDER.index(item[0]))
        return found

    def run(self, tables: list[Table]) -> ImportReport:
        sheets = self.sheets(tables)
        if not sheets:
            self.report.problems.append(
                _(
                    "Aucun onglet à importer : nommez-les organisations, contacts, "
                    "services, relations ou 4w, ou choisissez le type de données."
                )
            )
        for sheet, table, head in sheets:
            header = head[0][1]
            second = head[1][1] if len(head) > 1 else None
            mapping = map_columns(sheet, header, second, self.overrides)
            report = SheetReport(sheet=sheet, table=table.name, mapping=mapping)
            self.report.sheets.append(report)
            for text in mapping.duplicates:
                self.report.problems.append(
                    _("Onglet « %(table)s » : la colonne « %(column)s » est en double.")
                    % {"table": table.name, "column": text}
                )
            if not mapping.columns:
                self.report.problems.append(
                    _("Onglet « %(table)s » : aucune colonne n'est reconnue.")
                    % {"table": table.name}
                )
            if not mapping.columns or mapping.duplicates:
                continue
            rows: Iterable[Row] = head[1:]
            if mapping.has_hxl_row:
                rows = []
            self._rows(report, _chain(rows, table.rows))
        return self.report

    def _rows(self, report: SheetReport, rows: Iterator[Row]) -> None:
        handler = {
            "organisations": self._organisation,
            "services": self._service,
            "contacts": self._contact,
            "relations": self._relation,
            "4w": self._four_w,
        }[report.sheet]
        mapping = report.mapping
        lookups = self.lookups
        model = MODELS[report.sheet]
        # Organisations are resolved row by row, when the row is handled: a row
        # may name an organisation created by an earlier row of the same chunk.
        deferred = {
            index: column
            for index, column in mapping.columns.items()
            if column.kind in (Kind.ORGANISATION, Kind.ORGANISATIONS)
        }
        eager = {
            index: column
            for index, column in mapping.columns.items()
            if index not in deferred
        }

        def parse(
            cells: list[str],
            columns: dict[int, Column],
            values: dict[str, Any],
            unread: set[str],
        ) -> list[str]:
            errors = []
            for index, column in columns.items():
                text = cells[index] if index < len(cells) else ""
                try:
                    values[column.key] = parse_cell(column, text, lookups)
                except ValueError as error:
                    unread.add(column.key)
                    errors.append(f"{_label(column.key, model)} : {error}")
            return errors

        while True:
            chunk = list(islice(rows, CHUNK))
            if not chunk:
                break
            parsed = []
            unread_cells: list[set[str]] = []
            for line, cells in chunk:
                values: dict[str, Any] = {}
                unread: set[str] = set()
                errors = parse(cells, eager, values, unread)
                parsed.append((line, values, errors))
                unread_cells.append(unread)
            existing = self._load_existing(model, parsed)
            if model is Relation:
                self._match_relations(parsed, chunk, deferred)
            for (line, values, errors), (_line, cells), unread in zip(
                parsed, chunk, unread_cells, strict=True
            ):
                if deferred:
                    errors += parse(cells, deferred, values, unread)
                label = str(
                    values.get("name")
                    or values.get("title")
                    or values.get("activity_title")
                    or ""
                )
                self.missing = set()
                try:
                    if errors:
                        # The row is refused; what else it breaks is said now,
                        # not once its cells are put right.
                        raise RowError(
                            errors + self._other_errors(report.sheet, values, unread)
                        )
                    status = handler(line, values, existing)
                except RowError as refusal:
                    report.rows.append(
                        RowResult(line, Status.REJECTED, label, refusal.messages)
                    )
                    continue
                report.rows.append(RowResult(line, status, label))

    def _other_errors(
        self, sheet: str, values: dict[str, Any], unread: set[str]
    ) -> list[str]:
        """What a row whose cells `unread` could not be read breaks besides, as
        far as its other cells tell: required cells left empty (for a new
        object), values its model refuses, an end before the start. Nothing is
        planned or remembered: the row is refused anyway."""
        model = MODELS[sheet]
        errors: list[str] = []
        known = values.get("id") is not None or (
            sheet == "organisations"
            and (
                normalise_enterprise_number(values.get("enterprise_number") or "")
                in self.lookups.by_number
                or (values.get("external_id") or "") in self.lookups.by_external
            )
        )
        if not known:
            errors.extend(
                f"{column.labels['fr']} : " + _("Ce champ est obligatoire.")
                for column in columns_for(sheet)
                if column.required
                and column.key not in unread
                and not values.get(column.key)
            )
        blank = model()
        for key, value in values.items():
            # Empty cells: the required ones are named above.
            if key in unread or value in (None, ""):
                continue
            try:
                model_field: Any = model._meta.get_field(key)
            except FieldDoesNotExist:
                continue
            if model_field.is_relation or not model_field.concrete:
                continue
            try:
                model_field.clean(value, blank)
            except ValidationError as error:
                errors += _field_errors(error, str(model_field.verbose_name))
        if {"start_date", "end_date"} <= values.keys():
            errors += _rule_errors(
                {"end_date": _("fin")},
                check_dates,
                start_date=values["start_date"],
                end_date=values["end_date"],
            )
        return errors

    def _load_existing(
        self,
        model: type[models.Model],
        parsed: list[tuple[int, dict[str, Any], list[str]]],
    ) -> dict[int, Any]:
        """The objects of a chunk that exist, by id, with their many-to-many ids."""
        lookups = self.lookups
        ids: set[int] = set()
        for _line, values, _errors in parsed:
            if values.get("id"):
                ids.add(values["id"])
            if model is Organisation:
                number = normalise_enterprise_number(
                    values.get("enterprise_number") or ""
                )
                if number in lookups.by_number:
                    ids.add(lookups.by_number[number])
                external = values.get("external_id") or ""
                if external in lookups.by_external:
                    ids.add(lookups.by_external[external])
        objects: dict[int, Any] = dict(model._default_manager.in_bulk(list(ids)))
        for spec in M2M_FIELDS[model]:
            through, own, other = _m2m_names(model, spec.attribute)
            current: dict[int, set[Any]] = defaultdict(set)
            for pk, value in through.objects.filter(
                **{f"{own}_id__in": objects}
            ).values_list(f"{own}_id", f"{other}_id"):
                current[pk].add(value)
            for pk, obj in objects.items():
                obj._import_m2m = getattr(obj, "_import_m2m", {})
                obj._import_m2m[spec.key] = current.get(pk, set())
        return objects

    def _match_relations(
        self,
        parsed: list[tuple[int, dict[str, Any], list[str]]],
        chunk: list[Row],
        deferred: dict[int, Column],
    ) -> None:
        """The relations that the chunk's rows without id name by source, target
        and type, in three queries whatever their number: `relation_matches`.
        Relation rows create no organisations, so theirs resolve now as they will
        when each row is handled."""
        lookups = self.lookups
        keys: set[tuple[int, int, int]] = set()
        for (_line, values, errors), (_same, cells) in zip(parsed, chunk, strict=True):
            if errors or values.get("id") is not None or values.get("type") is None:
                continue
            refs: dict[str, Any] = {}
            for index, column in deferred.items():
                if column.key in ("source", "target"):
                    text = cells[index] if index < len(cells) else ""
                    with contextlib.suppress(ValueError):
                        refs[column.key] = parse_cell(column, text, lookups)
            source, target = refs.get("source"), refs.get("target")
            if isinstance(source, int) and isinstance(target, int):
                keys.add((source, target, values["type"]))
        found: dict[tuple[int, int, int], int] = {}
        if keys:
            # Narrowed by each part of the key, then matched exactly here.
            for pk, *key in (
                Relation.objects.filter(
                    source_id__in={key[0] for key in keys},
                    target_id__in={key[1] for key in keys},
                    type_id__in={key[2] for key in keys},
                )
                .order_by("pk")
                .values_list("pk", "source_id", "target_id", "type_id")
            ):
                if tuple(key) in keys:
                    found.setdefault((key[0], key[1], key[2]), pk)
        # Objects of their own, apart from the chunk's rows by id.
        objects = self._load_existing(
            Relation, [(0, {"id": pk}, []) for pk in found.values()]
        )
        self.relation_matches = {key: objects[pk] for key, pk in found.items()}

    # Shared checks

    def _once(self, sheet: str, what: str, value: Any, line: int, message: str) -> None:
        other = self.seen.setdefault((sheet, what, value), line)
        if other != line:
            raise RowError([message % {"line": other}])

    def _assign(
        self,
        obj: Any,
        values: Mapping[str, Any],
        keys: Iterable[str],
        *,
        new: bool,
    ) -> tuple[set[str], list[str]]:
        """Set the given plain fields, validated by the model's own fields."""
        changed = set()
        errors = []
        for key in keys:
            if key not in values or key in self.missing:
                continue
            model_field = obj._meta.get_field(key)
            value = values[key]
            if value is None:
                value = model_field.get_default() if not model_field.null else None
            try:
                if isinstance(model_field, models.ForeignKey):
                    attname = model_field.attname
                    if value is None and not model_field.null:
                        raise ValidationError(_("Ce champ est obligatoire."))
                else:
                    attname = key
                    value = model_field.clean(value, obj)
            except ValidationError as error:
                errors += _field_errors(error, str(model_field.verbose_name))
                continue
            if new or getattr(obj, attname) != value:
                setattr(obj, attname, value)
                changed.add(attname)
        return changed, errors

    def _m2m(
        self, plan: Plan, values: Mapping[str, Any], model: type[models.Model]
    ) -> None:
        for spec in M2M_FIELDS[model]:
            current = getattr(plan.obj, "_import_m2m", {}).get(spec.key, set())
            if spec.key not in values:
                if not plan.new:
                    plan.m2m[spec.key] = set(current)
                continue
            given = values[spec.key] or ()
            if any(isinstance(value, Organisation) for value in given):
                # Organisations the file creates have no id yet, so no hash: a
                # list of them, once each, and a change.
                plan.m2m[spec.key] = list(
                    {
                        id(value) if isinstance(value, Organisation) else value: value
                        for value in given
                    }.values()
                )
                plan.m2m_changed.add(spec.key)
                continue
            wanted = set(given)
            plan.m2m[spec.key] = wanted
            if plan.new or wanted != current:
                plan.m2m_changed.add(spec.key)

    def _status(self, plan: Plan, model: type[models.Model]) -> Status:
        if plan.new:
            # Kept until applied, so kept small: a new row writes every field.
            plan.changed.clear()
            plan.obj.__dict__.pop("_import_m2m", None)
            self.plans[model].append(plan)
            return Status.CREATED
        if plan.changed or plan.m2m_changed:
            self.plans[model].append(plan)
            return Status.UPDATED
        return Status.UNCHANGED

    def _archived_check(self, ref: Any, label: str) -> None:
        if ref is not None and self.lookups.is_archived(ref):
            raise RowError(
                _rule_errors(
                    {"organisation": label},
                    check_active,
                    organisation=self.lookups.org_name(ref),
                    archived=True,
                )
            )

    @staticmethod
    def _set_org(obj: Any, attname: str, ref: Any) -> bool:
        """Point a foreign key at an existing id or a pending new organisation."""
        if isinstance(ref, Organisation):
            setattr(obj, attname.removesuffix("_id"), ref)
            return True
        if getattr(obj, attname) != ref:
            setattr(obj, attname, ref)
            return True
        return False

    # Organisations

    ORGANISATION_FIELDS = (
        "name",
        "name_fr",
        "name_nl",
        "name_de",
        "acronym",
        "external_id",
        "level",
        "sector",
        "actor_type",
        "street",
        "postal_code",
        "website",
        "email",
        "phone",
        "languages",
        "description",
        "status",
        "published",
    )

    @staticmethod
    def _enterprise_number(values: dict[str, Any]) -> str:
        """The row's enterprise number as stored, "" for none; the whole row is
        refused when the number is not valid."""
        try:
            return check_enterprise_number(values.get("enterprise_number") or "")
        except ValidationError as error:
            raise RowError(
                _field_errors(error, _("numéro d'entreprise (BCE)"))
            ) from None

    def _organisation(
        self, line: int, values: dict[str, Any], existing: dict[int, Any]
    ) -> Status:
        lookups = self.lookups
        sheet = "organisations"
        errors: list[str] = []
        number = self._enterprise_number(values)
        if "enterprise_number" in values:
            values["enterprise_number"] = number
        external = values.get("external_id") or ""
        pk = values.get("id")
        if pk is not None and pk not in existing:
            raise RowError(
                [_("Aucune organisation n'a l'identifiant %(id)s.") % {"id": pk}]
            )
        if pk is None and number in lookups.by_number:
            pk = lookups.by_number[number]
        if pk is None and external in lookups.by_external:
            pk = lookups.by_external[external]
        if pk is not None:
            self._once(
                sheet, "id", pk, line, _("Même organisation qu'à la ligne %(line)s.")
            )
        if number:
            self._once(
                sheet,
                "number",
                number,
                line,
                _("Même numéro d'entreprise qu'à la ligne %(line)s."),
            )
            owner = lookups.by_number.get(number)
            taken = _rule_errors(
                {},
                check_enterprise_number_free,
                number=number,
                taken=owner is not None and owner != pk,
            )
            if taken:
                raise RowError(taken)
        if external:
            self._once(
                sheet,
                "external",
                external,
                line,
                _("Même identifiant externe qu'à la ligne %(line)s."),
            )
        new = pk is None
        obj: Any = Organisation() if pk is None else existing[pk]
        if new:
            obj._import_m2m = {}
            for column in columns_for(sheet):
                if column.required and not values.get(column.key):
                    self.missing.add(column.key)
                    errors.append(
                        f"{column.labels['fr']} : " + _("Ce champ est obligatoire.")
                    )
        changed, field_errors = self._assign(
            obj, values, (*self.ORGANISATION_FIELDS, "enterprise_number"), new=new
        )
        errors += field_errors
        if "commune" in values or "postal_code" in values:
            commune = values.get("commune", obj.commune_id)
            postal = obj.postal_code
            if postal:
                try:
                    commune = check_postal_code(
                        postal_code=postal,
                        commune=commune,
                        candidates=lookups.communes.postal.get(postal, []),
                    )
                except ValidationError as error:
                    errors += [m for ms in error.message_dict.values() for m in ms]
            if new or obj.commune_id != commune:
                obj.commune_id = commune
                changed.add("commune_id")
        if "parent" in values:
            parent = values["parent"]
            if parent is not None and not isinstance(parent, Organisation):
                own = _rule_errors(
                    {}, check_not_own_parent, organisation_id=pk, parent_id=parent
                )
                errors += own or _rule_errors(
                    {},
                    check_parent_active,
                    archived=lookups.is_archived(parent),
                    kept=obj.parent_id == parent,
                )
            if parent is None:
                if obj.parent_id is not None:
                    obj.parent_id = None
                    changed.add("parent_id")
            elif self._set_org(obj, "parent_id", parent):
                changed.add("parent_id")
        if errors:
            raise RowError(errors)
        plan = Plan(obj=obj, new=new, changed=changed)
        self._m2m(plan, values, Organisation)
        if new:
            if number:
                lookups.new_by_number[number] = obj
            if external:
                lookups.new_by_external[external] = obj
            lookups.new_by_name.setdefault(normalise(obj.name), obj)
        return self._status(plan, Organisation)

    # Services

    SERVICE_FIELDS = (
        "title",
        "description",
        "theme",
        "subtheme",
        "eligibility",
        "delivery_mode",
        "languages",
        "capacity",
        "capacity_unit",
        "cost",
        "access",
        "referral_how",
        "opening_hours",
        "start_date",
        "end_date",
        "status",
        "published",
    )

    def _service_checks(
        self, obj: Service, plan_funders: list[Any], kept: set[Any]
    ) -> list[str]:
        labels = {"subtheme": _("sous-thème"), "end_date": _("fin")}
        subtheme = obj.subtheme_id
        parent = None if subtheme is None else self.lookups.theme_parent.get(subtheme)
        errors = _rule_errors(
            labels,
            check_subtheme,
            theme_id=obj.theme_id,
            subtheme_id=subtheme,
            subtheme_parent_id=parent,
        )
        errors += _rule_errors(
            labels,
            check_dates,
            start_date=obj.start_date,
            end_date=obj.end_date,
        )
        labels["funders"] = _("bailleurs de fonds")
        for funder in plan_funders:
            # An organisation the file creates (unsaved: not hashable) is new.
            if isinstance(funder, Organisation) or funder not in kept:
                errors += _rule_errors(
                    labels,
                    check_active,
                    organisation=self.lookups.org_name(funder),
                    archived=self.lookups.is_archived(funder),
                    field="funders",
                )
        return errors

    def _service(
        self, line: int, values: dict[str, Any], existing: dict[int, Any]
    ) -> Status:
        pk = values.get("id")
        if pk is not None and pk not in existing:
            raise RowError([_("Aucun service n'a l'identifiant %(id)s.") % {"id": pk}])
        if pk is not None:
            self._once(
                "services", "id", pk, line, _("Même service qu'à la ligne %(line)s.")
            )
        new = pk is None
        obj: Any = Service() if pk is None else existing[pk]
        errors: list[str] = []
        if new:
            obj._import_m2m = {}
            for column in columns_for("services"):
                if column.required and not values.get(column.key):
                    self.missing.add(column.key)
                    errors.append(
                        f"{column.labels['fr']} : " + _("Ce champ est obligatoire.")
                    )
        organisation = values.get("organisation")
        if "organisation" in values:
            if organisation is None:
                errors.append(
                    f"{_('organisation')} : " + _("Ce champ est obligatoire.")
                )
            else:
                self._archived_check(organisation, _("organisation"))
        elif not new:
            self._archived_check(obj.organisation_id, _("organisation"))
        changed, field_errors = self._assign(obj, values, self.SERVICE_FIELDS, new=new)
        errors += field_errors
        if organisation is not None and self._set_org(
            obj, "organisation_id", organisation
        ):
            changed.add("organisation_id")
        if errors:
            raise RowError(errors)
        kept = getattr(obj, "_import_m2m", {}).get("funders", set())
        errors = self._service_checks(obj, values.get("funders") or [], kept)
        if errors:
            raise RowError(errors)
        plan = Plan(obj=obj, new=new, changed=changed)
        self._m2m(plan, values, Service)
        return self._status(plan, Service)

    # 4W: one row per organisation × activity × commune

    def _four_w(
        self, line: int, values: dict[str, Any], existing: dict[int, Any]
    ) -> Status:
        lookups = self.lookups
        errors: list[str] = []
        name = values.get("organisation_name") or ""
        number = self._enterprise_number(values)
        organisation: Any = None
        if number:
            organisation = lookups.by_number.get(number) or lookups.new_by_number.get(
                number
            )
        if organisation is None:
            found = lookups.by_name.get(normalise(name), [])
            if len(found) == 1:
                organisation = found[0]
            elif len(found) > 1:
                raise RowError(
                    [
                        _(
                            "Plusieurs organisations s'appellent « %(name)s » : donnez "
                            "son numéro d'entreprise."
                        )
                        % {"name": name}
                    ]
                )
            else:
                organisation = lookups.new_by_name.get(normalise(name))
        if organisation is None:
            organisation = self._four_w_organisation(line, values, number)
        self._archived_check(organisation, _("organisation"))
        commune = values.get("commune_code") or values.get("commune_name")
        if commune is not None:
            province, arrondissement = lookups.communes.places.get(commune, ("", ""))
            for key, expected in (
                ("province_code", province),
                ("arrondissement_code", arrondissement),
            ):
                given = (values.get(key) or "").strip()
                if given and given != expected:
                    errors.append(
                        _(
                            "La commune %(commune)s n'est pas dans %(code)s : vérifiez "
                            "les codes."
                        )
                        % {"commune": commune, "code": given}
                    )
        if errors:
            raise RowError(errors)
        theme = values["theme"]
        parent = getattr(terms_by_id(Theme).get(theme), "parent_id", None)
        if parent is not None:
            # A sub-theme in the theme column (a partner's "sector"): its theme.
            if not values.get("subtheme"):
                values["subtheme"] = theme
            theme = values["theme"] = parent
        group = (
            organisation if isinstance(organisation, int) else id(organisation),
            normalise(values.get("activity_title") or ""),
            theme,
        )
        plan = self.four_w_services.get(group)
        if plan is None:
            plan = self._four_w_service(values, organisation, theme)
            self.four_w_services[group] = plan
        if commune is not None:
            plan.m2m["communes"].add(commune)
            if plan.new or commune not in getattr(plan.obj, "_import_m2m", {}).get(
                "communes", set()
            ):
                plan.m2m_changed.add("communes")
                if not plan.new and plan not in self.plans[Service]:
                    self.plans[Service].append(plan)
        if values.get("target_groups"):
            plan.m2m["target_groups"] |= values["target_groups"]
            if plan.m2m["target_groups"] != getattr(plan.obj, "_import_m2m", {}).get(
                "target_groups", set()
            ):
                plan.m2m_changed.add("target_groups")
                if not plan.new and plan not in self.plans[Service]:
                    self.plans[Service].append(plan)
        if plan.new:
            return Status.CREATED
        return Status.UPDATED if plan.changed or plan.m2m_changed else Status.UNCHANGED

    def _four_w_organisation(
        self, line: int, values: dict[str, Any], number: str
    ) -> Organisation:
        """A new organisation named by a 4W row. A partner's sheet says neither
        its level nor its sector (and often not its actor type): it is created
        to complete (`Organisation.is_incomplete`), for a coordinator to finish."""
        lookups = self.lookups
        obj = Organisation(
            name=values["organisation_name"],
            enterprise_number=number,
            actor_type_id=values.get("actor_type"),
            level_id=None,
            sector_id=None,
            email=values.get("contact_email") or "",
        )
        obj.__dict__["_import_m2m"] = {}
        errors = []
        for name in ("name", "email"):
            model_field: Any = obj._meta.get_field(name)
            try:
                model_field.clean(getattr(obj, name), obj)
            except ValidationError as error:
                errors += _field_errors(error, str(model_field.verbose_name))
        if errors:
            raise RowError(errors)
        plan = Plan(obj=obj, new=True, m2m={"area_communes": set()})
        self.plans[Organisation].append(plan)
        if number:
            lookups.new_by_number[number] = obj
        lookups.new_by_name[normalise(obj.name)] = obj
        return obj

    def _theme_title(self, values: dict[str, Any], theme: int) -> str:
        term = terms_by_id(Theme).get(values.get("subtheme") or theme)
        return term.name if term is not None else ""

    def _four_w_service(
        self, values: dict[str, Any], organisation: Any, theme: int
    ) -> Plan:
        # A partner's sheet may name no activity: the theme's name stands for it.
        title = values.get("activity_title") or self._theme_title(values, theme)
        title_field: Any = Service._meta.get_field("title")
        try:
            title_field.clean(title, None)
        except ValidationError as error:
            raise RowError(_field_errors(error, _("activité"))) from None
        obj: Any = None
        if isinstance(organisation, int):
            match = Service.objects.filter(
                organisation_id=organisation, theme_id=theme
            ).only("pk", "title")
            for candidate in match:
                if normalise(candidate.title) == normalise(title):
                    obj = Service.objects.get(pk=candidate.pk)
                    break
        new = obj is None
        if obj is None:
            obj = Service(title=title, theme_id=theme)
            self._set_org(obj, "organisation_id", organisation)
            obj._import_m2m = {}
        else:
            obj._import_m2m = {
                "communes": set(
                    obj.service_communes.values_list("commune_id", flat=True)
                ),
                "target_groups": set(obj.target_groups.values_list("pk", flat=True)),
                "funders": set(obj.funders.values_list("pk", flat=True)),
            }
        keys = [
            key
            for key in (
                "description",
                "subtheme",
                "status",
                "start_date",
                "end_date",
                "delivery_mode",
                "languages",
                "capacity",
            )
            if values.get(key) not in (None, "", [])
        ]
        changed, errors = self._assign(obj, values, keys, new=new)
        errors += self._service_checks(obj, [], set())
        if errors:
            raise RowError(errors)
        current = obj._import_m2m
        plan = Plan(
            obj=obj,
            new=new,
            changed=changed,
            m2m={
                "communes": set(current.get("communes", set())),
                "target_groups": set(current.get("target_groups", set())),
                "funders": set(current.get("funders", set())),
            },
        )
        if new:
            plan.m2m_changed = {"communes", "target_groups"}
        if new or changed:
            self.plans[Service].append(plan)
        return plan

    # Contacts

    CONTACT_FIELDS = (
        "name",
        "function",
        "email",
        "phone",
        "is_focal_point",
        "languages",
        "legal_basis",
        "consent_date",
        "shared",
        "last_verified",
    )

    def _contact(
        self, line: int, values: dict[str, Any], existing: dict[int, Any]
    ) -> Status:
        pk = values.get("id")
        if pk is not None and pk not in existing:
            raise RowError([_("Aucun contact n'a l'identifiant %(id)s.") % {"id": pk}])
        if pk is not None:
            self._once(
                "contacts", "id", pk, line, _("Même contact qu'à la ligne %(line)s.")
            )
        new = pk is None
        obj: Any = Contact() if pk is None else existing[pk]
        errors: list[str] = []
        if new:
            for column in columns_for("contacts"):
                if column.required and not values.get(column.key):
                    self.missing.add(column.key)
                    errors.append(
                        f"{column.labels['fr']} : " + _("Ce champ est obligatoire.")
                    )
        organisation = values.get("organisation")
        if organisation is not None and (new or organisation != obj.organisation_id):
            self._archived_check(organisation, _("organisation"))
        changed, field_errors = self._assign(obj, values, self.CONTACT_FIELDS, new=new)
        errors += field_errors
        if errors:
            raise RowError(errors)
        if organisation is not None and self._set_org(
            obj, "organisation_id", organisation
        ):
            changed.add("organisation_id")
        if new:
            key = (
                id(organisation)
                if isinstance(organisation, Organisation)
                else organisation,
                normalise(obj.name),
                obj.email.lower(),
            )
            self._once(
                "contacts",
                "person",
                key,
                line,
                _("Même personne qu'à la ligne %(line)s."),
            )
        return self._status(Plan(obj=obj, new=new, changed=changed), Contact)

    # Relations

    RELATION_FIELDS = ("type", "frequency", "formal", "since", "source_note", "note")

    def _relation(
        self, line: int, values: dict[str, Any], existing: dict[int, Any]
    ) -> Status:
        pk = values.get("id")
        if pk is not None and pk not in existing:
            raise RowError(
                [_("Aucune relation n'a l'identifiant %(id)s.") % {"id": pk}]
            )
        source, target = values.get("source"), values.get("target")
        relation_type = values.get("type")
        errors: list[str] = []
        if (
            pk is None
            and None not in (source, target, relation_type)
            and not any(isinstance(ref, Organisation) for ref in (source, target))
        ):
            match = self.relation_matches.pop((source, target, relation_type), None)
            if match is not None:
                pk = match.pk
                existing[pk] = match
        key = (
            id(source) if isinstance(source, Organisation) else source,
            id(target) if isinstance(target, Organisation) else target,
            relation_type,
        )
        self._once(
            "relations", "key", key, line, _("Même relation qu'à la ligne %(line)s.")
        )
        new = pk is None
        obj: Any = Relation() if pk is None else existing[pk]
        if new:
            obj._import_m2m = {}
            for column in columns_for("relations"):
                if column.required and not values.get(column.key):
                    self.missing.add(column.key)
                    errors.append(
                        f"{column.labels['fr']} : " + _("Ce champ est obligatoire.")
                    )
        if errors:
            raise RowError(errors)
        if source is not None and (
            itself := _rule_errors(
                {}, check_not_self_related, source=key[0], target=key[1]
            )
        ):
            raise RowError(itself)
        self._archived_check(source, _("organisation"))
        self._archived_check(target, _("organisation liée"))
        changed, errors = self._assign(obj, values, self.RELATION_FIELDS, new=new)
        if errors:
            raise RowError(errors)
        for name in ("source", "target", "declared_by"):
            ref = values.get(name)
            if ref is not None and self._set_org(obj, f"{name}_id", ref):
                changed.add(f"{name}_id")
        plan = Plan(obj=obj, new=new, changed=changed)
        self._m2m(plan, values, Relation)
        return self._status(plan, Relation)

    # Applying

    def _index_new_organisations(self) -> list[Organisation]:
        """The search text of new organisations, with their (new) services."""
        texts: dict[int, list[str]] = defaultdict(list)
        for plan in self.plans.get(Service, []):
            owner = plan.obj._state.fields_cache.get("organisation")
            if isinstance(owner, Organisation) and owner.pk is None:
                texts[id(owner)] += [plan.obj.title, plan.obj.description]
        fresh = []
        for plan in self.plans.get(Organisation, []):
            if plan.new:
                org = plan.obj
                org.search_text = organisation_search_text(org, texts[id(org)])
                fresh.append(org)
        return fresh

    def apply(self) -> ImportBatch:
        """Write every plan in one transaction, as one batch, chunk by chunk: the
        plans written are released as it goes."""
        kinds = "+".join(sheet.sheet for sheet in self.report.sheets)
        counts = self.report.counts
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                file_name=self.file_name[:255],
                kind=kinds[:100],
                author=self.user,
                created_count=counts[Status.CREATED],
                updated_count=counts[Status.UPDATED],
                unchanged_count=counts[Status.UNCHANGED],
            )
            reason = batch_reason(batch)
            now = timezone.now()
            touched: set[int] = set()
            fresh = self._index_new_organisations()
            self.four_w_services.clear()
            counted = False
            for model in (Organisation, Contact, Service, Relation):
                plans = self.plans.pop(model, [])
                if not plans:
                    continue
                counted |= model in (Organisation, Service)
                written = _write(model, plans, self.user, reason, now)
                name = model._meta.model_name or ""
                batch.created[name] = written.created
                batch.updated[name] = written.updated
                touched |= written.organisations
            batch.save(update_fields=["created", "updated"])
            # New organisations were indexed with their new services above.
            touched -= {organisation.pk for organisation in fresh}
            if touched:
                organisation_reindex(organisation_ids=touched)
            if counted:
                # Organisations and services written in bulk: what the register
                # keeps counted is counted again, once.
                register_counts_recount()
        self.report.applied = True
        self.report.batch_id = batch.pk
        return batch


def _chain(first: Iterable[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest


def batch_reason(batch: ImportBatch) -> str:
    return reasons.import_reason(batch.pk, batch.file_name)


def _history_through(model: type[models.Model], attribute: str) -> Any:
    history_model = model.history.model  # type: ignore[attr-defined]
    name = f"{history_model.__name__}_{attribute}"
    for relation in history_model._meta.related_objects:
        if relation.related_model.__name__ == name:
            return relation.related_model
    raise LookupError(name)


def _search_texts(model: type[models.Model], plans: list[Plan]) -> None:
    """Index new rows as organisation_reindex would, so that it has less to do."""
    if model is Service:
        names = {
            pk: (name, acronym)
            for pk, name, acronym in Organisation.objects.filter(
                pk__in={plan.obj.organisation_id for plan in plans}
            ).values_list("pk", "name", "acronym")
        }
        for plan in plans:
            service = plan.obj
            name, acronym = names.get(service.organisation_id, ("", ""))
            service.search_text = service_search_text(
                service, Organisation(name=name, acronym=acronym)
            )


def _rule_errors(
    labels: dict[str, str], check: Callable[..., None], **arguments: Any
) -> list[str]:
    """The per-row messages of a broken register rule, each prefixed by the label
    of its column when `labels` has one for the field."""
    try:
        check(**arguments)
    except ValidationError as error:
        return [
            f"{labels[name]} : {message}" if name in labels else message
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


@dataclass
class Written:
    """What `_write` did: the created ids; per updated id, [history id before the
    import, version after it] and, when the import changed them, the previous ids
    of the many-to-many fields that keep no history; the organisations touched."""

    created: list[int] = field(default_factory=list)
    updated: dict[str, list[Any]] = field(default_factory=dict)
    organisations: set[int] = field(default_factory=set)


def _write(
    model: type[models.Model],
    plans: list[Plan],
    user: User,
    reason: str,
    now: datetime.datetime,
) -> Written:
    """Write one model's plans in bulk, WRITE_CHUNK at a time; `plans` is emptied
    as it goes, so that the objects written can be released."""
    written = Written()
    while plans:
        chunk = plans[:WRITE_CHUNK]
        del plans[:WRITE_CHUNK]
        _write_chunk(model, chunk, user, reason, now, written)
    return written


def _through_keys(service: Any) -> tuple[int, int]:
    """What a service × commune row repeats of its service (see ServiceCommune)."""
    return (service.theme_id, service.organisation_id)


def _write_chunk(
    model: type[models.Model],
    plans: list[Plan],
    user: User,
    reason: str,
    now: datetime.datetime,
    written: Written,
) -> None:
    """The rows, their many-to-many rows, then one history row per object copied
    from the row just written (INSERT … SELECT: no historical instance in Python),
    with the import's reason, author and date, and the history's many-to-many
    rows copied the same way."""
    for plan in plans:
        for name in ("organisation", "parent", "source", "target", "declared_by"):
            related = plan.obj._state.fields_cache.get(name)
            if isinstance(related, Organisation) and related.pk is not None:
                setattr(plan.obj, f"{name}_id", related.pk)
    _search_texts(model, plans)
    history: Any = model.history.model  # type: ignore[attr-defined]
    new = [plan.obj for plan in plans if plan.new]
    old = [plan for plan in plans if not plan.new]
    before: dict[int, int] = {}
    if old:
        before = dict(
            history.objects.filter(id__in=[plan.obj.pk for plan in old])
            .values("id")
            .annotate(latest=Max("history_id"))
            .values_list("id", "latest")
        )
    manager: Any = model._default_manager
    if new:
        # A new organisation whose parent is created in this same chunk: parent
        # set once both have their ids, before the history is copied.
        orphans: list[tuple[Any, Organisation]] = []
        for obj in new:
            parent = (
                obj._state.fields_cache.get("parent") if model is Organisation else None
            )
            if isinstance(parent, Organisation) and parent.pk is None:
                obj.parent = None
                orphans.append((obj, parent))
        manager.bulk_create(new, batch_size=1000)
        if orphans:
            for obj, parent in orphans:
                obj.parent = parent
            manager.bulk_update([obj for obj, _parent in orphans], ["parent"])
        written.created += [obj.pk for obj in new]
    if old:
        names = {"version", "updated_at"}
        for plan in old:
            plan.obj.version += 1
            plan.obj.updated_at = now
            names |= plan.changed
        manager.bulk_update([plan.obj for plan in old], sorted(names), batch_size=1000)
    quote = connection.ops.quote_name
    ids = [plan.obj.pk for plan in plans]
    with connection.cursor() as cursor:
        for spec in M2M_FIELDS[model]:
            through, own, other = _m2m_names(model, spec.attribute)
            own_column = through._meta.get_field(own).column
            other_column = through._meta.get_field(other).column
            changing = [plan for plan in plans if spec.key in plan.m2m_changed]
            stale = [plan.obj.pk for plan in changing if not plan.new]
            if stale:
                through.objects.filter(**{f"{own}_id__in": stale})._raw_delete(
                    connection.alias
                )
            rows = [
                (
                    plan.obj.pk,
                    value.pk if isinstance(value, models.Model) else value,
                    *(_through_keys(plan.obj) if through is ServiceCommune else ()),
                )
                for plan in changing
                for value in plan.m2m.get(spec.key, ())
            ]
            columns = [own_column, other_column]
            if through is ServiceCommune:
                columns += ["theme_id", "organisation_id"]
            if rows:
                cursor.executemany(
                    f"INSERT INTO {quote(through._meta.db_table)} "  # noqa: S608
                    f"({', '.join(map(quote, columns))}) "
                    f"VALUES ({', '.join(['%s'] * len(columns))})",
                    rows,
                )
        if model is Service and old:
            # An updated service may have a new theme or organisation.
            service_communes_align(service_ids=[plan.obj.pk for plan in old])
        cursor.execute(f"SELECT MAX(history_id) FROM {quote(history._meta.db_table)}")  # noqa: S608
        mark = cursor.fetchone()[0] or 0
        copied = [
            quote(history_field.column)
            for history_field in history._meta.concrete_fields
            if not history_field.name.startswith("history_")
            and history_field.name != "m2m_history_id"
        ]
        stamp = connection.ops.adapt_datetimefield_value(now)
        for kind, group in (
            ("+", [obj.pk for obj in new]),
            ("~", [plan.obj.pk for plan in old]),
        ):
            if not group:
                continue
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} "  # noqa: S608
                f"({', '.join(copied)}, history_date, history_change_reason, "
                "history_type, history_user_id) "
                f"SELECT {', '.join(copied)}, %s, %s, %s, %s "
                f"FROM {quote(model._meta.db_table)} "
                f"WHERE id IN ({', '.join(['%s'] * len(group))})",
                [stamp, reason, kind, user.pk, *group],
            )
        for spec in M2M_FIELDS[model]:
            if not spec.history:
                continue
            through, own, other = _m2m_names(model, spec.attribute)
            own_column = quote(through._meta.get_field(own).column)
            other_column = quote(through._meta.get_field(other).column)
            history_through = _history_through(model, spec.attribute)
            cursor.execute(
                f"INSERT INTO {quote(history_through._meta.db_table)} "  # noqa: S608
                f"(id, {own_column}, {other_column}, history_id) "
                f"SELECT t.id, t.{own_column}, t.{other_column}, h.history_id "
                f"FROM {quote(through._meta.db_table)} t "
                f"JOIN {quote(history._meta.db_table)} h ON h.id = t.{own_column} "
                "WHERE h.history_id > %s AND h.history_change_reason = %s "
                f"AND t.{own_column} IN ({', '.join(['%s'] * len(ids))})",
                [mark, reason, *ids],
            )
    unhistoried = [spec for spec in M2M_FIELDS[model] if not spec.history]
    for plan in old:
        entry: list[Any] = [before.get(plan.obj.pk), plan.obj.version]
        previous = {
            spec.key: sorted(
                value.pk if isinstance(value, models.Model) else value
                for value in getattr(plan.obj, "_import_m2m", {}).get(spec.key, ())
            )
            for spec in unhistoried
            if spec.key in plan.m2m_changed
        }
        if previous:
            entry.append(previous)
        written.updated[str(plan.obj.pk)] = entry
    if model is Organisation:
        written.organisations |= set(ids)
    elif model is Service:
        written.organisations |= {plan.obj.organisation_id for plan in plans}


def import_file(
    stream: BinaryIO,
    *,
    file_name: str,
    user: User,
    kind: str = "",
    dry_run: bool = True,
    overrides: Mapping[str, str] | None = None,
) -> ImportReport:
    """Read, check and (unless dry_run, and only when every row is valid) apply."""
    importer = Importer(user=user, file_name=file_name, kind=kind, overrides=overrides)
    importer.report.dry_run = dry_run
    try:
        tables = read_tables(stream, file_name)
        importer.run(tables)
    except ReadError as error:
        importer.report.problems.append(error.message)
        return importer.report
    if not dry_run and importer.report.valid:
        importer.apply()
    return importer.report


# Undo

UNDO_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Organisation: (
        "name",
        "name_fr",
        "name_nl",
        "name_de",
        "acronym",
        "enterprise_number",
        "external_id",
        "level_id",
        "sector_id",
        "actor_type_id",
        "parent_id",
        "street",
        "postal_code",
        "commune_id",
        "website",
        "email",
        "phone",
        "languages",
        "description",
        "status",
        "published",
    ),
    Service: (
        "organisation_id",
        "theme_id",
        "subtheme_id",
        "title",
        "description",
        "eligibility",
        "delivery_mode",
        "languages",
        "capacity",
        "capacity_unit",
        "cost",
        "access",
        "referral_how",
        "opening_hours",
        "start_date",
        "end_date",
        "status",
        "published",
    ),
    Contact: (
        "organisation_id",
        "name",
        "function",
        "email",
        "phone",
        "is_focal_point",
        "languages",
        "legal_basis",
        "consent_date",
        "shared",
        "last_verified",
    ),
    Relation: (
        "source_id",
        "target_id",
        "type_id",
        "frequency",
        "formal",
        "since",
        "declared_by_id",
        "source_note",
        "note",
    ),
}
BY_NAME: dict[str, type[models.Model]] = {
    model._meta.model_name or "": model for model in UNDO_FIELDS
}


class UndoRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def batch_undo(*, batch_id: int, by: User) -> ImportBatch:
    """Delete what a batch created and restore the previous versions of what it
    updated; refuse (UndoRefused, nothing written) when any of them changed since."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status == ImportBatch.Status.UNDONE:
        raise UndoRefused(_("Cet import a déjà été annulé."))
    reason = reasons.import_undone_reason(batch.pk)
    changed_since = _(
        "« %(object)s » a changé depuis l'import : "
        "l'annulation doit se faire à la main."
    )
    # Later writes come first: relations and services point at organisations.
    for model in (Relation, Service, Contact, Organisation):
        name = model._meta.model_name or ""
        for pk_text, (history_id, version, *extra) in batch.updated.get(
            name, {}
        ).items():
            obj: Any = (
                model._default_manager.select_for_update()
                .filter(pk=int(pk_text))
                .first()
            )
            if obj is None or obj.version != version or history_id is None:
                raise UndoRefused(changed_since % {"object": obj or pk_text})
            history: Any = model.history
            record = history.filter(history_id=history_id).first()
            if record is None:
                raise UndoRefused(changed_since % {"object": obj})
            for attname in UNDO_FIELDS[model]:
                setattr(obj, attname, getattr(record, attname))
            obj.version += 1
            obj._history_user = by
            obj._change_reason = reason
            obj.save()
            # Many-to-many fields without history (service communes, funders)
            # were kept in the batch when the import changed them.
            kept: dict[str, list[Any]] = extra[0] if extra else {}
            for spec in M2M_FIELDS[model]:
                if spec.history:
                    previous = [
                        getattr(row, f"{_other(model, spec.attribute)}_id")
                        for row in getattr(record, spec.attribute).all()
                    ]
                    getattr(obj, spec.attribute).set(previous)
                elif spec.key in kept:
                    # Service × commune rows repeat their service's keys.
                    keys = None
                    if spec.attribute == "communes":
                        keys = {
                            "theme_id": obj.theme_id,
                            "organisation_id": obj.organisation_id,
                        }
                    getattr(obj, spec.attribute).set(
                        kept[spec.key], through_defaults=keys
                    )
            if model is Service:
                service_communes_align(service_ids=[obj.pk])
        created = batch.created.get(name, [])
        if created:
            queryset = model._default_manager.filter(pk__in=created)
            edited = [str(obj) for obj in queryset.filter(version__gt=1)[: NAMED + 1]]
            if edited:
                raise UndoRefused(
                    _(
                        "%(objects)s : des éléments créés par cet import ont été "
                        "modifiés depuis (%(names)s). Annulez ces modifications ou "
                        "l'import à la main."
                    )
                    % {
                        "objects": model._meta.verbose_name_plural,
                        "names": _named(edited),
                    }
                )
            if queryset.count() != len(created):
                raise UndoRefused(
                    _(
                        "%(objects)s : des éléments créés par cet import ont été "
                        "supprimés depuis ; annulez le reste à la main."
                    )
                    % {"objects": model._meta.verbose_name_plural}
                )
            try:
                for obj in queryset:
                    obj._history_user = by
                    obj._change_reason = reason
                    obj.delete()
            except ProtectedError:
                raise UndoRefused(
                    _(
                        "%(objects)s : des éléments créés par cet import sont "
                        "désormais utilisés ailleurs ; l'import ne peut plus être "
                        "annulé."
                    )
                    % {"objects": model._meta.verbose_name_plural}
                ) from None
    batch.status = ImportBatch.Status.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by = by
    batch.save(update_fields=["status", "undone_at", "undone_by"])
    touched = set(batch.updated.get("organisation", {})) | set()
    ids = {int(pk) for pk in touched} & set(
        Organisation.objects.values_list("pk", flat=True)
    )
    if ids:
        organisation_reindex(organisation_ids=ids)
    register_counts_recount()
    return batch


NAMED = 10


def _named(names: list[str]) -> str:
    """The first NAMED names, then how many more."""
    shown = ", ".join(f"« {name} »" for name in names[:NAMED])
    if len(names) > NAMED:
        return _("%(names)s et d'autres") % {"names": shown}
    return shown


@dataclass
class BatchObjects:
    """What a batch created or updated of one kind of object, for its page:
    (label, page address or "") of those still there, and how many are gone."""

    label: str
    created: list[tuple[str, str]]
    updated: list[tuple[str, str]]
    gone: int


BATCH_OBJECTS_SHOWN = 500
# How a batch's page names each kind of object, and what that reads with it.
BATCH_LABELS: dict[type[models.Model], tuple[tuple[str, ...], Callable[[Any], str]]] = {
    Organisation: ((), str),
    Contact: (("organisation",), lambda contact: f"{contact} ({contact.organisation})"),
    Service: (("organisation",), lambda service: f"{service} ({service.organisation})"),
    Relation: (
        ("source", "target", "type"),
        lambda relation: f"{relation.source} → {relation.target} ({relation.type})",
    ),
}


def batch_objects(batch: ImportBatch) -> list[BatchObjects]:
    """The objects a batch created and updated, by kind (two queries per kind
    it wrote), at most BATCH_OBJECTS_SHOWN of each."""
    groups = []
    for model in (Organisation, Contact, Service, Relation):
        name = model._meta.model_name or ""
        created = [int(pk) for pk in batch.created.get(name, [])]
        updated = [int(pk) for pk in batch.updated.get(name, {})]
        if not created and not updated:
            continue
        rows: dict[str, list[tuple[str, str]]] = {}
        gone = 0
        related, label = BATCH_LABELS[model]
        for key, ids in (("created", created), ("updated", updated)):
            objects = model._default_manager.all()
            if related:
                objects = objects.select_related(*related)
            found = objects.in_bulk(ids[:BATCH_OBJECTS_SHOWN])
            gone += len(ids[:BATCH_OBJECTS_SHOWN]) - len(found)
            rows[key] = [
                (label(obj), getattr(obj, "get_absolute_url", lambda: "")())
                for pk in ids[:BATCH_OBJECTS_SHOWN]
                if (obj := found.get(pk)) is not None
            ]
        groups.append(
            BatchObjects(
                label=str(model._meta.verbose_name_plural),
                created=rows["created"],
                updated=rows["updated"],
                gone=gone,
            )
        )
    return groups


def _other(model: type[models.Model], attribute: str) -> str:
    return _m2m_names(model, attribute)[2]
