"""The analysis report: every analysis for the filters chosen, gathered once
and written as a printable page, a PDF (WeasyPrint) or an XLSX workbook (one
sheet per table). Its figures are those of the analysis's own modules; this
one only collects them, in the order a steering committee reads them, with
the date, the filters, the data sources and the population figures' dates,
and draws its charts as SVG (in the page, the PDF and without JavaScript).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import can
from analysis.access import analysis_scope_for_user
from analysis.bodies import (
    IN_PLACE,
    BodyFilters,
    body_levels,
    body_overlaps,
    body_rows,
    uncovered,
)
from analysis.coverage import CoverageCell, CoverageFilters, coverage_matrix
from analysis.grid import QUADRANTS, UNASSESSED, grid_counts
from analysis.models import BodyAssessment
from analysis.network import NetworkFilters, network_cached, organisation_labels
from analysis.overlaps import overlap_page
from analysis.selectors import main_themes, missing_levels, terms_in_order
from coordination.models import CoordinationBody
from lib.collation import sort_key
from register.models import Organisation, Service, SpokenLanguage
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    Sector,
    TargetGroup,
    Term,
    Theme,
)
from taxonomy.selectors import terms_by_id
from territory.models import Arrondissement, Commune, PopulationFigure, Province, Region
from territory.selectors import communes_with_population

# What the page and the PDF list of the longer tables (the XLSX holds all).
GAPS_SHOWN = 30
OVERLAPS_SHOWN = 20
BROKERS_SHOWN = 15
# The parts built one after the other, for the progress of a background build.
STEPS = ("population", "coverage", "gaps", "overlaps", "network", "grid", "bodies")
TERRITORY_MODELS: dict[str, Any] = {
    "region": Region,
    "province": Province,
    "arrondissement": Arrondissement,
    "commune": Commune,
}


@dataclass
class Bar:
    label: str
    value: float
    shown: str
    width: float = 0.0


@dataclass
class BarChart:
    """A horizontal bar chart, drawn as SVG by its template."""

    title: str
    bars: list[Bar]
    unit: str
    label_width: int = 300
    bar_width: int = 360
    row_height: int = 17

    def __post_init__(self) -> None:
        highest = max((bar.value for bar in self.bars), default=0) or 1
        for bar in self.bars:
            bar.width = round(self.bar_width * bar.value / highest, 1)

    @property
    def height(self) -> int:
        return self.row_height * len(self.bars) + 8

    @property
    def width(self) -> int:
        return self.label_width + self.bar_width + 80


@dataclass
class Report:
    """Everything the report shows, gathered for one person and filters."""

    generated_at: datetime.datetime
    by: str
    filters: list[tuple[str, str]]
    themes: list[Theme]
    restricted: bool
    assessments: bool
    register: dict[str, int] = field(default_factory=dict)
    population: dict[str, Any] = field(default_factory=dict)
    population_sources: list[str] = field(default_factory=list)
    territories: dict[str, Any] = field(default_factory=dict)
    coverage: list[CoverageCell] = field(default_factory=list)
    gaps: list[CoverageCell] = field(default_factory=list)
    overlaps: list[dict[str, Any]] = field(default_factory=list)
    overlaps_total: int = 0
    network: Any = None
    brokers: list[dict[str, Any]] = field(default_factory=list)
    network_names: dict[int, str] = field(default_factory=dict)
    grid: dict[str, int] = field(default_factory=dict)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    body_overlaps: list[dict[str, Any]] = field(default_factory=list)
    uncovered: list[dict[str, Any]] = field(default_factory=list)
    charts: list[BarChart] = field(default_factory=list)

    def territory_name(self, nis: str) -> str:
        place = self.territories.get(nis)
        return str(place) if place is not None else nis

    @property
    def coverage_rows(self) -> list[dict[str, Any]]:
        """The coverage matrix as rows of territories, a cell per theme."""
        rows: dict[str, dict[str, Any]] = {}
        for cell in self.coverage:
            row = rows.setdefault(
                cell.territory,
                {
                    "name": self.territory_name(cell.territory),
                    "population": cell.population,
                    "cells": [],
                },
            )
            row["cells"].append(cell)
        return sorted(rows.values(), key=lambda row: sort_key(row["name"]))

    @property
    def gaps_shown(self) -> list[dict[str, Any]]:
        """The first gaps, as the page and the PDF list them."""
        names = _theme_names()
        return [
            {
                "territory": self.territory_name(cell.territory),
                "theme": names.get(cell.theme, ""),
                "population": cell.population,
            }
            for cell in self.gaps[:GAPS_SHOWN]
        ]

    @property
    def grid_rows(self) -> list[tuple[str, int]]:
        return [(label, self.grid.get(code, 0)) for code, label in quadrant_labels()]


def _theme_names() -> dict[int, str]:
    return {pk: str(term.name) for pk, term in terms_by_id(Theme).items()}


def _filter_labels(filters: CoverageFilters, by: str) -> list[tuple[str, str]]:
    """The filters as the report states them (those not set: « tous »)."""
    levels = {
        "region": _("Wallonie"),
        "province": _("provinces"),
        "arrondissement": _("arrondissements"),
        "commune": _("communes"),
    }
    labels = [(_("Territoires"), levels.get(by, by))]
    vocabularies: tuple[tuple[str, str, type[Term]], ...] = (
        ("theme", _("Thème"), Theme),
        ("level", _("Niveau"), InstitutionalLevel),
        ("sector", _("Secteur"), Sector),
        ("actor_type", _("Type d'acteur"), ActorType),
        ("target_group", _("Public cible"), TargetGroup),
    )
    for name, label, model in vocabularies:
        value = getattr(filters, name)
        if value is not None:
            term = terms_by_id(model).get(value)
            labels.append((label, str(term.name) if term else "?"))
    if filters.province:
        province = Province.objects.filter(nis=filters.province).first()
        labels.append((_("Province"), str(province) if province else filters.province))
    if filters.language:
        languages = dict(SpokenLanguage.choices)
        labels.append(
            (
                _("Langue proposée"),
                str(languages.get(filters.language, filters.language)),
            )
        )
    if filters.delivery_mode:
        labels.append(
            (
                _("Mode de prestation"),
                str(Service.DeliveryMode(filters.delivery_mode).label),
            )
        )
    labels.append(
        (
            _("Services actifs le"),
            filters.as_of.strftime("%d/%m/%Y") if filters.as_of else _("aujourd'hui"),
        )
    )
    return labels


def report_build(
    user: User,
    filters: CoverageFilters,
    *,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Gather the report for this person (a focal point's scope, assessments
    only for those who may read them). `progress(n)` is told each part built."""
    scope = analysis_scope_for_user(user)
    communes = None if scope is None else scope.communes
    themes = [
        theme
        for theme in main_themes()
        if (filters.theme is None or theme.pk == filters.theme)
        and (scope is None or theme.pk in scope.themes)
    ]
    theme_ids = [theme.pk for theme in themes]
    report = Report(
        generated_at=timezone.localtime(),
        by=filters.by,
        filters=_filter_labels(filters, filters.by),
        themes=themes,
        restricted=scope is not None,
        assessments=can(user, "assessment.view"),
    )
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done)

    # Wallonia's totals per theme (one row per theme, the same people).
    totals = coverage_matrix(
        replace(filters, by="region"), theme_ids, communes=communes
    )
    _population(report, filters, communes)
    step()
    model = TERRITORY_MODELS.get(filters.by, Province)
    places = model.objects.all()
    if model is Commune:
        places = places.defer("boundary")
    report.territories = {place.nis: place for place in places}
    report.coverage = coverage_matrix(filters, theme_ids, communes=communes)
    names = _theme_names()
    report.charts.append(
        BarChart(
            _("Services actifs par thème"),
            [
                Bar(
                    names[cell.theme],
                    cell.services,
                    number_format(cell.services, force_grouping=True),
                )
                for cell in totals
            ],
            _("services"),
        )
    )
    step()
    report.gaps = coverage_matrix(filters, theme_ids, gaps_below=0, communes=communes)
    people: dict[int, int] = {}
    for cell in report.gaps:
        people[cell.theme] = people.get(cell.theme, 0) + (cell.population or 0)
    report.charts.append(
        BarChart(
            _("Personnes sous protection temporaire vivant sans service du thème"),
            [
                Bar(
                    names[pk],
                    people.get(pk, 0),
                    number_format(people.get(pk, 0), force_grouping=True),
                )
                for pk in theme_ids
            ],
            _("personnes"),
        )
    )
    step()
    _overlaps(report, filters, scope)
    step()
    _network(report, filters, communes)
    step()
    if report.assessments:
        report.grid = grid_counts()
    step()
    _bodies(report, filters, scope, theme_ids)
    step()
    return report


