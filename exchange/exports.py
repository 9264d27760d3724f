"""Exports of the register: what is exported (scope, records) and how it is written
(XLSX, CSV, HXL-tagged CSV, GeoJSON, JSON), shared by the pages, the API and
`manage.py export_register`.

Nothing holds the register in memory: each sheet is read with one streaming query
(`.values().iterator(chunk_size=CHUNK)`) and, per chunk, one query per
many-to-many list, so the query count grows with the number of chunks, never with
the rows. Records carry the register API's field names and vocabulary codes; the
spreadsheet formats pick and name their columns from `exchange.columns`, so that
what is exported imports back.
"""

import csv
import datetime
import json
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import batched
from typing import IO, Any, Literal, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_lazy

from accounts.models import User
from exchange.columns import SEPARATOR, Column, Kind, columns_for
from lib.spreadsheets import XlsxWriter, neutralise
from register.access import visible_contacts
from register.area import communes_by_nis
from register.models import (
    Contact,
    Organisation,
    Relation,
    Service,
    ServiceCommune,
    SpokenLanguage,
)
from register.schemas import ContactOut, OrganisationOut, RelationOut, ServiceOut
from register.selectors import (
    OrganisationFilters,
    ServiceFilters,
    organisation_list,
    served_commune_ids,
    service_list,
)
from taxonomy.models import Term
from taxonomy.selectors import terms_by_id
from territory.models import Commune

FORMATS = ("xlsx", "csv", "hxl", "geojson", "json")
Format = Literal["xlsx", "csv", "hxl", "geojson", "json"]
# The objects of the register, in the order of the XLSX sheets and the JSON keys.
SHEETS = ("organisations", "contacts", "services", "relations")
# The 4W (who does what where when): one row per service × commune served.
FOUR_W = "4w"
CSV_SHEETS = (*SHEETS, FOUR_W)
Sheet = Literal["organisations", "contacts", "services", "relations", "4w"]
# Rows read per query; a chunk is also the batch of the many-to-many lookups.
CHUNK = 2000
# A chunk whose ids span less than this many times its size is read as a range.
DENSE = 4
# Rows written before a streamed response sends what it has.
FLUSH_ROWS = 200

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "hxl": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "json": "application/json",
    "zip": "application/zip",
}
BOM = "\ufeff"


class ExportError(Exception):
    """An export that cannot be made (e.g. a map without any geometry): the
    message says why, for a person."""


# What is exported


@dataclass(frozen=True)
class ExportScope:
    """The organisations an export covers and the contacts it may hold.

    `organisations` is None for the whole register (every status), which spares
    the `IN (…)` subquery; `contacts` is the contacts the reader may see, or None
    when the export holds no personal data. `services`, when set, narrows the
    services (and the 4W) to those of a kind; `communes`, when set, narrows the
    4W to its rows in those communes (a filter on a territory)."""

    organisations: QuerySet[Organisation] | None
    contacts: QuerySet[Contact] | None
    services: QuerySet[Service] | None = None
    communes: frozenset[str] | None = None
    description: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    # Told, now and then, how many more records were read (background exports).
    progress: Callable[[int], None] | None = None

    def organisation_ids(self) -> QuerySet[Organisation, Any] | None:
        if self.organisations is None:
            return None
        return self.organisations.order_by().values("pk")


EVERYTHING = OrganisationFilters(status="all")


def export_scope(
    *,
    filters: OrganisationFilters | ServiceFilters = EVERYTHING,
    user: User | None,
    include_contacts: bool = False,
) -> ExportScope:
    """The scope of an export by `user` of what matches `filters`: the register
    list's (organisations) or the services list's.

    Filters on services (theme, target group) and on a territory select rows,
    not only organisations: the services and the 4W then hold only the services
    of that kind and their rows in that territory.

    With a user, contacts are those the user may see (`visible_contacts`: all for
    coordinators and administrators, the shared ones and their own organisations'
    for focal points, none for observers). Without a user (the command run by the
    operator), contacts only when `include_contacts` says so.
    """
    contacts: QuerySet[Contact] | None
    if user is not None:
        contacts = visible_contacts(user, Contact.objects.all())
    elif include_contacts:
        contacts = Contact.objects.all()
    else:
        contacts = None
    communes = served_commune_ids(filters)
    frozen = None if communes is None else frozenset(communes)
    if isinstance(filters, ServiceFilters):
        matching = service_list(filters)
        return ExportScope(
            organisations=Organisation.objects.filter(
                pk__in=matching.order_by().values("organisation_id")
            ),
            contacts=contacts,
            services=matching,
            communes=frozen,
        )
    organisations: QuerySet[Organisation] | None
    organisations = None if filters == EVERYTHING else organisation_list(filters)
    services: QuerySet[Service] | None = None
    if filters.theme or filters.target_group or communes is not None:
        services = service_list(
            ServiceFilters(
                theme=filters.theme,
                target_group=filters.target_group,
                province=filters.province,
                arrondissement=filters.arrondissement,
                commune=filters.commune,
                status="all",
                include_archived=True,
            )
        )
    return ExportScope(
        organisations=organisations,
        contacts=contacts,
        services=services,
        communes=frozen,
    )


