"""Pages of the sector analysis: its index, and the population figures the
analysis measures coverage against (read by every signed-in role, entered,
corrected and imported by coordinators)."""

from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Sum
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import can, current_user, permission_required, require
from analysis import services as analysis_services
from analysis.access import analysis_scope_for_user
from analysis.bodies import (
    BodyFilters,
    body_levels,
    body_overlaps,
    body_rows,
    uncovered,
)
from analysis.coverage import CoverageCell, CoverageFilters, coverage_matrix
from analysis.forms import (
    MEASURE_CHOICES,
    BodyAssessmentForm,
    BodyFilterForm,
    CoverageFilterForm,
    NetworkFilterForm,
    PopulationFigureForm,
    PopulationFilterForm,
    PopulationImportForm,
)
from analysis.grid import (
    QUADRANTS,
    UNASSESSED,
    grid_counts,
    quadrant_organisations,
)
from analysis.maps import MEASURES, boundaries, map_value_shown, theme_map
from analysis.models import BodyAssessment, ReportJob
from analysis.network import (
    EXACT_BETWEENNESS_NODES,
    SAMPLED_SOURCES,
    NetworkFilters,
    network_cached,
)
from analysis.overlaps import overlap_page
from analysis.report import report_build
from analysis.report_files import (
    CONTENT_TYPES,
    get_report_job_for_user,
    report_job_create,
    report_job_expires_at,
)
from analysis.selectors import main_themes, missing_levels, terms_in_order
from coordination.access import get_body_for_user
from coordination.models import CoordinationBody
from lib.collation import sort_key
from lib.filejobs import file_job_response
from lib.forms import apply_service_errors
from lib.spreadsheets import ReadError
from lib.views import GET_POST, edit_versioned, render_page_or_partial
from register.area import area_summary
from register.models import Assessment, Organisation
from taxonomy.models import InstitutionalLevel, TargetGroup, Theme
from taxonomy.selectors import terms_by_id
from territory import selectors as territory_selectors
from territory import services as territory_services
from territory.models import (
    Arrondissement,
    Commune,
    PopulationFigure,
    Province,
    Region,
)
from territory.population import figures_read


@require_safe
@permission_required("internal.view")
def index(request: HttpRequest) -> HttpResponse:
    totals = _population_totals(
        territory_selectors.communes_with_population(settings.TERRITORY_SCOPE)
    )
    return render(
        request,
        "analysis/index.html",
        {"totals": totals, "perms_assessments": can(request.user, "assessment.view")},
    )


def _population_totals(communes: Any) -> dict[str, Any]:
    """What the latest figures add up to, and in how many communes."""
    totals: dict[str, Any] = communes.aggregate(
        protected_total=Sum("protected"),
        communes_count=Count("nis"),
        communes_with_figure=Count("protected"),
        latest=Max("protected_date"),
        population_total=Sum("population"),
    )
    return totals


@require_safe
@permission_required("internal.view")
def population_list(request: HttpRequest) -> HttpResponse:
    scope = settings.TERRITORY_SCOPE
    form = PopulationFilterForm(request.GET or None, scope=scope)
    province, as_of = "", None
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["province"]
        province = chosen.nis if chosen else ""
        as_of = form.cleaned_data["as_of"]
    communes = territory_selectors.communes_with_population(
        scope, province=province, as_of=as_of
    )
    if form.is_bound and not form.is_valid():
        communes = communes.none()
    rows = list(communes.order_by("search_names", "nis"))
    return render(
        request,
        "analysis/population_list.html",
        {
            "form": form,
            "communes": rows,
            "totals": _population_totals(communes),
            "fictitious": any(
                getattr(commune, "protected_fictitious", False) for commune in rows
            ),
            "can_manage": can(request.user, "register.manage"),
        },
    )


@require_safe
@permission_required("internal.view")
def population_commune(request: HttpRequest, nis: str) -> HttpResponse:
    commune = (
        Commune.objects.in_scope(settings.TERRITORY_SCOPE)
        .defer("boundary")
        .filter(nis=nis)
        .first()
    )
    if commune is None:
        raise Http404(f"No commune in scope has the code {nis}.")
    return render(
        request,
        "analysis/population_commune.html",
        {
            "commune": commune,
            "figures": list(territory_selectors.population_figures_of(nis)),
            "can_manage": can(request.user, "register.manage"),
        },
    )


