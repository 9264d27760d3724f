"""The sector analysis's API: population figures per commune, read by every
signed-in role, written by coordinators. Thin adapters over territory.services."""

import datetime
import uuid
from dataclasses import replace
from typing import Any, Literal, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_auth import api_user
from accounts.permissions import can
from analysis import services as analysis_services
from analysis.access import analysis_scope_for_user
from analysis.bodies import (
    BodyFilters,
    body_levels,
    body_overlaps,
    body_rows,
    uncovered,
)
from analysis.coverage import CoverageFilters, coverage_matrix
from analysis.grid import (
    QUADRANTS,
    UNASSESSED,
    grid_counts,
    grid_organisations,
    quadrant_organisations,
)
from analysis.maps import map_geojson, theme_map
from analysis.models import BodyAssessment, ReportJob
from analysis.network import NetworkFilters, network_cached, organisation_labels
from analysis.overlaps import overlap_page
from analysis.report_files import (
    CONTENT_TYPES,
    get_report_job_for_user,
    report_job_create,
    report_job_expires_at,
)
from analysis.selectors import (
    BODY_VOCABULARIES,
    COVERAGE_VOCABULARIES,
    NETWORK_VOCABULARIES,
    main_themes,
    missing_levels,
    term_ids,
    terms_in_order,
)
from coordination.access import get_body_for_user
from lib.api import MAX_PAGE, Id, PageNumbers
from lib.filejobs import file_job_response
from lib.problems import conflict_schema, problems
from lib.spreadsheets import ReadError
from register.models import SpokenLanguage
from register.schemas import Line255, Note
from taxonomy.models import (
    InstitutionalLevel,
    TargetGroup,
    Term,
    Theme,
)
from taxonomy.selectors import terms_by_id
from territory import services as territory_services
from territory.models import POPULATION_MAX, Commune, PopulationFigure, Province
from territory.population import figures_read
from territory.selectors import commune_resolve

router = Router()

Indicator = Literal["temporary_protection", "total_population"]
COMMUNE_HELP = "NIS code of the commune; a former code is read as its successor's."


class PopulationFigureOut(Schema):
    id: int
    commune: str = Field(..., description="NIS code of the commune.")
    indicator: Indicator
    date: datetime.date
    value: int
    source: str
    fictitious: bool
    version: int = Field(..., description="Send it back to correct the figure.")
    updated_at: datetime.datetime

    @staticmethod
    def resolve_commune(obj: PopulationFigure) -> str:
        return obj.commune_id


class PopulationFigureIn(Schema):
    commune: str = Field(..., max_length=5, description=COMMUNE_HELP)
    indicator: Indicator
    date: datetime.date
    value: int = Field(..., ge=0, le=POPULATION_MAX)
    source: Line255 = ""
    fictitious: bool = False


class PopulationFigurePatch(Schema):
    """Only the fields sent change."""

    version: Id = Field(..., description="The version the client read.")
    commune: str | None = Field(None, max_length=5, description=COMMUNE_HELP)
    indicator: Indicator | None = None
    date: datetime.date | None = None
    value: int | None = Field(None, ge=0, le=POPULATION_MAX)
    source: Line255 | None = None
    fictitious: bool | None = None


class PopulationFiltersIn(Schema):
    commune: str = Field("", max_length=5, description=COMMUNE_HELP)
    province: str = Field("", max_length=5, description="NIS code of a province.")
    indicator: Indicator | None = None
    date_from: datetime.date | None = Field(
        None, description="Figures on or after this date."
    )
    date_to: datetime.date | None = Field(
        None, description="Figures on or before this date."
    )


class PopulationImportIn(Schema):
    indicator: Indicator | None = Field(
        None, description="For a file without an indicator column."
    )
    date: datetime.date | None = Field(
        None, description="For a file without a date column."
    )
    source: Line255 = Field("", description="For a file without a source column.")
    dry_run: bool = Field(False, description="Check the file; write nothing.")


class PopulationImportOut(Schema):
    created: int
    corrected: int
    unchanged: int
    written: bool


def _in_scope() -> QuerySet[Commune]:
    return Commune.objects.in_scope(settings.TERRITORY_SCOPE)