def _in_scope(
    queryset: QuerySet[Any], scope: ExportScope, *lookups: str
) -> QuerySet[Any]:
    """The rows whose organisation (any of the lookups) is in the scope."""
    ids = scope.organisation_ids()
    if ids is None:
        return queryset
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{f"{lookup}__in": ids})
    return queryset.filter(condition)


# Records: the register API's fields, read in chunks

Record = dict[str, Any]


def _lists(
    through: QuerySet[Any], owner: str, value: str, ids: Sequence[int]
) -> dict[int, list[Any]]:
    """One query: the values of a many-to-many list for a chunk of owners (read in
    increasing id order). A dense chunk is read as an id range, which both
    databases answer from the index without a long `IN (…)` list to build."""
    lists: dict[int, list[Any]] = defaultdict(list)
    first, last = ids[0], ids[-1]
    if last - first < DENSE * len(ids):
        rows = through.filter(**{f"{owner}__gte": first, f"{owner}__lte": last})
        wanted: set[int] | None = set(ids)
    else:
        rows = through.filter(**{f"{owner}__in": ids})
        wanted = None
    for owner_id, item in rows.order_by(value).values_list(owner, value).iterator():
        if wanted is None or owner_id in wanted:
            lists[owner_id].append(item)
    return lists


def _chunks(rows: QuerySet[Any, dict[str, Any]]) -> Iterator[tuple[Record, ...]]:
    return batched(rows.iterator(chunk_size=CHUNK), CHUNK)


def _rename(row: Record, names: dict[str, str]) -> Record:
    for old, new in names.items():
        row[new] = row.pop(old)
    return row


ORGANISATION_VALUES = (
    "id",
    "name",
    "name_fr",
    "name_nl",
    "name_de",
    "acronym",
    "enterprise_number",
    "external_id",
    "level__code",
    "sector__code",
    "actor_type__code",
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
    "version",
    "created_at",
    "updated_at",
    "commune__name_fr",
)
ORGANISATION_NAMES = {
    "level__code": "level",
    "sector__code": "sector",
    "actor_type__code": "actor_type",
    "parent_id": "parent",
    "commune_id": "commune",
    "commune__name_fr": "commune_name",
}


def organisation_records(scope: ExportScope) -> Iterator[Record]:
    organisations = _in_scope(Organisation.objects.all(), scope, "pk")
    through = Organisation.area_communes.through.objects.all()
    rows = organisations.order_by("pk").values(*ORGANISATION_VALUES)
    for chunk in _chunks(rows):
        ids = [row["id"] for row in chunk]
        areas = _lists(through, "organisation_id", "commune_id", ids)
        for row in chunk:
            record = _rename(row, ORGANISATION_NAMES)
            record["area_communes"] = areas.get(record["id"], [])
            record["incomplete"] = None in (
                record["level"],
                record["sector"],
                record["actor_type"],
            )
            yield record


CONTACT_VALUES = (
    "id",
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
    "version",
    "created_at",
    "updated_at",
    "organisation__name",
)
CONTACT_NAMES = {
    "organisation_id": "organisation",
    "organisation__name": "organisation_name",
}


def contact_records(scope: ExportScope) -> Iterator[Record]:
    if scope.contacts is None:
        return
    contacts = _in_scope(scope.contacts, scope, "organisation_id")
    rows = contacts.order_by("organisation_id", "pk").values(*CONTACT_VALUES)
    for chunk in _chunks(rows):
        for row in chunk:
            yield _rename(row, CONTACT_NAMES)


