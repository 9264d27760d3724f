"""Coverage and gaps: what the register offers in each territory for each theme,
against the people under temporary protection who live there.

Every figure is computed by the database, in one query per matrix: the active
service × commune rows (the register's own query, with the filters) are
grouped by territory and theme, the latest population figures by territory,
and every territory is crossed with every theme so that a cell without any
service reads 0 rather than being left out.

A service is active when its status is « en cours » and its organisation is
active; « as of » a date, it must also have started by then and not ended
(where its dates are given). A territory counts the distinct services that
serve at least one of its communes, the distinct organisations that run them
and the sum of their capacities (a service serving several communes of a
province counts once in the province, and in each of those communes).
"""

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from register.models import Organisation, Service, ServiceCommune
from taxonomy.models import Competence
from territory.models import Arrondissement, Commune, PopulationFigure, Province, Region

# A territory level: the communes' column naming their territory at that level.
LEVELS = {
    "region": "commune__region_id",
    "province": "commune__province_id",
    "arrondissement": "commune__arrondissement_id",
    "commune": "commune_id",
}
# The kinds of competence that make a level competent for a theme.
COMPETENT = (Competence.Kind.EXCLUSIVE, Competence.Kind.SHARED)
COMMUNE_COLUMN = {
    "region": "region_id",
    "province": "province_id",
    "arrondissement": "arrondissement_id",
    "commune": "nis",
}


@dataclass(frozen=True)
class CoverageFilters:
    """What a coverage matrix counts. Ids are resolved by the caller (an
    unknown code matches nothing); `theme` narrows the matrix to one main
    theme; `province` narrows its territories to one province's."""

    by: str = "province"
    theme: int | None = None
    level: int | None = None
    sector: int | None = None
    actor_type: int | None = None
    target_group: int | None = None
    language: str = ""
    delivery_mode: str = ""
    as_of: datetime.date | None = None
    province: str = ""
    competent_only: bool = False


@dataclass(frozen=True)
class CoverageCell:
    territory: str
    theme: int
    services: int
    organisations: int
    capacity: int | None
    population: int | None
    per_1000: float | None
    capacity_per_1000: float | None


def active_service_communes(filters: CoverageFilters) -> QuerySet[ServiceCommune]:
    """The service × commune rows of the active services the filters keep."""
    rows = ServiceCommune.objects.filter(
        service__status=Service.Status.ONGOING,
        organisation__status=Organisation.Status.ACTIVE,
    )
    if filters.theme is not None:
        rows = rows.filter(theme_id=filters.theme)
    if filters.as_of is not None:
        rows = rows.filter(
            Q(service__start_date__isnull=True)
            | Q(service__start_date__lte=filters.as_of),
            Q(service__end_date__isnull=True) | Q(service__end_date__gte=filters.as_of),
        )
    for name in ("level", "sector", "actor_type"):
        value = getattr(filters, name)
        if value is not None:
            rows = rows.filter(**{f"organisation__{name}_id": value})
    if filters.target_group is not None:
        rows = rows.filter(service__target_groups=filters.target_group)
    if filters.language:
        rows = rows.filter(service__languages__icontains=f'"{filters.language}"')
    if filters.delivery_mode:
        rows = rows.filter(service__delivery_mode=filters.delivery_mode)
    if filters.competent_only:
        # Organisations of a level the law makes competent for the theme.
        rows = rows.filter(
            Exists(
                Competence.objects.filter(
                    theme_id=OuterRef("theme_id"),
                    level_id=OuterRef("organisation__level_id"),
                    kind__in=COMPETENT,
                )
            )
        )
    if filters.province:
        rows = rows.filter(commune__province_id=filters.province)
    return rows


def territories(
    by: str, province: str = "", communes: Collection[str] | None = None
) -> QuerySet[Any]:
    """The codes of the territories of a level in the platform's scope (or
    in one province; or holding one of `communes`), as a query."""
    scope = settings.TERRITORY_SCOPE
    if communes is not None:
        holding = Commune.objects.filter(nis__in=list(communes)).values(
            COMMUNE_COLUMN[by]
        )
        return territories(by, province).filter(nis__in=holding)
    if by == "region":
        regions = Region.objects.all()
        return (regions if scope == "BE" else regions.filter(nis=scope)).values("nis")
    model: Any = {"province": Province, "arrondissement": Arrondissement}.get(
        by, Commune
    )
    places: QuerySet[Any] = model.objects.all()
    if scope != "BE":
        places = places.filter(region_id=scope)
    if province:
        places = places.filter(
            **({"nis": province} if model is Province else {"province_id": province})
        )
    return places.values("nis")