def _commune(text: str | None) -> str:
    """The NIS code in force of a commune in scope; a 422 otherwise."""
    commune = commune_resolve((text or "").strip())
    if commune is None or not _in_scope().filter(nis=commune.nis).exists():
        raise ValidationError(
            {
                "commune": _("« %(value)s » n'est pas une commune connue.")
                % {"value": text}
            }
        )
    return commune.nis


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {name: value for name, value in data.items() if name != "version"}
    for name, value in fields.items():
        if value is None:
            raise ValidationError({name: _("Ce champ est obligatoire.")})
    if "commune" in fields:
        fields["commune_id"] = _commune(fields.pop("commune"))
    return fields


@router.get(
    "/population",
    response={200: list[PopulationFigureOut], **problems(401, 422)},
    operation_id="analysis_population_list",
    summary="Population figures per commune and date",
)
@paginate(PageNumbers)
def list_population(
    request: HttpRequest, filters: Query[PopulationFiltersIn]
) -> QuerySet[PopulationFigure]:
    api_user(request, may="internal.view")
    figures = PopulationFigure.objects.filter(commune__in=_in_scope().values("nis"))
    if filters.commune:
        figures = figures.filter(commune_id=_commune(filters.commune))
    if filters.province:
        figures = figures.filter(commune__province_id=filters.province)
    if filters.indicator:
        figures = figures.filter(indicator=filters.indicator)
    if filters.date_from:
        figures = figures.filter(date__gte=filters.date_from)
    if filters.date_to:
        figures = figures.filter(date__lte=filters.date_to)
    return figures.order_by("commune_id", "indicator", "-date", "id")


@router.post(
    "/population",
    response={201: PopulationFigureOut, **problems(401, 403, 422)},
    operation_id="analysis_population_create",
    summary="Record a commune's figure at a date (coordinators)",
)
def create_population(
    request: HttpRequest, payload: PopulationFigureIn
) -> Status[PopulationFigure]:
    user = api_user(request, may="register.manage")
    figure = territory_services.population_figure_create(
        by=user, fields=_fields(payload.model_dump())
    )
    return Status(201, figure)


def _figure(pk: int) -> PopulationFigure:
    figure = PopulationFigure.objects.filter(
        pk=pk, commune__in=_in_scope().values("nis")
    ).first()
    if figure is None:
        raise Http404(f"No population figure has the id {pk}.")
    return figure


@router.post(
    "/population/import",
    response={200: PopulationImportOut, **problems(401, 403, 413, 422)},
    operation_id="analysis_population_import",
    summary="Import a CSV or XLSX file of figures, whole or not at all (coordinators)",
)
def import_population(
    request: HttpRequest,
    file: File[UploadedFile],
    params: Form[PopulationImportIn],
) -> territory_services.PopulationImportReport:
    user = api_user(request, may="register.manage")
    try:
        read = figures_read(
            file,  # type: ignore[arg-type]  # an UploadedFile reads like a binary file
            file.name or "",
            indicator=params.indicator or "",
            date=params.date,
            source=params.source,
        )
    except ReadError as error:
        raise ValidationError({"file": error.message}) from None
    if read.errors:
        raise ValidationError({"file": read.errors})
    return territory_services.population_figures_import(
        by=user, rows=read.rows, file_name=file.name or "", dry_run=params.dry_run
    )


@router.patch(
    "/population/{figure_id}",
    response={200: PopulationFigureOut, **problems(401, 403, 404, 409, 422)},
    operation_id="analysis_population_update",
    summary="Correct a population figure (coordinators)",
)
def update_population(
    request: HttpRequest, figure_id: Id, payload: PopulationFigurePatch
) -> PopulationFigure:
    user = api_user(request, may="register.manage")
    _figure(figure_id)
    return territory_services.population_figure_update(
        figure_id=figure_id,
        by=user,
        expected_version=payload.version,
        fields=_fields(payload.model_dump(exclude_unset=True)),
    )


def _figure_out(figure: PopulationFigure) -> PopulationFigureOut:
    return PopulationFigureOut.from_orm(figure)