SERVICE_VALUES = (
    "id",
    "organisation_id",
    "theme__code",
    "subtheme__code",
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
    "version",
    "created_at",
    "updated_at",
    "organisation__name",
    "organisation__acronym",
    "organisation__actor_type__code",
    "organisation__sector__code",
    "organisation__level__code",
    "organisation__email",
    "organisation__external_id",
    "organisation__enterprise_number",
)
SERVICE_NAMES = {
    "organisation_id": "organisation",
    "theme__code": "theme",
    "subtheme__code": "subtheme",
    "organisation__name": "organisation_name",
    "organisation__acronym": "organisation_acronym",
    "organisation__actor_type__code": "organisation_actor_type",
    "organisation__sector__code": "organisation_sector",
    "organisation__level__code": "organisation_level",
    "organisation__email": "organisation_email",
    "organisation__external_id": "organisation_external_id",
    "organisation__enterprise_number": "organisation_enterprise_number",
}


def _scope_services(scope: ExportScope) -> QuerySet[Service]:
    services = _in_scope(Service.objects.all(), scope, "organisation_id")
    if scope.services is not None:
        services = services.filter(pk__in=scope.services.order_by().values("pk"))
    return services


def service_records(scope: ExportScope) -> Iterator[Record]:
    services = _scope_services(scope)
    groups = Service.target_groups.through.objects.all()
    funders = Service.funders.through.objects.all()
    communes = ServiceCommune.objects.all()
    rows = services.order_by("pk").values(*SERVICE_VALUES)
    for chunk in _chunks(rows):
        ids = [row["id"] for row in chunk]
        group_codes = _lists(groups, "service_id", "targetgroup__code", ids)
        funder_ids = _lists(funders, "service_id", "organisation_id", ids)
        served = _lists(communes, "service_id", "commune_id", ids)
        for row in chunk:
            record = _rename(row, SERVICE_NAMES)
            record["target_groups"] = group_codes.get(record["id"], [])
            record["communes"] = served.get(record["id"], [])
            record["funders"] = funder_ids.get(record["id"], [])
            yield record


RELATION_VALUES = (
    "id",
    "source_id",
    "target_id",
    "type__code",
    "frequency",
    "formal",
    "since",
    "declared_by_id",
    "source_note",
    "note",
    "version",
    "created_at",
    "updated_at",
    "source__name",
    "target__name",
)
RELATION_NAMES = {
    "source_id": "source",
    "target_id": "target",
    "type__code": "type",
    "declared_by_id": "declared_by",
    "source__name": "source_name",
    "target__name": "target_name",
}


def relation_records(scope: ExportScope) -> Iterator[Record]:
    """The relations with one of the scope's organisations on either side."""
    relations = _in_scope(Relation.objects.all(), scope, "source_id", "target_id")
    themes = Relation.themes.through.objects.all()
    rows = relations.order_by("pk").values(*RELATION_VALUES)
    for chunk in _chunks(rows):
        ids = [row["id"] for row in chunk]
        codes = _lists(themes, "relation_id", "theme__code", ids)
        for row in chunk:
            record = _rename(row, RELATION_NAMES)
            record["frequency"] = record["frequency"] or None
            record["themes"] = codes.get(record["id"], [])
            yield record


@dataclass(frozen=True)
class Place:
    nis: str
    name: str
    province: str | None
    arrondissement: str


def _places() -> dict[str, Place]:
    """Every commune's codes and French name (a few hundred rows, read once)."""
    return {
        nis: Place(nis, name, province, arrondissement)
        for nis, name, province, arrondissement in Commune.objects.values_list(
            "nis", "name_fr", "province_id", "arrondissement_id"
        )
    }


def four_w_records(scope: ExportScope) -> Iterator[Record]:
    """The 4W: one row per service × commune served (a service serving no commune
    yet gives one row without a place, so that no service is left out); in a
    territory, only the rows of its communes."""
    places = _places()
    wanted = scope.communes
    for service in service_records(scope):
        served = service["communes"]
        if wanted is not None:
            served = [nis for nis in served if nis in wanted]
        elif not served:
            served = [None]
        for nis in served:
            place = places.get(nis) if nis else None
            yield {
                **service,
                "commune": nis,
                "commune_name": place.name if place else None,
                "province": place.province if place else None,
                "arrondissement": place.arrondissement if place else None,
            }


RECORDS: dict[str, Callable[[ExportScope], Iterator[Record]]] = {
    "organisations": organisation_records,
    "contacts": contact_records,
    "services": service_records,
    "relations": relation_records,
    FOUR_W: four_w_records,
}