def _population(
    report: Report, filters: CoverageFilters, communes: frozenset[str] | None
) -> None:
    organisations = Organisation.objects.filter(status=Organisation.Status.ACTIVE)
    report.register = {
        "organisations": organisations.count(),
        "services": Service.objects.filter(
            status=Service.Status.ONGOING, organisation__in=organisations
        ).count(),
        "bodies": CoordinationBody.objects.filter(status__in=IN_PLACE).count(),
    }
    figures = PopulationFigure.objects.filter(
        indicator=PopulationFigure.Indicator.TEMPORARY_PROTECTION,
        commune__in=Commune.objects.in_scope(settings.TERRITORY_SCOPE).values("nis"),
    )
    if filters.as_of is not None:
        figures = figures.filter(date__lte=filters.as_of)
    if filters.province:
        figures = figures.filter(commune__province_id=filters.province)
    if communes is not None:
        figures = figures.filter(commune_id__in=sorted(communes))
    report.population = figures.aggregate(
        first=Min("date"),
        last=Max("date"),
        communes=Count("commune", distinct=True),
        fictitious=Count("id", filter=Q(fictitious=True)),
    )
    # The latest figure of each commune of the scope on the date, summed.
    latest = communes_with_population(
        settings.TERRITORY_SCOPE, province=filters.province, as_of=filters.as_of
    )
    if communes is not None:
        latest = latest.filter(nis__in=sorted(communes))
    report.population["people"] = (
        latest.aggregate(people=Sum("protected"))["people"] or 0
    )
    report.population_sources = sorted(
        {source for source in figures.values_list("source", flat=True) if source}
    )