# Coverage and gaps

By = Literal["region", "province", "arrondissement", "commune"]


class CoverageFieldsIn(Schema):
    theme: str = Field("", max_length=60, description="Code of a main theme.")
    province: str = Field(
        "", max_length=5, description="NIS code of a province: its territories only."
    )
    level: str = Field("", max_length=60, description="Code of a level.")
    sector: str = Field("", max_length=60, description="Code of a sector.")
    actor_type: str = Field("", max_length=60, description="Code of an actor type.")
    target_group: str = Field("", max_length=60, description="Code of a target group.")
    language: str = Field(
        "", max_length=2, description="A language the service offers."
    )
    delivery_mode: Literal["", "on_site", "remote", "mobile", "mixed"] = ""
    as_of: datetime.date | None = Field(
        None, description="Services active on this date, figures of this date."
    )
    competent_only: bool = Field(
        False, description="Only organisations of a level competent for the theme."
    )


class CoverageFiltersIn(CoverageFieldsIn):
    by: By = Field("province", description="The level of the territories.")


class GapFiltersIn(CoverageFiltersIn):
    threshold: float = Field(
        0,
        ge=0,
        le=1000,
        description="A gap has fewer active services per 1,000 people (0: none).",
    )


class CoverageItemOut(Schema):
    territory: str = Field(..., description="NIS code of the territory.")
    theme: str = Field(..., description="Code of the main theme.")
    services: int
    organisations: int
    capacity: int | None
    population: int | None = Field(
        ..., description="People under temporary protection (latest figures)."
    )
    per_1000: float | None = Field(
        ..., description="Active services per 1,000 people under protection."
    )
    capacity_per_1000: float | None


class CoverageOut(Schema):
    items: list[CoverageItemOut]
    count: int
    by: By
    as_of: datetime.date | None


def _filter_ids(
    filters: Schema,
    vocabularies: tuple[tuple[str, type[Term]], ...],
    *,
    main_theme: bool = False,
) -> tuple[dict[str, int | None], dict[str, str]]:
    """The filters' codes turned into ids, and the errors of those unknown
    (a sub-theme where a main theme is asked; a province that is none)."""
    ids, unknown = term_ids(filters.model_dump(), vocabularies)
    errors = {
        name: _("« %(value)s » n'est pas un code connu.")
        % {"value": getattr(filters, name)}
        for name in unknown
    }
    theme = ids.get("theme")
    if main_theme and theme is not None and terms_by_id(Theme)[theme].parent_id:
        errors["theme"] = _("Choisissez un thème principal.")
    province = getattr(filters, "province", "")
    if province and not Province.objects.filter(nis=province).exists():
        errors["province"] = _("« %(value)s » n'est pas une province.") % {
            "value": province
        }
    return ids, errors


def _coverage_filters(filters: CoverageFieldsIn) -> tuple[CoverageFilters, list[int]]:
    """The filters with codes turned into ids, and the themes of the matrix;
    an unknown code is a 422."""
    ids, errors = _filter_ids(filters, COVERAGE_VOCABULARIES, main_theme=True)
    if filters.language and filters.language not in SpokenLanguage.values:
        errors["language"] = _("« %(value)s » n'est pas une langue connue.") % {
            "value": filters.language
        }
    if errors:
        raise ValidationError(errors)
    coverage_filters = CoverageFilters(
        by=getattr(filters, "by", "commune"),
        province=filters.province,
        language=filters.language,
        delivery_mode=filters.delivery_mode,
        as_of=filters.as_of,
        competent_only=filters.competent_only,
        **ids,
    )
    themes = [
        pk
        for pk, theme in sorted(
            terms_by_id(Theme).items(),
            key=lambda item: (item[1].position, item[1].code),
        )
        if theme.parent_id is None
        and theme.is_active
        and (ids["theme"] is None or pk == ids["theme"])
    ]
    return coverage_filters, themes


