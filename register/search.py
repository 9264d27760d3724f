"""Full-text search in the database's own index, accent- and case-insensitive.

Each searchable model keeps a `search_text` column: its words without accents,
lower-cased (`normalise`). SQLite indexes it in an FTS5 table kept in step by
triggers (migration `0002_full_text_search`); PostgreSQL stores its
`to_tsvector('simple', search_text)` in a generated column, `search_vector`, with
a GIN index (migration `0003_search_vector`), so that a row is matched without
parsing its text again. A query matches rows that
contain every word of it as a word or the start of one ("lieg" finds "Liège").
"""

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models.expressions import RawSQL

if TYPE_CHECKING:
    from register.models import Organisation, Service

SEARCHABLE_TABLES = ("register_organisation", "register_service")
MAX_WORDS = 8


def normalise(text: str) -> str:
    """'Liège – CPAS d’Eupen' → 'liege cpas d eupen'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[0-9a-z]+", stripped.casefold()))


def search_text(parts: Iterable[str | None]) -> str:
    """The parts, normalised, as one text. Words never span two parts, so each
    is normalised on its own: titles and names that come back (a bulk creation,
    an import, a reindex) are normalised once."""
    return " ".join(text for part in parts if part and (text := _normalised(part)))


@functools.lru_cache(maxsize=4096)
def _normalised(part: str) -> str:
    return normalise(part)


def organisation_search_parts(
    organisation: "Organisation", service_texts: Iterable[str | None]
) -> list[str | None]:
    """What an organisation is found by: its names, its acronym and the titles and
    descriptions of its services (`service_texts`)."""
    return [
        organisation.name,
        organisation.name_fr,
        organisation.name_nl,
        organisation.name_de,
        organisation.acronym,
        *service_texts,
    ]


def organisation_search_text(
    organisation: "Organisation", service_texts: Iterable[str | None]
) -> str:
    """The search text of an organisation (see `organisation_search_parts`)."""
    return search_text(organisation_search_parts(organisation, service_texts))


def service_search_parts(
    service: "Service", organisation: "Organisation"
) -> list[str | None]:
    """What a service is found by: its title, its description and the name and
    acronym of its organisation."""
    return [
        service.title,
        service.description,
        organisation.name,
        organisation.acronym,
    ]


def service_search_text(service: "Service", organisation: "Organisation") -> str:
    """The search text of a service (see `service_search_parts`)."""
    return search_text(service_search_parts(service, organisation))


class VectorMatch(models.Func):
    """PostgreSQL: `search_vector @@ to_tsquery('simple', query)` on the row's own
    table alias, which changes when the queryset becomes a subquery (an export's
    scope, a count). The column is reached through `search_text`, which the model
    knows, so that Django writes and relabels the alias."""

    output_field = models.BooleanField()

    def __init__(self, tsquery: str) -> None:
        super().__init__(models.F("search_text"))
        self.tsquery = tsquery

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.source_expressions[0])
        table, _dot, _name = column.rpartition(".")
        vector = f'{table}."search_vector"' if table else '"search_vector"'
        # The words are [0-9a-z]+ after normalise() and go in as a parameter.
        return f"{vector} @@ to_tsquery('simple', %s)", [*params, self.tsquery]


def search[M: models.Model](
    queryset: models.QuerySet[M], query: str
) -> models.QuerySet[M]:
    """Filter a queryset of a searchable model to the rows matching the query."""
    words = normalise(query).split()[:MAX_WORDS]
    if not words:
        return queryset
    table = queryset.model._meta.db_table
    if table not in SEARCHABLE_TABLES:
        raise ValueError(f"{table} has no full-text index.")
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{word}:*" for word in words)
        return queryset.alias(text_match=VectorMatch(tsquery)).filter(  # type: ignore[return-value]
            text_match=True
        )
    fts_query = " ".join(f'"{word}"*' for word in words)
    ids = RawSQL(  # noqa: S611
        f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s",  # noqa: S608
        [fts_query],
    )
    return queryset.filter(id__in=ids)


def search_count_sqlite(table: str, query: str, *, leaving_out: str) -> int:
    """How many rows of `table` match the query on SQLite, leaving out those
    whose status is `leaving_out`: the matches the full-text index counts by
    itself, less the few of that status (read through the status index).
    Counting the matches of a status otherwise reads each match's row for its
    status: a search finding three times as many rows took three times as long
    to count."""
    words = normalise(query).split()[:MAX_WORDS]
    if table not in SEARCHABLE_TABLES or not words:
        raise ValueError(f"No full-text search of {table} for {query!r}.")
    fts_query = " ".join(f'"{word}"*' for word in words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {table}_fts WHERE {table}_fts MATCH %s)"  # noqa: S608
            f" - (SELECT COUNT(*) FROM {table} WHERE status = %s AND id IN"
            f" (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s))",
            [fts_query, leaving_out, fts_query],
        )
        return int(cursor.fetchone()[0])