# Records read between two reports of progress.
PROGRESS_ROWS = 500


def records(sheet: str, scope: ExportScope) -> Iterator[Record]:
    """A sheet's records, reporting to `scope.progress` when it is set."""
    rows = RECORDS[sheet](scope)
    if scope.progress is None:
        return rows
    return _reported(rows, scope.progress)


def _reported(
    rows: Iterator[Record], progress: Callable[[int], None]
) -> Iterator[Record]:
    count = 0
    for count, row in enumerate(rows, 1):
        yield row
        if count % PROGRESS_ROWS == 0:
            progress(PROGRESS_ROWS)
    if count % PROGRESS_ROWS:
        progress(count % PROGRESS_ROWS)


def export_row_total(fmt: str, scope: ExportScope, *, sheet: str = "") -> int:
    """How many rows an export writes (the 4W: service × commune rows, at least
    one per service; GeoJSON: the mapped communes), in a few COUNT queries."""
    if fmt == "geojson":
        return Commune.objects.filter(
            Q(boundary__isnull=False)
            | Q(latitude__isnull=False, longitude__isnull=False)
        ).count()
    if fmt in DEFAULT_SHEETS:
        return _sheet_total(sheet or DEFAULT_SHEETS[fmt], scope)
    return sum(_sheet_total(name, scope) for name in SHEETS)


def _sheet_total(sheet: str, scope: ExportScope) -> int:
    if sheet == "organisations":
        return _in_scope(Organisation.objects.all(), scope, "pk").count()
    if sheet == "contacts":
        if scope.contacts is None:
            return 0
        return _in_scope(scope.contacts, scope, "organisation_id").count()
    if sheet == "relations":
        relations = Relation.objects.all()
        return _in_scope(relations, scope, "source_id", "target_id").count()
    services = _scope_services(scope)
    if sheet == "services":
        return services.count()
    if scope.services is None:
        served = _in_scope(ServiceCommune.objects.all(), scope, "organisation_id")
    else:
        served = ServiceCommune.objects.filter(service_id__in=services.values("pk"))
    if scope.communes is not None:
        return served.filter(commune_id__in=scope.communes).count()
    return max(served.count(), services.count())


# The fields of the JSON dump: the register API's, in its order.
API_FIELDS: dict[str, tuple[str, ...]] = {
    "organisations": tuple(OrganisationOut.model_fields),
    "contacts": tuple(ContactOut.model_fields),
    "services": tuple(ServiceOut.model_fields),
    "relations": tuple(RelationOut.model_fields),
}


# JSON


class _Encoder(DjangoJSONEncoder):
    pass


def json_chunks(scope: ExportScope) -> Iterator[str]:
    """The JSON dump, in pieces: {"organisations": [...], "services": [...],
    "contacts": [...], "relations": [...]} with the register API's fields."""
    encode = _Encoder(ensure_ascii=False).encode
    for index, sheet in enumerate(
        ("organisations", "services", "contacts", "relations")
    ):
        names = API_FIELDS[sheet]
        yield ("{" if index == 0 else "],") + json.dumps(sheet) + ":["
        buffer: list[str] = []
        first = True
        for record in records(sheet, scope):
            text = encode({name: record[name] for name in names})
            buffer.append(text if first else "," + text)
            first = False
            if len(buffer) >= FLUSH_ROWS:
                yield "".join(buffer)
                buffer.clear()
        if buffer:
            yield "".join(buffer)
    yield "]}\n"


# GeoJSON


def geojson_chunks(scope: ExportScope) -> Iterator[str]:
    """A FeatureCollection, one feature per commune that has a boundary (or else a
    point): its NIS code, name, and the number of services and organisations
    serving it, in all and by theme. Raises ExportError when no commune has a
    geometry (boundaries are the operator's data and may not be loaded)."""
    mapped = Commune.objects.filter(
        Q(boundary__isnull=False) | Q(latitude__isnull=False, longitude__isnull=False)
    )
    if not mapped.exists():
        raise ExportError(
            "No commune has a boundary or coordinates: load them with "
            "`manage.py import_boundaries` first."
        )
    served = _in_scope(ServiceCommune.objects.all(), scope, "service__organisation_id")
    totals = {
        row["commune_id"]: row
        for row in served.order_by()
        .values("commune_id")
        .annotate(
            services=Count("service_id", distinct=True),
            organisations=Count("service__organisation_id", distinct=True),
        )
    }
    by_theme: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in (
        served.order_by()
        .values("commune_id", "service__theme__code")
        .annotate(
            services=Count("service_id", distinct=True),
            organisations=Count("service__organisation_id", distinct=True),
        )
    ):
        by_theme[row["commune_id"]][row["service__theme__code"]] = {
            "services": row["services"],
            "organisations": row["organisations"],
        }
    return _features(mapped, totals, by_theme)