def _coverage_out(
    request: HttpRequest, filters: CoverageFiltersIn, gaps_below: float | None
) -> CoverageOut:
    user = api_user(request, may="internal.view")
    coverage_filters, themes = _coverage_filters(filters)
    scope = analysis_scope_for_user(user)
    if scope is not None:
        themes = [pk for pk in themes if pk in scope.themes]
    codes = {pk: term.code for pk, term in terms_by_id(Theme).items()}
    cells = coverage_matrix(
        coverage_filters,
        themes,
        gaps_below=gaps_below,
        communes=None if scope is None else scope.communes,
    )
    items = [
        CoverageItemOut(
            territory=cell.territory,
            theme=codes[cell.theme],
            services=cell.services,
            organisations=cell.organisations,
            capacity=cell.capacity,
            population=cell.population,
            per_1000=cell.per_1000,
            capacity_per_1000=cell.capacity_per_1000,
        )
        for cell in cells
    ]
    return CoverageOut(
        items=items, count=len(items), by=filters.by, as_of=filters.as_of
    )


@router.get(
    "/coverage",
    response={200: CoverageOut, **problems(401, 422)},
    operation_id="analysis_coverage",
    summary="Active services, organisations and capacity per territory and theme",
)
def get_coverage(
    request: HttpRequest, filters: Query[CoverageFiltersIn]
) -> CoverageOut:
    return _coverage_out(request, filters, None)


@router.get(
    "/gaps",
    response={200: CoverageOut, **problems(401, 422)},
    operation_id="analysis_gaps",
    summary="Territories with people under protection and no service for a theme",
)
def get_gaps(request: HttpRequest, filters: Query[GapFiltersIn]) -> CoverageOut:
    return _coverage_out(request, filters, filters.threshold)


class OverlapOut(Schema):
    organisations: list[int] = Field(..., description="The two organisations' ids.")
    shared: int = Field(..., description="Offers they share.")
    communes: int
    themes: int
    offers: list[dict[str, str]] = Field(
        ..., description="What they share: commune (NIS), theme, target group."
    )


class OverlapsOut(Schema):
    items: list[OverlapOut]
    count: int


class OverlapFiltersIn(CoverageFiltersIn):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(25, ge=1, le=100)


@router.get(
    "/overlaps",
    response={200: OverlapsOut, **problems(401, 422)},
    operation_id="analysis_overlaps",
    summary="Organisations offering the same theme to the same group in a commune, "
    "tied by no relation",
)
def get_overlaps(request: HttpRequest, filters: Query[OverlapFiltersIn]) -> OverlapsOut:
    user = api_user(request, may="internal.view")
    coverage_filters, _themes = _coverage_filters(filters)
    found, total = overlap_page(
        coverage_filters,
        offset=(filters.page - 1) * filters.page_size,
        limit=filters.page_size,
        scope=analysis_scope_for_user(user),
    )
    themes = {pk: term.code for pk, term in terms_by_id(Theme).items()}
    groups = {pk: term.code for pk, term in terms_by_id(TargetGroup).items()}
    return OverlapsOut(
        items=[
            OverlapOut(
                organisations=[overlap.first, overlap.second],
                shared=overlap.shared,
                communes=overlap.communes,
                themes=overlap.themes,
                offers=[
                    {
                        "commune": commune,
                        "theme": themes[theme],
                        "target_group": groups[group],
                    }
                    for commune, theme, group in overlap.offers
                ],
            )
            for overlap in found
        ],
        count=total,
    )


Quadrant = Literal[
    "manage_closely", "keep_satisfied", "keep_informed", "monitor", "unassessed"
]


class QuadrantOut(Schema):
    quadrant: Quadrant
    organisations: int
    suggested_strategy: str | None = Field(
        ..., description="inform, consult, involve or collaborate."
    )


class GridItemOut(Schema):
    organisation: int
    quadrant: Quadrant
    influence: int | None
    interest: int | None
    strategy: str | None = Field(..., description="The strategy recorded.")
    assessed_on: datetime.date | None


class GridOut(Schema):
    quadrants: list[QuadrantOut]
    items: list[GridItemOut]
    count: int


class GridFiltersIn(Schema):
    quadrant: Quadrant | None = Field(None, description="One quadrant's organisations.")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(100, ge=1, le=500)