def _overlaps(report: Report, filters: CoverageFilters, scope: Any) -> None:
    found, total = overlap_page(filters, offset=0, limit=OVERLAPS_SHOWN, scope=scope)
    ids = {o.first for o in found} | {o.second for o in found}
    names = {
        organisation.pk: str(organisation)
        for organisation in Organisation.objects.filter(pk__in=ids).only(
            "id", "name", "acronym"
        )
    }
    report.overlaps = [
        {
            "first": names.get(overlap.first, ""),
            "second": names.get(overlap.second, ""),
            "shared": overlap.shared,
            "communes": overlap.communes,
            "themes": overlap.themes,
        }
        for overlap in found
    ]
    report.overlaps_total = total


def _network(
    report: Report, filters: CoverageFilters, communes: frozenset[str] | None
) -> None:
    network_filters = NetworkFilters(
        theme=filters.theme,
        level=filters.level,
        province=filters.province,
        communes=communes,
    )
    report.network = network_cached(network_filters)
    report.network_names = organisation_labels(network_filters)
    levels = terms_by_id(InstitutionalLevel)
    ranked = sorted(
        report.network.nodes, key=lambda node: (-node.betweenness, -node.degree)
    )
    report.brokers = [
        {
            "name": report.network_names.get(node.id, str(node.id)),
            "level": str(levels[node.level].name) if node.level in levels else "",
            "degree": node.degree,
            "betweenness": node.betweenness,
            "levels_reached": node.levels_reached,
        }
        for node in ranked[:BROKERS_SHOWN]
        if node.degree
    ]


def _bodies(
    report: Report, filters: CoverageFilters, scope: Any, theme_ids: list[int]
) -> None:
    body_filters = BodyFilters(
        theme=filters.theme,
        province=filters.province,
        communes=None if scope is None else scope.communes,
        themes=None if scope is None else scope.themes,
    )
    rows = list(body_rows(body_filters, scores=report.assessments))
    levels = body_levels([body.pk for body in rows])
    names = {body.pk: body.name for body in rows}
    for body in rows:
        report.bodies.append(
            {
                "body": body,
                "levels": terms_in_order(levels[body.pk].present, InstitutionalLevel),
                "missing": missing_levels(levels[body.pk].missing),
                "scores": [
                    getattr(body, name, None) for name in BodyAssessment.CRITERIA
                ]
                if report.assessments
                else [],
            }
        )
    theme_names = _theme_names()
    for overlap in body_overlaps(body_filters):
        report.body_overlaps.append(
            {
                "first": names.get(overlap.first, str(overlap.first)),
                "second": names.get(overlap.second, str(overlap.second)),
                "themes": [theme_names[pk] for pk in overlap.themes],
                "communes": overlap.communes,
            }
        )
    for gap in uncovered(body_filters, theme_ids, filters.as_of):
        report.uncovered.append(
            {
                "theme": theme_names[gap.theme],
                "covered": gap.covered,
                "uncovered": len(gap.communes),
                "population": gap.population,
            }
        )


def quadrant_labels() -> list[tuple[str, str]]:
    return [(name, str(label)) for name, (label, _strategy) in QUADRANTS.items()] + [
        (UNASSESSED, _("Pas encore évaluées"))
    ]