def _features(
    communes: QuerySet[Commune],
    totals: dict[str, dict[str, Any]],
    by_theme: dict[str, dict[str, dict[str, int]]],
) -> Iterator[str]:
    yield '{"type":"FeatureCollection","features":['
    rows = communes.order_by("nis").values_list(
        "nis",
        "name_fr",
        "name_nl",
        "name_de",
        "province_id",
        "arrondissement_id",
        "boundary",
        "latitude",
        "longitude",
    )
    for index, row in enumerate(rows.iterator(chunk_size=50)):
        nis, name_fr, name_nl, name_de, province, arrondissement, *where = row
        boundary, latitude, longitude = where
        geometry = boundary or {"type": "Point", "coordinates": [longitude, latitude]}
        total = totals.get(nis, {})
        feature = {
            "type": "Feature",
            "id": nis,
            "geometry": geometry,
            "properties": {
                "nis": nis,
                "name": name_fr or name_nl or name_de,
                "name_fr": name_fr,
                "name_nl": name_nl,
                "name_de": name_de,
                "province": province,
                "arrondissement": arrondissement,
                "services": total.get("services", 0),
                "organisations": total.get("organisations", 0),
                "themes": by_theme.get(nis, {}),
            },
        }
        yield ("," if index else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}\n"


# Spreadsheets: CSV and XLSX


RowValues = Callable[[Record], list[Any]]

# Which record field each column of a sheet shows, where the names differ.
FOUR_W_SOURCES = {
    "organisation_name": "organisation_name",
    "enterprise_number": "organisation_enterprise_number",
    "actor_type": "organisation_actor_type",
    "activity_title": "title",
    "province_code": "province",
    "arrondissement_code": "arrondissement",
    "commune_code": "commune",
    "contact_email": "organisation_email",
}


def _row_values(
    columns: Sequence[Column],
    sources: dict[str, str],
    shown: "Presentation | None" = None,
) -> RowValues:
    """The function giving a record's values in the columns' order; lists are
    joined with the separator the import splits on. `shown`, when given, writes
    each value for people or for another register (see `Presentation`)."""
    plan = [
        (
            sources.get(column.key, column.key),
            column.is_multiple,
            shown.writer(column) if shown is not None else None,
        )
        for column in columns
    ]
    separator = SEPARATOR if shown is None else shown.separator

    def values(record: Record) -> list[Any]:
        row: list[Any] = []
        for source, multiple, write in plan:
            value = record.get(source)
            if multiple:
                items = value or ()
                if write is not None:
                    items = [write(item) for item in items]
                value = separator.join(str(item) for item in items)
            elif write is not None and value is not None:
                value = write(value)
            row.append(value)
        return row

    return values


# How an export is written: for the import (codes and platform ids), for people
# (names and labels in the reader's language), or for another register (platform
# ids left out, organisations named by what any register knows them by).
STYLES = ("machine", "readable", "portable")
Style = Literal["machine", "readable", "portable"]
STYLE_SUFFIXES = {"readable": "lisible", "portable": "portable"}