@router.get(
    "/grid",
    response={200: GridOut, **problems(401, 403, 422)},
    operation_id="analysis_grid",
    summary="The influence/interest grid from each organisation's latest assessment",
)
def get_grid(request: HttpRequest, filters: Query[GridFiltersIn]) -> GridOut:
    api_user(request, may="assessment.view")
    counts = grid_counts()
    rows = (
        quadrant_organisations(filters.quadrant)
        if filters.quadrant
        else grid_organisations().order_by("name", "id")
    )
    start = (filters.page - 1) * filters.page_size
    page = rows[start : start + filters.page_size]
    return GridOut(
        quadrants=[
            QuadrantOut(
                quadrant=cast(Quadrant, name),
                organisations=counts[name],
                suggested_strategy=QUADRANTS[name][1] if name in QUADRANTS else None,
            )
            for name in [*QUADRANTS, UNASSESSED]
        ],
        items=[
            GridItemOut(
                organisation=organisation.pk,
                quadrant=organisation.quadrant,
                influence=organisation.influence,
                interest=organisation.interest,
                strategy=organisation.strategy,
                assessed_on=organisation.assessed_on,
            )
            for organisation in page
        ],
        count=counts[filters.quadrant] if filters.quadrant else sum(counts.values()),
    )


class NetworkFiltersIn(Schema):
    relation_type: str = Field("", max_length=60, description="Code of a type.")
    theme: str = Field("", max_length=60, description="Code of a main theme.")
    level: str = Field("", max_length=60, description="Code of a level.")
    province: str = Field(
        "", max_length=5, description="NIS code of the province of their seat."
    )


class NodeOut(Schema):
    id: int = Field(..., description="The organisation's id.")
    name: str = Field(..., description="Its name (and acronym).")
    degree: int
    in_degree: int
    out_degree: int
    betweenness: float = Field(..., description="Normalised as networkx does.")
    community: int
    component: int
    levels_reached: int = Field(..., description="Other levels among its neighbours.")
    level: str | None = Field(..., description="Code of its level, if it has one.")


class EdgeOut(Schema):
    source: int
    target: int


class DensityOut(Schema):
    levels: list[str]
    ties: int
    possible: int
    density: float


class NetworkOut(Schema):
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    algorithm: Literal["exact", "sampled"]
    components: int
    communities: int
    isolated: int
    level_density: list[DensityOut]


@router.get(
    "/network",
    response={200: NetworkOut, **problems(401, 422)},
    operation_id="analysis_network",
    summary="The relations between active organisations as a graph, with its measures",
)
def get_network(request: HttpRequest, filters: Query[NetworkFiltersIn]) -> NetworkOut:
    user = api_user(request, may="internal.view")
    ids, errors = _filter_ids(filters, NETWORK_VOCABULARIES)
    if errors:
        raise ValidationError(errors)
    scope = analysis_scope_for_user(user)
    network_filters = NetworkFilters(
        province=filters.province,
        communes=None if scope is None else scope.communes,
        **ids,
    )
    measured = network_cached(network_filters)
    names = organisation_labels(network_filters)
    levels = {pk: term.code for pk, term in terms_by_id(InstitutionalLevel).items()}
    return NetworkOut(
        nodes=[
            NodeOut(
                id=node.id,
                name=names.get(node.id, ""),
                degree=node.degree,
                in_degree=node.in_degree,
                out_degree=node.out_degree,
                betweenness=node.betweenness,
                community=node.community,
                component=node.component,
                levels_reached=node.levels_reached,
                level=levels.get(node.level) if node.level is not None else None,
            )
            for node in measured.nodes
        ],
        edges=[EdgeOut(source=a, target=b) for a, b in measured.edges],
        algorithm=cast(Literal["exact", "sampled"], measured.algorithm),
        components=measured.components,
        communities=measured.communities,
        isolated=measured.isolated,
        level_density=[
            DensityOut(
                levels=[levels[low], levels[high]],
                ties=ties,
                possible=possible,
                density=density,
            )
            for (low, high), (ties, possible, density) in measured.level_density.items()
        ],
    )


# The map


MapMeasure = Literal[
    "services", "organisations", "per_1000", "capacity_per_1000", "gap"
]


