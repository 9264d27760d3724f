"""Overlaps: organisations offering the same theme to the same target group in
the same commune, with no relation between them — candidates for coordination.

Computed by the database: the offers (commune, theme, target group,
organisation) of the active services the filters keep, each pair of
organisations sharing an offer and tied by no relation in either direction,
grouped by pair with how many offers, communes and themes they share, most
shared first.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.db.models import F

from analysis.access import AnalysisScope
from analysis.coverage import CoverageFilters, active_service_communes
from register.models import Relation


@dataclass
class Overlap:
    """Two organisations sharing offers, tied by no relation."""

    first: int
    second: int
    shared: int
    communes: int
    themes: int
    # (commune, theme, target group) ids of the offers they share.
    offers: list[tuple[str, int, int]] = field(default_factory=list)


def _offers_sql(
    filters: CoverageFilters,
    scope: AnalysisScope | None,
    organisations: Collection[int] | None = None,
) -> tuple[str, list[Any]]:
    # The target group in one filter, so that the offer's group is the one
    # kept (two filters on a many-to-many field join it twice).
    rows = active_service_communes(replace(filters, target_group=None))
    if filters.target_group is not None:
        rows = rows.filter(service__target_groups=filters.target_group)
    else:
        rows = rows.filter(service__target_groups__isnull=False)
    if organisations is not None:
        rows = rows.filter(organisation_id__in=sorted(organisations))
    if scope is not None:
        rows = rows.filter(
            commune_id__in=sorted(scope.communes), theme_id__in=sorted(scope.themes)
        )
    offers = (
        rows.values(
            offer_commune=F("commune_id"),
            offer_theme=F("theme_id"),
            offer_group=F("service__target_groups"),
            offer_organisation=F("organisation_id"),
        )
        .distinct()
        .order_by()
    )
    sql, params = offers.query.sql_with_params()
    return sql, list(params)


def _pairs_sql(
    filters: CoverageFilters,
    scope: AnalysisScope | None,
    organisations: Collection[int] | None = None,
) -> tuple[str, list[Any]]:
    offers_sql, params = _offers_sql(filters, scope, organisations)
    relations = Relation._meta.db_table
    return (
        f"WITH offers AS ({offers_sql}), "  # noqa: S608
        "shared AS (SELECT a.offer_organisation AS first, "
        "b.offer_organisation AS second, a.offer_commune AS commune, "
        "a.offer_theme AS theme, a.offer_group AS target_group "
        "FROM offers a JOIN offers b ON a.offer_commune = b.offer_commune "
        "AND a.offer_theme = b.offer_theme AND a.offer_group = b.offer_group "
        "AND a.offer_organisation < b.offer_organisation "
        f"WHERE NOT EXISTS (SELECT 1 FROM {relations} r WHERE "
        "(r.source_id = a.offer_organisation "
        "AND r.target_id = b.offer_organisation) "
        "OR (r.source_id = b.offer_organisation "
        "AND r.target_id = a.offer_organisation)))",
        params,
    )


def overlap_page(
    filters: CoverageFilters,
    *,
    offset: int,
    limit: int,
    scope: AnalysisScope | None = None,
) -> tuple[list[Overlap], int]:
    """A page of overlaps, most shared offers first, and how many there are
    (two queries: the pairs, then the offers the page's pairs share); within
    a focal point's `scope` when given."""
    if scope is not None and not (scope.communes and scope.themes):
        return [], 0
    pairs_sql, params = _pairs_sql(filters, scope)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{pairs_sql} SELECT first, second, COUNT(*) AS shared, "  # noqa: S608
            "COUNT(DISTINCT commune), COUNT(DISTINCT theme), COUNT(*) OVER () "
            "FROM shared GROUP BY first, second "
            "ORDER BY shared DESC, first, second LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        rows = cursor.fetchall()
    if not rows:
        return [], _pairs_total(pairs_sql, params) if offset else 0
    total = int(rows[0][5])
    overlaps = {
        (int(first), int(second)): Overlap(
            int(first), int(second), int(shared), int(communes), int(themes)
        )
        for first, second, shared, communes, themes, _total in rows
    }
    _add_offers(filters, scope, overlaps)
    return list(overlaps.values()), total


def _pairs_total(pairs_sql: str, params: list[Any]) -> int:
    """How many pairs there are, for a page past the last one."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"{pairs_sql} SELECT COUNT(*) FROM "  # noqa: S608
            "(SELECT first, second FROM shared GROUP BY first, second) pairs",
            params,
        )
        return int(cursor.fetchone()[0])


def _add_offers(
    filters: CoverageFilters,
    scope: AnalysisScope | None,
    overlaps: dict[tuple[int, int], Overlap],
) -> None:
    wanted: Sequence[tuple[int, int]] = list(overlaps)
    # Only the page's organisations' offers: the pairs of a page, not all.
    pairs_sql, params = _pairs_sql(
        filters, scope, {organisation for pair in wanted for organisation in pair}
    )
    condition = " OR ".join(["(first = %s AND second = %s)"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            f"{pairs_sql} SELECT first, second, commune, theme, target_group "  # noqa: S608
            f"FROM shared WHERE {condition} "
            "ORDER BY first, second, commune, theme, target_group",
            [*params, *(value for pair in wanted for value in pair)],
        )
        for first, second, commune, theme, target_group in cursor.fetchall():
            overlaps[int(first), int(second)].offers.append(
                (str(commune), int(theme), int(target_group))
            )