class Presentation:
    """Writes a sheet's values for people (`readable`) or for another register
    (`portable`). It reads the names it needs once per export: vocabularies and
    communes from the cache, organisations in one query."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.separator = "; " if style == "readable" else SEPARATOR
        self._organisations: dict[int, str] | None = None

    def organisations(self) -> dict[int, str]:
        if self._organisations is None:
            rows = Organisation.objects.values_list(
                "pk", "name", "enterprise_number", "external_id"
            )
            if self.style == "readable":
                self._organisations = {pk: name for pk, name, _n, _e in rows}
            else:
                self._organisations = {
                    pk: portable_reference(name, number, external)
                    for pk, name, number, external in rows
                }
        return self._organisations

    def writer(self, column: Column) -> Callable[[Any], Any] | None:
        """How a column's values are written; None: as they are."""
        kind = column.kind
        if kind in (Kind.ORGANISATION, Kind.ORGANISATIONS):
            return lambda pk: self.organisations().get(pk, pk)
        if self.style == "portable":
            return (lambda _pk: None) if kind == Kind.ID else None
        if kind in (Kind.CODE, Kind.CODES) and column.vocabulary is not None:
            vocabulary = cast(type[Term], column.vocabulary)
            names = {term.code: term.name for term in terms_by_id(vocabulary).values()}
            return lambda code: names.get(code, code)
        if kind == Kind.CHOICE and column.choices is not None:
            labels = {value: str(label) for value, label in column.choices.choices}
            return lambda value: labels.get(value, value)
        if kind == Kind.LANGUAGES:
            languages = {value: str(label) for value, label in SpokenLanguage.choices}
            return lambda code: languages.get(code, code)
        if kind in (Kind.COMMUNE, Kind.COMMUNES):
            communes = communes_by_nis()
            return lambda nis: communes[nis].name if nis in communes else nis
        if kind == Kind.BOOLEAN:
            yes, no = gettext("oui"), gettext("non")
            return lambda value: yes if value else no
        return None

    def header(self, column: Column) -> str:
        if self.style != "readable":
            return column.key
        labels = column.labels
        return labels.get(get_language() or "fr") or labels.get("fr") or column.key

    def sheet_name(self, sheet: str) -> str:
        if self.style != "readable":
            return sheet
        return str(SHEET_LABELS.get(sheet, sheet))


def portable_reference(name: str, number: str, external: str) -> str:
    """An organisation as another register finds it: its enterprise number
    (written 0123.456.789, which no spreadsheet takes for a number), else its
    external id, else its name."""
    if len(number) == 10 and number.isdigit():
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"
    return number or external or name


SHEET_LABELS = {
    "organisations": gettext_lazy("Organisations"),
    "contacts": gettext_lazy("Contacts"),
    "services": gettext_lazy("Services"),
    "relations": gettext_lazy("Relations"),
    FOUR_W: "4W",
}


def table(sheet: str, scope: ExportScope, style: Style = "machine") -> "Table":
    """A sheet of the export: the columns of `exchange.columns`, the scope's
    rows, written in the `style` asked for."""
    columns = columns_for(sheet)
    sources = FOUR_W_SOURCES if sheet == FOUR_W else {}
    shown = None if style == "machine" else Presentation(style)
    return Table(
        name=shown.sheet_name(sheet) if shown else sheet,
        keys=tuple(shown.header(c) if shown else c.key for c in columns),
        hashtags=tuple(column.hxl for column in columns),
        records=records(sheet, scope),
        values=_row_values(columns, sources, shown),
    )


@dataclass
class Table:
    """One sheet to write: its column keys, HXL hashtags, and rows; the writers
    count the rows they write in `count`."""

    name: str
    keys: tuple[str, ...]
    hashtags: tuple[str, ...]
    records: Iterable[Record]
    values: Callable[[Record], list[Any]]
    count: int = 0