class MapFiltersIn(CoverageFieldsIn):
    measure: MapMeasure = Field(
        "per_1000",
        description="The figure that colours the communes; `gap`: people under "
        "temporary protection and no active service.",
    )


class MapLegendOut(Schema):
    category: str = Field(..., description="The class's key.")
    colour: str
    label: str
    low: float | None = Field(..., description="Lower bound (excluded above 0).")
    high: float | None = Field(..., description="Upper bound (included).")


class MapPropertiesOut(Schema):
    nis: str
    name: str
    value: float | None = Field(..., description="The figure measured (none: gap).")
    shown: str = Field(..., description="The figure as the page writes it.")
    services: int
    population: int | None
    category: str = Field(..., description="Its class in the legend.")
    colour: str
    label: str
    url: str = Field(..., description="The commune's page in the register.")


class MapFeatureOut(Schema):
    type: Literal["Feature"]
    id: str
    geometry: dict[str, Any] = Field(..., description="GeoJSON geometry (WGS84).")
    properties: MapPropertiesOut


class MapOut(Schema):
    type: Literal["FeatureCollection"]
    measure: MapMeasure
    theme: str
    legend: list[MapLegendOut]
    features: list[MapFeatureOut]


@router.get(
    "/map",
    response={200: MapOut, **problems(401, 422)},
    operation_id="analysis_map",
    summary="The communes coloured by a coverage figure for one theme (GeoJSON)",
)
def get_map(request: HttpRequest, filters: Query[MapFiltersIn]) -> HttpResponse:
    """One feature per commune with a boundary (none before they are
    imported); the theme is the first main theme when none is given."""
    user = api_user(request, may="internal.view")
    coverage_filters, themes = _coverage_filters(filters)
    scope = analysis_scope_for_user(user)
    if scope is not None:
        themes = [pk for pk in themes if pk in scope.themes]
    if not themes:
        raise ValidationError({"theme": _("Aucun thème à montrer sur la carte.")})
    themed = theme_map(
        coverage_filters,
        themes[0],
        filters.measure,
        communes=None if scope is None else scope.communes,
    )
    return HttpResponse(
        map_geojson(themed, terms_by_id(Theme)[themes[0]].code),
        content_type="application/json",
    )


# Assessment of the coordination bodies


BodyStatus = Literal["existing", "proposed", "active", "dormant", "ended"]


class BodyFiltersIn(Schema):
    theme: str = Field(
        "", max_length=60, description="Code of a main theme: bodies working on it."
    )
    level: str = Field("", max_length=60, description="Code of the bodies' level.")
    province: str = Field(
        "",
        max_length=5,
        description="NIS code of a province: bodies whose territory meets it; "
        "the uncovered communes are its own.",
    )


class BodyScoresOut(Schema):
    id: int = Field(..., description="The assessment's id.")
    mandate_clarity: int = Field(..., ge=1, le=5)
    participation: int = Field(..., ge=1, le=5)
    level_coverage: int = Field(..., ge=1, le=5)
    information_flow: int = Field(..., ge=1, le=5)
    decisions_followed_up: int = Field(..., ge=1, le=5)
    mean: float = Field(..., description="The mean of the five scores.")
    assessed_on: datetime.date


class MissingLevelOut(Schema):
    level: str = Field(..., description="Code of a competent level missing.")
    themes: list[str] = Field(..., description="The body's themes it is competent for.")


class BodyItemOut(Schema):
    id: int
    name: str
    status: BodyStatus
    level: str = Field(..., description="Code of the body's level.")
    themes: list[str] = Field(..., description="Codes of its themes.")
    levels: list[str] = Field(
        ..., description="Codes of the levels of its members and convenors."
    )
    missing_levels: list[MissingLevelOut]
    assessment: BodyScoresOut | None = Field(
        ...,
        description="Its latest assessment; null when none, and for focal points.",
    )


class BodyOverlapOut(Schema):
    bodies: list[int] = Field(..., description="The two bodies' ids.")
    themes: list[str] = Field(..., description="Codes of the main themes they share.")
    communes: int = Field(..., description="How many communes they share.")