@GET_POST
@permission_required("register.manage")
def population_create(request: HttpRequest) -> HttpResponse:
    scope = settings.TERRITORY_SCOPE
    initial = {"commune": request.GET.get("commune", "")[:5]}
    form = PopulationFigureForm(request.POST or None, initial=initial, scope=scope)
    if request.method == "POST" and form.is_valid():
        try:
            figure = territory_services.population_figure_create(
                by=current_user(request), fields=form.figure_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Le chiffre a été enregistré."))
            return redirect("analysis:population_commune", nis=figure.commune_id)
    return render(request, "analysis/population_form.html", {"form": form})


@GET_POST
@permission_required("register.manage")
def population_update(request: HttpRequest, pk: int) -> HttpResponse:
    scope = settings.TERRITORY_SCOPE
    figure = PopulationFigure.objects.filter(
        pk=pk, commune__in=Commune.objects.in_scope(scope).values("nis")
    ).first()
    if figure is None:
        raise Http404(f"No population figure has the id {pk}.")

    def form_for(data: QueryDict | None, current: PopulationFigure) -> Any:
        return PopulationFigureForm(data, instance=current, scope=scope)

    edit = edit_versioned(
        request,
        form_for(request.POST or None, figure),
        form_for=form_for,
        write=lambda form: territory_services.population_figure_update(
            figure_id=figure.pk,
            by=current_user(request),
            expected_version=form.cleaned_data["version"],
            fields=form.figure_fields(),
        ),
    )
    if edit.saved:
        messages.success(request, _("Le chiffre a été corrigé."))
        return redirect(
            "analysis:population_commune", nis=edit.form.cleaned_data["commune"].nis
        )
    return render(
        request,
        "analysis/population_form.html",
        {"form": edit.form, "figure": figure, "conflict": edit.conflict},
        status=edit.status,
    )


@GET_POST
@permission_required("register.manage")
def population_import(request: HttpRequest) -> HttpResponse:
    form = PopulationImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            read = figures_read(
                upload,
                upload.name,
                indicator=form.cleaned_data["indicator"],
                date=form.cleaned_data["date"],
                source=form.cleaned_data["source"],
            )
        except ReadError as error:
            errors = [error.message]
        else:
            errors = read.errors
            if not errors:
                report = territory_services.population_figures_import(
                    by=current_user(request),
                    rows=read.rows,
                    file_name=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                )
        finally:
            upload.close()
        if errors:
            status = 422
    return render(
        request,
        "analysis/population_import.html",
        {"form": form, "errors": errors, "report": report},
        status=status,
    )


# Coverage and gaps

GAPS_PER_PAGE = 50
TERRITORY_MODELS: dict[str, Any] = {
    "region": Region,
    "province": Province,
    "arrondissement": Arrondissement,
    "commune": Commune,
}


@dataclass
class Coverage:
    """What the coverage and gaps pages show, for the filters in the URL."""

    form: CoverageFilterForm
    filters: CoverageFilters
    themes: list[Theme]
    names: dict[str, Any]
    valid: bool
    restricted: bool


def _coverage(request: HttpRequest, *, gaps: bool) -> Coverage:
    form = CoverageFilterForm(request.GET or None, gaps=gaps)
    valid = not form.is_bound or form.is_valid()
    filters = form.coverage_filters() if form.is_bound and valid else CoverageFilters()
    scope = analysis_scope_for_user(current_user(request))
    themes = [
        theme
        for theme in main_themes()
        if (filters.theme is None or theme.pk == filters.theme)
        and (scope is None or theme.pk in scope.themes)
    ]
    model = TERRITORY_MODELS.get(filters.by, Province)
    places = model.objects.all()
    if model is Commune:
        places = places.defer("boundary")
    return Coverage(
        form=form,
        filters=filters,
        themes=themes,
        names={place.nis: place for place in places},
        valid=valid,
        restricted=scope is not None,
    )


def _scope_communes(request: HttpRequest) -> frozenset[str] | None:
    scope = analysis_scope_for_user(current_user(request))
    return None if scope is None else scope.communes


@dataclass
class MatrixCell:
    shown: str
    gap: bool


@dataclass
class MatrixRow:
    territory: Any
    url: str
    population: int | None
    cells: list[MatrixCell]


def _territory_url(by: str, place: Any) -> str:
    if place is None or by == "region":
        return ""
    if by == "commune":
        return reverse("register:commune_detail", args=[place.nis])
    return str(place.get_absolute_url())


def _shown(cell: CoverageCell, measure: str) -> str:
    """A cell's figure as the matrix shows it (— where it has none)."""
    if measure == "competent":
        return _("oui") if cell.services else _("non")
    value = getattr(cell, measure)
    if value is None:
        return "—"
    if isinstance(value, float):
        # number_format cuts the decimals it does not show: round first.
        return number_format(round(value, 1), decimal_pos=1, force_grouping=True)
    return number_format(value, force_grouping=True)


@require_safe
@permission_required("internal.view")
def coverage(request: HttpRequest) -> HttpResponse:
    shown = _coverage(request, gaps=False)
    cells = (
        coverage_matrix(
            shown.filters,
            [theme.pk for theme in shown.themes],
            communes=_scope_communes(request),
        )
        if shown.valid
        else []
    )
    measure = (
        shown.form.cleaned_data.get("measure")
        if shown.form.is_bound and shown.valid
        else ""
    ) or "services"
    rows: dict[str, MatrixRow] = {}
    for cell in cells:
        place = shown.names.get(cell.territory)
        row = rows.setdefault(
            cell.territory,
            MatrixRow(
                place, _territory_url(shown.filters.by, place), cell.population, []
            ),
        )
        row.cells.append(
            MatrixCell(
                shown=_shown(cell, measure),
                gap=bool(cell.population) and cell.services == 0,
            )
        )
    return render(
        request,
        "analysis/coverage.html",
        {
            "form": shown.form,
            "filters": shown.filters,
            "themes": shown.themes,
            "rows": sorted(
                rows.values(), key=lambda row: sort_key(str(row.territory or ""))
            ),
            "measure": measure,
            "measure_label": dict(MEASURE_CHOICES)[measure],
            "restricted": shown.restricted,
            "query": request.GET.urlencode(),
        },
        status=200 if shown.valid else 422,
    )


@dataclass
class GapRow:
    cell: CoverageCell
    place: Any
    url: str
    theme: Theme | None


@require_safe
@permission_required("internal.view")
def gaps(request: HttpRequest) -> HttpResponse:
    shown = _coverage(request, gaps=True)
    threshold = (
        shown.form.cleaned_data.get("threshold")
        if shown.form.is_bound and shown.valid
        else None
    )
    cells = (
        coverage_matrix(
            shown.filters,
            [theme.pk for theme in shown.themes],
            gaps_below=float(threshold or 0),
            communes=_scope_communes(request),
        )
        if shown.valid
        else []
    )
    themes = {theme.pk: theme for theme in shown.themes}
    page = Paginator(cells, GAPS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        GapRow(
            cell=cell,
            place=shown.names.get(cell.territory),
            url=_territory_url(shown.filters.by, shown.names.get(cell.territory)),
            theme=themes.get(cell.theme),
        )
        for cell in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "analysis/gaps.html",
        {
            "form": shown.form,
            "filters": shown.filters,
            "page": page,
            "rows": rows,
            "threshold": threshold,
            "restricted": shown.restricted,
            "query": query.urlencode(),
        },
        status=200 if shown.valid else 422,
    )


# Overlaps

OVERLAPS_PER_PAGE = 25


@require_safe
@permission_required("internal.view")
def overlaps(request: HttpRequest) -> HttpResponse:
    form = CoverageFilterForm(request.GET or None, overlaps=True)
    valid = not form.is_bound or form.is_valid()
    filters = form.coverage_filters() if form.is_bound and valid else CoverageFilters()
    number = request.GET.get("page", "1")
    page_number = (
        max(int(number), 1)
        if number.isascii() and number.isdigit() and len(number) < 9
        else 1
    )
    found, total = (
        overlap_page(
            filters,
            offset=(page_number - 1) * OVERLAPS_PER_PAGE,
            limit=OVERLAPS_PER_PAGE,
            scope=analysis_scope_for_user(current_user(request)),
        )
        if valid
        else ([], 0)
    )
    ids = {overlap.first for overlap in found} | {overlap.second for overlap in found}
    names = Organisation.objects.filter(pk__in=ids).only("id", "name", "acronym")
    organisations = (
        {organisation.pk: organisation for organisation in names} if ids else {}
    )
    codes = {offer[0] for overlap in found for offer in overlap.offers}
    communes = (
        {
            commune.nis: commune
            for commune in Commune.objects.filter(nis__in=codes).defer("boundary")
        }
        if codes
        else {}
    )
    themes = terms_by_id(Theme)
    groups = terms_by_id(TargetGroup)
    rows = [
        {
            "overlap": overlap,
            "first": organisations.get(overlap.first),
            "second": organisations.get(overlap.second),
            "offers": [
                (communes.get(commune), themes.get(theme), groups.get(group))
                for commune, theme, group in overlap.offers[:OFFERS_SHOWN]
            ],
            "more": max(len(overlap.offers) - OFFERS_SHOWN, 0),
        }
        for overlap in found
    ]
    pages = Paginator(range(total), OVERLAPS_PER_PAGE).get_page(page_number)
    return render(
        request,
        "analysis/overlaps.html",
        {
            "form": form,
            "rows": rows,
            "page": pages,
            "total": total,
            "can_relate": can(request.user, "register.manage"),
        },
        status=200 if valid else 422,
    )


OFFERS_SHOWN = 6


# Influence/interest grid

GRID_SHOWN = 8
GRID_PER_PAGE = 50


@require_safe
@permission_required("assessment.view")
def grid(request: HttpRequest) -> HttpResponse:
    counts = grid_counts()
    quadrant = request.GET.get("quadrant", "")
    if quadrant and quadrant not in counts:
        quadrant = ""
    if quadrant:
        page = Paginator(quadrant_organisations(quadrant), GRID_PER_PAGE).get_page(
            request.GET.get("page")
        )
        shown: dict[str, list[Any]] = {}
    else:
        page = None
        shown = {
            name: list(quadrant_organisations(name)[:GRID_SHOWN]) for name in QUADRANTS
        }
    strategies = dict(Assessment.Strategy.choices)
    quadrants = [
        {
            "code": name,
            "label": label,
            "suggested": strategies[strategy],
            "count": counts[name],
            "organisations": shown.get(name, []),
        }
        for name, (label, strategy) in QUADRANTS.items()
    ]
    return render(
        request,
        "analysis/grid.html",
        {
            "quadrants": quadrants,
            "unassessed": counts[UNASSESSED],
            "quadrant": quadrant,
            "quadrant_label": dict(
                [(name, label) for name, (label, _strategy) in QUADRANTS.items()]
                + [(UNASSESSED, _("Pas encore évaluées"))]
            ).get(quadrant, ""),
            "suggested": {
                name: strategies[strategy]
                for name, (_label, strategy) in QUADRANTS.items()
            },
            "strategies": strategies,
            "page": page,
        },
    )


# Network

NETWORK_PER_PAGE = 50
# The graph is drawn up to this many organisations (a browser lays out a few
# thousand in seconds); the table holds any number.
GRAPH_LIMIT = 1_500


@require_safe
@permission_required("internal.view")
def network(request: HttpRequest) -> HttpResponse:
    form = NetworkFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    filters = form.network_filters() if form.is_bound and valid else NetworkFilters()
    communes = _scope_communes(request)
    filters = replace(filters, communes=communes)
    measured = network_cached(filters) if valid else None
    data = form.cleaned_data if form.is_bound and valid else {}
    sort = data.get("sort") or "betweenness"
    nodes = list(measured.nodes) if measured else []
    if data.get("isolated"):
        nodes = [node for node in nodes if node.degree == 0]
    page = Paginator(_sorted_nodes(nodes, sort), NETWORK_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = {node.id for node in page.object_list}
    names = (
        {
            organisation.pk: organisation
            for organisation in Organisation.objects.filter(pk__in=shown).only(
                "id", "name", "acronym"
            )
        }
        if shown
        else {}
    )
    levels = terms_by_id(InstitutionalLevel)
    rows = [
        {
            "node": node,
            "organisation": names.get(node.id),
            "level": levels.get(node.level),
        }
        for node in page.object_list
    ]
    density = [
        {
            "low": levels.get(low),
            "high": levels.get(high),
            "ties": ties,
            "possible": possible,
            "density": value,
        }
        for (low, high), (ties, possible, value) in (
            measured.level_density.items() if measured else []
        )
    ]
    return render(
        request,
        "analysis/network.html",
        {
            "form": form,
            "network": measured,
            "rows": rows,
            "page": page,
            "density": density,
            "ties": len(measured.edges) if measured else 0,
            "restricted": communes is not None,
            "exact_limit": EXACT_BETWEENNESS_NODES,
            "graph_limit": GRAPH_LIMIT,
            "level_names": {term.code: term.name for term in levels.values()},
            "sampled_sources": SAMPLED_SOURCES,
        },
        status=200 if valid else 422,
    )


def _sorted_nodes(nodes: list[Any], sort: str) -> list[Any]:
    """The table's order: a measure, highest first."""
    return sorted(nodes, key=lambda node: (-getattr(node, sort), node.id))


# Assessment of the coordination bodies

BODIES_PER_PAGE = 50
BODY_OVERLAPS_PER_PAGE = 25
# Beyond this many communes, a theme's uncovered territory folds away.
UNCOVERED_SHOWN = 12


@require_safe
@permission_required("internal.view")
def bodies(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scores = can(user, "assessment.view")
    form = BodyFilterForm(request.GET or None, scores=scores)
    valid = not form.is_bound or form.is_valid()
    filters = form.body_filters() if form.is_bound and valid else BodyFilters()
    scope = analysis_scope_for_user(user)
    if scope is not None:
        filters = replace(filters, communes=scope.communes, themes=scope.themes)
    sort = (form.cleaned_data.get("sort") if form.is_bound and valid else "") or "name"
    rows = body_rows(filters, scores=scores, sort=sort)
    page = Paginator(rows if valid else rows.none(), BODIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    shown = list(page)
    levels = body_levels([body.pk for body in shown])
    theme_terms = terms_by_id(Theme)
    body_table = [
        {
            "body": body,
            "levels": terms_in_order(levels[body.pk].present, InstitutionalLevel),
            "missing": missing_levels(levels[body.pk].missing),
        }
        for body in shown
    ]
    overlaps = body_overlaps(filters) if valid else []
    overlap_page = Paginator(overlaps, BODY_OVERLAPS_PER_PAGE).get_page(
        request.GET.get("paires")
    )
    named = {overlap.first for overlap in overlap_page} | {
        overlap.second for overlap in overlap_page
    }
    names = (
        {body.pk: body for body in CoordinationBody.objects.filter(pk__in=named)}
        if named
        else {}
    )
    themes = [
        theme
        for theme in main_themes()
        if (filters.theme is None or theme.pk == filters.theme)
        and (filters.themes is None or theme.pk in filters.themes)
    ]
    gaps = uncovered(filters, [theme.pk for theme in themes]) if valid else []
    by_id = {theme.pk: theme for theme in themes}
    return render(
        request,
        "analysis/bodies.html",
        {
            "form": form,
            "page": page,
            "bodies": body_table,
            "scores": scores,
            "criteria": BodyAssessment.criteria_labels(),
            "overlaps": [
                {
                    "first": names.get(overlap.first),
                    "second": names.get(overlap.second),
                    "themes": [theme_terms[pk] for pk in overlap.themes],
                    "communes": overlap.communes,
                }
                for overlap in overlap_page
            ],
            "overlap_page": overlap_page,
            "uncovered": [
                {
                    "theme": by_id[gap.theme],
                    "covered": gap.covered,
                    "total": gap.covered + len(gap.communes),
                    "population": gap.population,
                    "area": area_summary(gap.communes) if gap.communes else None,
                    "folded": len(gap.communes) > UNCOVERED_SHOWN,
                }
                for gap in gaps
            ],
            "restricted": scope is not None,
            "can_assess": can(user, "register.manage"),
            "valid": valid,
        },
        status=200 if valid else 422,
    )


@require_safe
@permission_required("assessment.view")
def body_assessment_list(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_body_for_user(current_user(request), pk)
    return render(
        request,
        "analysis/body_assessment_list.html",
        {
            "body": body,
            "assessments": BodyAssessment.objects.filter(body=body)
            .select_related("author")
            .order_by("-assessed_on", "-id"),
            "criteria": BodyAssessment.criteria_labels(),
            "can_assess": can(request.user, "register.manage")
            and body.status != CoordinationBody.Status.PROPOSED,
        },
    )


@GET_POST
@permission_required("register.manage")
def body_assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    body = get_body_for_user(user, pk, write=True)
    form = BodyAssessmentForm(
        request.POST or None, initial={"assessed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            analysis_services.body_assessment_create(
                by=user, body=body, fields=form.assessment_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("L'évaluation a été enregistrée."))
            return redirect("analysis:body_assessment_list", pk=body.pk)
    return render(
        request, "analysis/body_assessment_form.html", {"form": form, "body": body}
    )


# The map


@require_safe
@permission_required("internal.view")
def coverage_map(request: HttpRequest) -> HttpResponse:
    scope = analysis_scope_for_user(current_user(request))
    themes = [
        theme for theme in main_themes() if scope is None or theme.pk in scope.themes
    ]
    form = CoverageFilterForm(request.GET or None, mapping=True)
    # A focal point chooses among their organisations' themes.
    form.fields["theme"].choices = [  # type: ignore[attr-defined]
        (theme.code, theme.name) for theme in themes
    ]
    valid = not form.is_bound or form.is_valid()
    filters = form.coverage_filters() if form.is_bound and valid else CoverageFilters()
    data = form.cleaned_data if form.is_bound and valid else {}
    measure = data.get("measure") or "per_1000"
    theme = next(
        (theme for theme in themes if theme.pk == filters.theme),
        themes[0] if themes else None,
    )
    themed = (
        theme_map(
            filters,
            theme.pk,
            measure,
            communes=None if scope is None else scope.communes,
        )
        if valid and theme is not None
        else None
    )
    # The API reads the same filters; empty ones are left out.
    query = QueryDict(mutable=True)
    for name in form.fields:
        value = request.GET.get(name, "")
        if value:
            query[name] = value
    if theme is not None:
        query["theme"] = theme.code
    query["measure"] = measure
    return render(
        request,
        "analysis/map.html",
        {
            "form": form,
            "theme": theme,
            "measure": measure,
            "measure_label": MEASURES.get(measure, ""),
            "themed": themed,
            "rows": [
                {"row": row, "shown": map_value_shown(row, measure)}
                for row in (themed.communes if themed else [])
            ],
            "mapped": bool(boundaries()),
            "source": f"{reverse('api:get_map')}?{query.urlencode()}",
            "tiles": settings.MAP_TILES if settings.MAP_TILES["url"] else None,
            "restricted": scope is not None,
        },
        status=200 if valid else 422,
    )


# The report


@require_safe
@permission_required("internal.view")
def report(request: HttpRequest) -> HttpResponse:
    form = CoverageFilterForm(request.GET or None, report=True)
    valid = not form.is_bound or form.is_valid()
    filters = form.coverage_filters() if form.is_bound and valid else CoverageFilters()
    return render(
        request,
        "analysis/report.html",
        {
            "form": form,
            "report": report_build(current_user(request), filters) if valid else None,
            "formats": ReportJob.Format.choices,
        },
        status=200 if valid else 422,
    )


@require_POST
@permission_required("internal.view")
def report_file_create(request: HttpRequest) -> HttpResponse:
    """Ask for the report as a file, for the filters of the page."""
    form = CoverageFilterForm(request.POST, report=True)
    fmt = request.POST.get("format", "")
    if fmt not in ReportJob.Format.values or not form.is_valid():
        messages.error(
            request,
            _("Ce rapport ne peut pas être demandé : filtres ou format inconnus."),
        )
        return redirect("analysis:report")
    job = report_job_create(
        user=current_user(request),
        fmt=fmt,
        filters=form.coverage_filters(),
        language=get_language() or settings.LANGUAGE_CODE,
    )
    return redirect("analysis:report_job", pk=job.pk)


@require_safe
@permission_required("internal.view")
def report_job(request: HttpRequest, pk: str) -> HttpResponse:
    """A report file's progress (the fragment alone for htmx polling), then its
    download link."""
    job = get_report_job_for_user(current_user(request), pk)
    return render_page_or_partial(
        request,
        "analysis/report_job.html",
        "progress",
        {"job": job, "expires_at": report_job_expires_at(job)},
    )


@require_safe
def report_job_file(request: HttpRequest, pk: str) -> HttpResponseBase:
    require(request, "internal.view")
    job = get_report_job_for_user(current_user(request), pk)
    return file_job_response(job, CONTENT_TYPES[job.format])
