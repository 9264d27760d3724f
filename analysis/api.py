"""The sector analysis's API: population figures per commune, read by every
signed-in role, written by coordinators. Thin adapters over territory.services."""

import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_auth import api_user
from lib.api import Id, PageNumbers
from lib.problems import conflict_schema, problems
from lib.spreadsheets import ReadError
from register.schemas import Line255
from territory import services as territory_services
from territory.models import POPULATION_MAX, Commune, PopulationFigure
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


# What a 409 shows: the figure as stored now (see maillage.api).
conflict_schema(PopulationFigure, _figure_out)