class UncoveredOut(Schema):
    theme: str = Field(..., description="Code of a main theme.")
    covered: int = Field(..., description="Communes a body in place covers.")
    communes: list[str] = Field(..., description="NIS codes of the uncovered ones.")
    population: int | None = Field(
        ..., description="People under temporary protection living there."
    )


class BodiesOut(Schema):
    items: list[BodyItemOut]
    overlaps: list[BodyOverlapOut]
    uncovered: list[UncoveredOut]
    count: int


@router.get(
    "/bodies",
    response={200: BodiesOut, **problems(401, 422)},
    operation_id="analysis_bodies",
    summary="The coordination bodies: scores, levels, overlaps, what none covers",
)
def get_bodies(request: HttpRequest, filters: Query[BodyFiltersIn]) -> BodiesOut:
    user = api_user(request, may="internal.view")
    ids, errors = _filter_ids(filters, BODY_VOCABULARIES, main_theme=True)
    if errors:
        raise ValidationError(errors)
    body_filters = BodyFilters(
        theme=ids["theme"], level=ids["level"], province=filters.province
    )
    scope = analysis_scope_for_user(user)
    if scope is not None:
        body_filters = replace(
            body_filters, communes=scope.communes, themes=scope.themes
        )
    scores = can(user, "assessment.view")
    rows = list(body_rows(body_filters, scores=scores))
    levels = body_levels([body.pk for body in rows])
    level_codes = {
        pk: term.code for pk, term in terms_by_id(InstitutionalLevel).items()
    }
    theme_terms = terms_by_id(Theme)
    themes = [
        theme.pk
        for theme in main_themes()
        if (body_filters.theme is None or theme.pk == body_filters.theme)
        and (body_filters.themes is None or theme.pk in body_filters.themes)
    ]
    return BodiesOut(
        items=[
            BodyItemOut(
                id=body.pk,
                name=body.name,
                status=cast(BodyStatus, body.status),
                level=level_codes[body.level_id],
                themes=[theme.code for theme in body.themes.all()],
                levels=[
                    term.code
                    for term in terms_in_order(
                        levels[body.pk].present, InstitutionalLevel
                    )
                ],
                missing_levels=[
                    MissingLevelOut(
                        level=level.code, themes=[theme.code for theme in competent]
                    )
                    for level, competent in missing_levels(levels[body.pk].missing)
                ],
                assessment=_body_scores(body) if scores else None,
            )
            for body in rows
        ],
        overlaps=[
            BodyOverlapOut(
                bodies=[overlap.first, overlap.second],
                themes=[theme_terms[pk].code for pk in overlap.themes],
                communes=overlap.communes,
            )
            for overlap in body_overlaps(body_filters)
        ],
        uncovered=[
            UncoveredOut(
                theme=theme_terms[gap.theme].code,
                covered=gap.covered,
                communes=list(gap.communes),
                population=gap.population,
            )
            for gap in uncovered(body_filters, themes)
        ],
        count=len(rows),
    )


def _body_scores(body: Any) -> BodyScoresOut | None:
    if body.assessment_id is None:
        return None
    return BodyScoresOut(
        id=body.assessment_id,
        **{name: getattr(body, name) for name in BodyAssessment.CRITERIA},
        mean=round(body.mean, 2),
        assessed_on=body.assessed_on,
    )


class BodyAssessmentOut(Schema):
    id: int
    body: int
    mandate_clarity: int = Field(..., ge=1, le=5)
    participation: int = Field(..., ge=1, le=5)
    level_coverage: int = Field(..., ge=1, le=5)
    information_flow: int = Field(..., ge=1, le=5)
    decisions_followed_up: int = Field(..., ge=1, le=5)
    mean: float
    assessed_on: datetime.date
    author: str = Field(..., description="Name of who assessed.")
    note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_body(obj: BodyAssessment) -> int:
        return obj.body_id

    @staticmethod
    def resolve_author(obj: BodyAssessment) -> str:
        return str(obj.author)