class _Line:
    """A file-like object csv.writer writes one line into."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)


def csv_text(value: Any) -> str:
    """A value as CSV text: booleans and dates in a form the import reads back
    ("oui"/"non", ISO dates); text neutralised (an apostrophe before a formula
    sign that would start a cell, which the import takes off)."""
    kind = type(value)
    if kind is str:
        return neutralise(value)
    if value is None:
        return ""
    if kind is bool:
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return neutralise(str(value))


def csv_chunks(table: Table, *, hxl: bool = False) -> Iterator[str]:
    """UTF-8 CSV with a BOM (so that Excel reads it as UTF-8), in pieces of a few
    hundred rows: the header row of keys, the HXL hashtag row with `hxl`, then one
    row per record."""
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow(table.keys)
    if hxl:
        writer.writerow(table.hashtags)
    yield BOM + line.text
    line.text = ""
    for count, record in enumerate(table.records, 1):
        writer.writerow([csv_text(value) for value in table.values(record)])
        table.count = count
        if count % FLUSH_ROWS == 0:
            yield line.text
            line.text = ""
    if line.text:
        yield line.text


def write_xlsx(output: IO[bytes] | str, tables: Iterable[Table]) -> dict[str, int]:
    """An XLSX workbook, one sheet per table (`lib.spreadsheets`: rows go to disk
    as they come): frozen header, autofilter, typed cells, text as it is (a
    string cell is never run as a formula).
    Returns the number of rows written per sheet."""
    counts: dict[str, int] = {}
    with XlsxWriter(output) as workbook:
        for table in tables:
            sheet = workbook.add_sheet(table.name, header=table.keys)
            for record in table.records:
                sheet.write_row(table.values(record))
                table.count += 1
            sheet.autofilter()
            counts[table.name] = table.count
    return counts


def xlsx_file(tables: Iterable[Table]) -> IO[bytes]:
    """The workbook in a temporary file (gone once closed), rewound."""
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller closes
    write_xlsx(output, tables)
    output.seek(0)
    return output


def write_zip(output: IO[bytes] | str, tables: Iterable[Table]) -> None:
    """One CSV per table in a zip archive, each streamed into it."""
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            with archive.open(f"{table.name}.csv", "w") as member:
                for text in csv_chunks(table):
                    member.write(text.encode("utf-8"))


def text_to_bytes(chunks: Iterable[str]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk.encode("utf-8")


# One export, for the pages, the API and the command

# The sheet a single-table format writes when none is asked for.
DEFAULT_SHEETS = {"csv": "organisations", "hxl": FOUR_W}
EXTENSIONS = {"xlsx": "xlsx", "csv": "csv", "hxl": "csv", "geojson": "geojson"}


@dataclass
class Download:
    """What to send: either pieces of bytes to stream, or a file to send."""

    filename: str
    content_type: str
    chunks: Iterator[bytes] | None = None
    file: IO[bytes] | None = None


def _filename(stem: str, extension: str) -> str:
    return f"maillage-{stem}-{timezone.localdate().isoformat()}.{extension}"


def export_download(
    fmt: str, scope: ExportScope, *, sheet: str = "", style: Style = "machine"
) -> Download:
    """The export in a format; `sheet` chooses the table of CSV (organisations by
    default) and HXL (the 4W by default); `style` how XLSX and CSV are written
    (see `Presentation`). Raises ExportError for a GeoJSON without any geometry
    loaded; `fmt` and `sheet` must be valid (see FORMATS, CSV_SHEETS)."""
    suffix = "" if style == "machine" else f"-{STYLE_SUFFIXES[style]}"
    if fmt == "xlsx":
        tables = (table(name, scope, style) for name in SHEETS)
        return Download(
            _filename(f"registre{suffix}", "xlsx"),
            CONTENT_TYPES["xlsx"],
            file=xlsx_file(tables),
        )
    if fmt in DEFAULT_SHEETS:
        name = sheet or DEFAULT_SHEETS[fmt]
        hxl = fmt == "hxl"
        chunks = csv_chunks(table(name, scope, "machine" if hxl else style), hxl=hxl)
        stem = f"{name}-hxl" if hxl else f"{name}{suffix}"
        return Download(
            _filename(stem, "csv"), CONTENT_TYPES[fmt], chunks=text_to_bytes(chunks)
        )
    if fmt == "geojson":
        return Download(
            _filename("communes", "geojson"),
            CONTENT_TYPES["geojson"],
            chunks=text_to_bytes(geojson_chunks(scope)),
        )
    return Download(
        _filename("registre", "json"),
        CONTENT_TYPES["json"],
        chunks=text_to_bytes(json_chunks(scope)),
    )


def export_to_path(
    fmt: str,
    scope: ExportScope,
    path: str,
    *,
    sheet: str = "",
    style: Style = "machine",
) -> dict[str, int]:
    """Writes the export to a file (CSV without a sheet: every sheet, zipped);
    returns the rows written per table (empty for GeoJSON and JSON)."""
    if fmt == "xlsx":
        return write_xlsx(path, (table(name, scope, style) for name in SHEETS))
    if fmt == "csv" and not sheet:
        tables = [table(name, scope, style) for name in SHEETS]
        write_zip(path, tables)
        return {written.name: written.count for written in tables}
    counted: Table | None = None
    chunks: Iterator[str]
    if fmt in DEFAULT_SHEETS:
        hxl = fmt == "hxl"
        counted = table(
            sheet or DEFAULT_SHEETS[fmt], scope, "machine" if hxl else style
        )
        chunks = csv_chunks(counted, hxl=hxl)
    elif fmt == "geojson":
        chunks = geojson_chunks(scope)
    else:
        chunks = json_chunks(scope)
    with open(path, "w", encoding="utf-8", newline="") as output:
        for chunk in chunks:
            output.write(chunk)
    return {counted.name: counted.count} if counted is not None else {}
