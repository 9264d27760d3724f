"""Assessment of the coordination bodies: per body, its latest scores on the
five criteria, the levels of power sitting on it and the competent levels
missing from it; the overlaps between bodies; and the themes and territories
that no body covers. Computed by the database.

- A body's **levels** are the institutional levels of its members and
  convenors.
- A level is **competent** for a theme when the competence matrix says its
  competence is exclusive or shared; a sub-theme with no line of its own in the
  matrix takes its main theme's. A competent level is **missing** from a body
  when none of its members or convenors belongs to it.
- Bodies **in place** are those whose status is existing or active: proposed,
  dormant and dissolved bodies neither overlap nor cover anything.
- Two bodies in place **overlap** when they share a main theme (a sub-theme
  counts as its main theme) and at least one commune.
- A body **covers** a main theme in the communes of its territory; a commune
  is uncovered for a theme when no body in place covers it.
"""

import datetime
import operator
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import (
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast

from analysis.coverage import COMPETENT, latest_population_sql, territories
from analysis.models import BodyAssessment
from coordination.models import BodyMember, CoordinationBody
from register.models import Organisation
from taxonomy.models import Competence, Theme
from territory.models import Commune

IN_PLACE = (CoordinationBody.Status.EXISTING, CoordinationBody.Status.ACTIVE)
SORTS = ("name", "score", "-score")

_BodyThemes = CoordinationBody.themes.through
_BodyCommunes = CoordinationBody.communes.through
_Convenors = CoordinationBody.convenors.through


@dataclass(frozen=True)
class BodyFilters:
    """Which bodies the assessment reads. Ids are resolved by the caller (an
    unknown code matches nothing). `theme` is a main theme: bodies working on
    it or on one of its sub-themes; `level` is the body's own level;
    `province` keeps the bodies whose territory meets it and narrows the
    uncovered communes to it. `communes` and `themes` are a focal point's
    territory and themes."""

    theme: int | None = None
    level: int | None = None
    province: str = ""
    communes: frozenset[str] | None = None
    themes: frozenset[int] | None = None


@dataclass
class BodyLevels:
    """The levels sitting on a body, and the competent levels missing from it
    with the themes they are competent for."""

    present: set[int] = field(default_factory=set)
    missing: dict[int, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class BodyOverlap:
    """Two bodies in place sharing main themes over shared communes."""

    first: int
    second: int
    themes: tuple[int, ...]
    communes: int


@dataclass(frozen=True)
class Uncovered:
    """A main theme: how many communes bodies in place cover, which are
    uncovered, and how many people under temporary protection live there
    (None without figures)."""

    theme: int
    covered: int
    communes: tuple[str, ...]
    population: int | None


def _main_theme_of(theme_id: int) -> Q:
    return Q(theme_id=theme_id) | Q(theme__parent_id=theme_id)


def bodies(filters: BodyFilters) -> QuerySet[CoordinationBody]:
    """The bodies the filters keep, whatever their status."""
    rows = CoordinationBody.objects.all()
    if filters.theme is not None:
        rows = rows.filter(
            Exists(
                _BodyThemes.objects.filter(
                    _main_theme_of(filters.theme), coordinationbody_id=OuterRef("pk")
                )
            )
        )
    if filters.level is not None:
        rows = rows.filter(level_id=filters.level)
    if filters.province:
        rows = rows.filter(
            Exists(
                _BodyCommunes.objects.filter(
                    coordinationbody_id=OuterRef("pk"),
                    commune__province_id=filters.province,
                )
            )
        )
    if filters.communes is not None:
        rows = rows.filter(
            Exists(
                _BodyCommunes.objects.filter(
                    coordinationbody_id=OuterRef("pk"),
                    commune_id__in=sorted(filters.communes),
                )
            )
        )
    return rows


def body_rows(
    filters: BodyFilters, *, scores: bool = True, sort: str = "name"
) -> QuerySet[Any]:
    """The bodies with their level, and (`scores`) their latest assessment:
    the five scores, their `mean` and `assessed_on`, None when not assessed.
    `sort`: by name, by mean score (the weakest first; `-score`: the
    strongest first), those not assessed last."""
    rows = bodies(filters).select_related("level").prefetch_related("themes")
    if scores:
        latest = BodyAssessment.objects.filter(body=OuterRef("pk")).order_by(
            "-assessed_on", "-id"
        )
        rows = rows.annotate(
            **{
                name: Subquery(latest.values(name)[:1], IntegerField())
                for name in BodyAssessment.CRITERIA
            },
            assessed_on=Subquery(latest.values("assessed_on")[:1]),
            assessment_id=Subquery(latest.values("id")[:1], IntegerField()),
        ).annotate(
            mean=Cast(
                reduce(operator.add, (F(name) for name in BodyAssessment.CRITERIA)),
                FloatField(),
            )
            / len(BodyAssessment.CRITERIA)
        )
    if scores and sort == "score":
        return rows.order_by(F("mean").asc(nulls_last=True), "name", "id")
    if scores and sort == "-score":
        return rows.order_by(F("mean").desc(nulls_last=True), "name", "id")
    return rows.order_by("name", "id")


def _table(model: Any) -> str:
    return str(model._meta.db_table)


def body_levels(
    body_ids: Collection[int], *, present: bool = True
) -> dict[int, BodyLevels]:
    """The competent levels missing from each body and (`present`) the levels
    present on it (one query, two with those present)."""
    ids = sorted(body_ids)
    levels = {pk: BodyLevels() for pk in ids}
    if not ids:
        return levels
    if present:
        _levels_present(ids, levels)
    _missing_levels(ids, levels)
    return levels


def _levels_present(ids: list[int], levels: dict[int, BodyLevels]) -> None:
    members = (
        BodyMember.objects.filter(body_id__in=ids, organisation__level__isnull=False)
        .order_by()
        .values_list("body_id", "organisation__level_id")
    )
    convenors = (
        _Convenors.objects.filter(
            coordinationbody_id__in=ids, organisation__level__isnull=False
        )
        .order_by()
        .values_list("coordinationbody_id", "organisation__level_id")
    )
    for body_id, level_id in members.union(convenors).order_by():
        levels[body_id].present.add(level_id)


def _missing_levels(ids: list[int], levels: dict[int, BodyLevels]) -> None:
    competence = _table(Competence)
    organisation = _table(Organisation)
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        "SELECT DISTINCT bt.coordinationbody_id, c.level_id, bt.theme_id "  # noqa: S608
        f"FROM {_table(_BodyThemes)} bt "
        f"JOIN {_table(Theme)} t ON t.id = bt.theme_id "
        f"JOIN {competence} c ON c.theme_id = CASE WHEN EXISTS ("
        f"SELECT 1 FROM {competence} own WHERE own.theme_id = t.id) "
        "THEN t.id ELSE t.parent_id END "
        f"WHERE c.kind IN (%s, %s) AND bt.coordinationbody_id IN ({placeholders}) "
        f"AND NOT EXISTS (SELECT 1 FROM {_table(BodyMember)} m "
        f"JOIN {organisation} o ON o.id = m.organisation_id "
        "WHERE m.body_id = bt.coordinationbody_id AND o.level_id = c.level_id) "
        f"AND NOT EXISTS (SELECT 1 FROM {_table(_Convenors)} v "
        f"JOIN {organisation} o ON o.id = v.organisation_id "
        "WHERE v.coordinationbody_id = bt.coordinationbody_id "
        "AND o.level_id = c.level_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*COMPETENT, *ids])
        for body_id, level_id, theme_id in cursor.fetchall():
            levels[body_id].missing.setdefault(level_id, []).append(theme_id)


def _in_place_sql(filters: BodyFilters) -> tuple[str, tuple[Any, ...]]:
    rows = bodies(filters).filter(status__in=IN_PLACE).order_by().values("id")
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def _main_themes_sql(in_place: str) -> str:
    """The (body, main theme) pairs of the bodies in place."""
    return (
        "SELECT DISTINCT bt.coordinationbody_id AS body, "  # noqa: S608
        "COALESCE(t.parent_id, t.id) AS theme "
        f"FROM {_table(_BodyThemes)} bt JOIN {_table(Theme)} t ON t.id = bt.theme_id "
        f"WHERE bt.coordinationbody_id IN ({in_place})"
    )


def body_overlaps(filters: BodyFilters) -> list[BodyOverlap]:
    """Each pair of bodies in place sharing a main theme and communes, the
    most communes first (one query)."""
    in_place, params = _in_place_sql(filters)
    communes = _table(_BodyCommunes)
    territory = ""
    territory_params: list[Any] = []
    if filters.province:
        territory = (
            f" AND a.commune_id IN (SELECT nis FROM {_table(Commune)} "  # noqa: S608
            "WHERE province_id = %s)"
        )
        territory_params = [filters.province]
    sql = (
        f"WITH placed AS ({in_place}), "  # noqa: S608
        f"themes AS ({_main_themes_sql('SELECT id FROM placed')}), "
        "pairs AS (SELECT a.coordinationbody_id AS first, "
        "b.coordinationbody_id AS second, COUNT(*) AS communes "
        f"FROM {communes} a JOIN {communes} b ON b.commune_id = a.commune_id "
        "AND b.coordinationbody_id > a.coordinationbody_id "
        "WHERE a.coordinationbody_id IN (SELECT id FROM placed) "
        f"AND b.coordinationbody_id IN (SELECT id FROM placed){territory} "
        "GROUP BY a.coordinationbody_id, b.coordinationbody_id) "
        "SELECT p.first, p.second, p.communes, ta.theme FROM pairs p "
        "JOIN themes ta ON ta.body = p.first "
        "JOIN themes tb ON tb.body = p.second AND tb.theme = ta.theme "
        "ORDER BY p.communes DESC, p.first, p.second, ta.theme"
    )
    found: dict[tuple[int, int], tuple[int, list[int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *territory_params])
        for first, second, communes_shared, theme in cursor.fetchall():
            found.setdefault((first, second), (int(communes_shared), []))[1].append(
                theme
            )
    return [
        BodyOverlap(first, second, tuple(themes), shared)
        for (first, second), (shared, themes) in found.items()
    ]


def uncovered(
    filters: BodyFilters, themes: Sequence[int], as_of: datetime.date | None = None
) -> list[Uncovered]:
    """For each main theme given (in that order), the communes of the
    territory that no body in place covers, and the people under temporary
    protection living there by the latest figures (one query, two when no
    commune is uncovered)."""
    if not themes:
        return []
    in_place, params = _in_place_sql(filters)
    scope_sql, scope_params = _place(filters).query.sql_with_params()
    latest_sql, latest_params = latest_population_sql(as_of)
    placeholders = ", ".join(["%s"] * len(themes))
    sql = (
        f"WITH placed AS ({in_place}), "  # noqa: S608
        f"themes AS ({_main_themes_sql('SELECT id FROM placed')}), "
        f"place AS ({scope_sql}), "
        f"latest AS ({latest_sql}), "
        "covered AS (SELECT DISTINCT th.theme AS theme, bc.commune_id AS commune "
        f"FROM themes th JOIN {_table(_BodyCommunes)} bc "
        "ON bc.coordinationbody_id = th.body) "
        "SELECT t.id, p.nis, (SELECT COUNT(*) FROM place) AS communes, "
        "SUM(l.value) OVER (PARTITION BY t.id) AS people "
        f"FROM {_table(Theme)} t CROSS JOIN place p "
        "LEFT JOIN latest l ON l.commune = p.nis "
        f"WHERE t.id IN ({placeholders}) AND NOT EXISTS (SELECT 1 FROM covered c "
        "WHERE c.theme = t.id AND c.commune = p.nis) "
        "ORDER BY t.id, p.nis"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *scope_params, *latest_params, *themes])
        rows = cursor.fetchall()
    missing: dict[int, list[str]] = defaultdict(list)
    people: dict[int, int | None] = {}
    for theme, nis, _communes, population in rows:
        missing[theme].append(nis)
        people[theme] = None if population is None else int(population)
    total = int(rows[0][2]) if rows else _place(filters).count()
    return [
        Uncovered(
            theme, total - len(missing[theme]), tuple(missing[theme]), people.get(theme)
        )
        for theme in themes
    ]


def _place(filters: BodyFilters) -> QuerySet[Any]:
    """The codes of the communes of the filters' territory."""
    scope = territories("commune", filters.province)
    if filters.communes is not None:
        scope = scope.filter(nis__in=sorted(filters.communes))
    return scope