class BodyAssessmentIn(Schema):
    mandate_clarity: int = Field(..., ge=1, le=5)
    participation: int = Field(..., ge=1, le=5)
    level_coverage: int = Field(..., ge=1, le=5)
    information_flow: int = Field(..., ge=1, le=5)
    decisions_followed_up: int = Field(..., ge=1, le=5)
    assessed_on: datetime.date | None = Field(None, description="Today when left out.")
    note: Note = ""


@router.get(
    "/bodies/{body_id}/assessments",
    response={200: list[BodyAssessmentOut], **problems(401, 403, 404, 422)},
    operation_id="analysis_body_assessment_list",
    summary="A coordination body's assessments, newest first (not for focal points)",
)
@paginate(PageNumbers)
def list_body_assessments(
    request: HttpRequest, body_id: Id
) -> QuerySet[BodyAssessment]:
    user = api_user(request, may="assessment.view")
    body = get_body_for_user(user, body_id)
    return (
        BodyAssessment.objects.filter(body=body)
        .select_related("author")
        .order_by("-assessed_on", "-id")
    )


@router.post(
    "/bodies/{body_id}/assessments",
    response={201: BodyAssessmentOut, **problems(401, 403, 404, 422)},
    operation_id="analysis_body_assessment_create",
    summary="Record an assessment of a coordination body (coordinators)",
)
def create_body_assessment(
    request: HttpRequest, body_id: Id, payload: BodyAssessmentIn
) -> Status[BodyAssessment]:
    user = api_user(request, may="register.manage")
    body = get_body_for_user(user, body_id, write=True)
    fields = payload.model_dump()
    fields["assessed_on"] = fields["assessed_on"] or timezone.localdate()
    return Status(
        201,
        analysis_services.body_assessment_create(by=user, body=body, fields=fields),
    )


# The report as a file


class ReportFiltersIn(CoverageFieldsIn):
    by: By = Field("province", description="The level of the territories.")
    format: Literal["pdf", "xlsx"] = Field(..., description="The file's format.")


class ReportJobOut(Schema):
    id: uuid.UUID
    format: Literal["pdf", "xlsx"]
    status: Literal["queued", "running", "done", "failed", "expired"]
    percent: int = Field(..., description="How far the build is, from 0 to 100.")
    steps_done: int
    steps_total: int
    error: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    file: str | None = Field(..., description="Where to download it once done.")

    @staticmethod
    def resolve_expires_at(obj: ReportJob) -> datetime.datetime:
        return report_job_expires_at(obj)

    @staticmethod
    def resolve_file(obj: ReportJob) -> str | None:
        if obj.status != ReportJob.Status.DONE:
            return None
        return reverse("api:get_report_file", args=[obj.pk])


@router.post(
    "/reports",
    response={202: ReportJobOut, **problems(401, 422)},
    operation_id="analysis_report_create",
    summary="Ask for the analysis report as a PDF or XLSX file, built by the worker",
)
def create_report(request: HttpRequest, payload: ReportFiltersIn) -> Status[ReportJob]:
    user = api_user(request, may="internal.view")
    coverage_filters, _themes = _coverage_filters(payload)
    job = report_job_create(
        user=user,
        fmt=payload.format,
        filters=coverage_filters,
        language=get_language() or settings.LANGUAGE_CODE,
    )
    job.refresh_from_db()
    return Status(202, job)


@router.get(
    "/reports/{job_id}",
    response={200: ReportJobOut, **problems(401, 404)},
    operation_id="analysis_report_detail",
    summary="A report file's progress, and where to download it once done",
)
def get_report(request: HttpRequest, job_id: uuid.UUID) -> ReportJob:
    return get_report_job_for_user(api_user(request), str(job_id))


@router.get(
    "/reports/{job_id}/file",
    response={200: None, **problems(401, 404)},
    operation_id="analysis_report_file",
    summary="The report file, once built",
)
def get_report_file(request: HttpRequest, job_id: uuid.UUID) -> HttpResponseBase:
    job = get_report_job_for_user(api_user(request), str(job_id))
    return file_job_response(job, CONTENT_TYPES[job.format])


# What a 409 shows: the figure as stored now (see maillage.api).
conflict_schema(PopulationFigure, _figure_out)