def _sql(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def latest_population_sql(as_of: datetime.date | None) -> tuple[str, tuple[Any, ...]]:
    """Each commune's latest figure of people under temporary protection on
    `as_of` (today when None): (commune_id, value)."""
    day = as_of or datetime.date.max
    table = PopulationFigure._meta.db_table
    indicator = PopulationFigure.Indicator.TEMPORARY_PROTECTION
    return (
        f"SELECT f.commune_id AS commune, f.value AS value FROM {table} f "  # noqa: S608
        "WHERE f.indicator = %s AND f.date <= %s AND NOT EXISTS ("
        f"SELECT 1 FROM {table} g WHERE g.commune_id = f.commune_id "
        "AND g.indicator = f.indicator AND g.date > f.date AND g.date <= %s)",
        (indicator, day, day),
    )


def coverage_matrix(
    filters: CoverageFilters,
    themes: Sequence[int],
    *,
    gaps_below: float | None = None,
    communes: Collection[str] | None = None,
) -> list[CoverageCell]:
    """One cell per territory of the level × theme, zeros included, in one
    query. With `gaps_below`, only the gaps: territories where people under
    temporary protection live and a theme has no active service or fewer
    than `gaps_below` per 1,000 of them, the most people first. With
    `communes`, only the territories holding one of them (a focal point's)."""
    if not themes or (communes is not None and not communes):
        return []
    by = filters.by if filters.by in LEVELS else "province"
    rows = active_service_communes(filters).values(
        cell_territory=F(LEVELS[by]),
        cell_theme=F("theme_id"),
        cell_service=F("service_id"),
        cell_organisation=F("organisation_id"),
        cell_capacity=F("service__capacity"),
    )
    if by != "commune":
        # A service serving several communes of a territory counts once there.
        rows = rows.distinct()
    rows_sql, rows_params = _sql(rows.order_by())
    places_sql, places_params = _sql(
        territories(by, filters.province, communes).order_by()
    )
    latest_sql, latest_params = latest_population_sql(filters.as_of)
    commune_table = Commune._meta.db_table
    column = COMMUNE_COLUMN[by]
    theme_list = ", ".join(["%s"] * len(themes))
    theme_values = " UNION ALL ".join(["SELECT %s AS id"] * len(themes))
    sql = (
        f"WITH served AS ({rows_sql}), "  # noqa: S608
        "cov AS (SELECT cell_territory AS territory, cell_theme AS theme, "
        "COUNT(*) AS services, COUNT(DISTINCT cell_organisation) AS organisations, "
        "SUM(cell_capacity) AS capacity FROM served "
        f"WHERE cell_theme IN ({theme_list}) GROUP BY cell_territory, cell_theme), "
        f"latest AS ({latest_sql}), "
        f"pop AS (SELECT c.{column} AS territory, SUM(latest.value) AS population "
        f"FROM latest JOIN {commune_table} c ON c.nis = latest.commune "
        # One province's people only, when the services are its own.
        f"{'WHERE c.province_id = %s ' if filters.province else ''}"
        f"GROUP BY c.{column}), "
        f"places AS ({places_sql}), "
        f"themes AS ({theme_values}), "
        "cells AS (SELECT places.nis AS territory, themes.id AS theme, "
        "COALESCE(cov.services, 0) AS services, "
        "COALESCE(cov.organisations, 0) AS organisations, "
        "cov.capacity AS capacity, pop.population AS population, "
        "CASE WHEN pop.population > 0 THEN "
        "COALESCE(cov.services, 0) * 1000.0 / pop.population END AS per_1000, "
        "CASE WHEN pop.population > 0 AND cov.capacity IS NOT NULL THEN "
        "cov.capacity * 1000.0 / pop.population END AS capacity_per_1000 "
        "FROM places CROSS JOIN themes "
        "LEFT JOIN cov ON cov.territory = places.nis AND cov.theme = themes.id "
        "LEFT JOIN pop ON pop.territory = places.nis) "
        "SELECT territory, theme, services, organisations, capacity, population, "
        "per_1000, capacity_per_1000 FROM cells"
    )
    params: list[Any] = [
        *rows_params,
        *themes,
        *latest_params,
        *([filters.province] if filters.province else []),
        *places_params,
        *themes,
    ]
    if gaps_below is not None:
        sql += (
            " WHERE population > 0 AND (services = 0 OR per_1000 < %s)"
            " ORDER BY population DESC, territory, theme"
        )
        params.append(gaps_below)
    else:
        sql += " ORDER BY territory, theme"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            CoverageCell(
                territory=str(territory),
                theme=int(theme),
                services=int(services),
                organisations=int(organisations),
                capacity=None if capacity is None else int(capacity),
                population=None if population is None else int(population),
                per_1000=None if per_1000 is None else round(float(per_1000), 2),
                capacity_per_1000=(
                    None if per_capacity is None else round(float(per_capacity), 2)
                ),
            )
            for (
                territory,
                theme,
                services,
                organisations,
                capacity,
                population,
                per_1000,
                per_capacity,
            ) in cursor.fetchall()
        ]
