"""The data exchange API: imports and exports of the register."""

import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from accounts.api_auth import api_user
from exchange.export_jobs import (
    export_job_create,
    export_job_expires_at,
    get_export_job_for_user,
)
from exchange.exports import (
    CONTENT_TYPES,
    ExportError,
    export_download,
    export_row_total,
    export_scope,
)
from exchange.imports import import_file
from exchange.models import ExportJob
from exchange.views_export import download_response
from lib.problems import problems
from register.access import can_read_register
from register.schemas import (
    ContactOut,
    OrganisationFiltersIn,
    OrganisationOut,
    RelationOut,
    ServiceOut,
)
from register.selectors import OrganisationFilters
from territory.selectors import commune_successor_nis

router = Router()


# Exports (see exchange.exports)


class ExportFiltersIn(OrganisationFiltersIn):
    format: Literal["json", "xlsx", "csv", "hxl", "geojson"] = Field(
        "json",
        description=(
            "json: the dump below; xlsx: one sheet per object; csv: one sheet "
            "(`sheet`, organisations by default); hxl: HXL-tagged CSV (the 4W by "
            "default); geojson: communes with the number of services and "
            "organisations serving them (409 without boundaries or coordinates)."
        ),
    )
    sheet: Literal["", "organisations", "contacts", "services", "relations", "4w"] = (
        Field("", description="The sheet of a csv or hxl export.")
    )
    style: Literal["machine", "readable", "portable"] = Field(
        "machine",
        description=(
            "How xlsx and csv are written. machine: column keys, codes and platform "
            "ids, as the import reads them back; readable: column labels, names "
            "and labels in the language asked for (Accept-Language), not meant to "
            "be imported; portable: for another register, platform ids left out "
            "and organisations named by enterprise number, else external id, else "
            "name."
        ),
    )


class ExportOut(Schema):
    """The JSON dump: the register API's objects, vocabulary values as codes."""

    organisations: list[OrganisationOut]
    services: list[ServiceOut]
    contacts: list[ContactOut] = Field(
        ..., description="Only the contacts you may see (none for observers)."
    )
    relations: list[RelationOut] = Field(
        ..., description="Relations with an exported organisation on either side."
    )


# ninja documents the JSON answer only; an export answers the format asked for.
EXPORT_FILES: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The export, in the format asked for.",
            "content": {
                "text/csv": {
                    "schema": {
                        "type": "string",
                        "description": "csv and hxl: UTF-8 with a byte order mark.",
                    }
                },
                CONTENT_TYPES["xlsx"]: {
                    "schema": {"type": "string", "format": "binary"}
                },
                CONTENT_TYPES["geojson"]: {
                    "schema": {
                        "type": "object",
                        "description": "A GeoJSON FeatureCollection of communes.",
                    }
                },
            },
        }
    }
}


def _filters(filters: ExportFiltersIn) -> OrganisationFilters:
    """The register filters of an export query (422 for a misplaced `sheet`)."""
    if filters.sheet and filters.format not in {"csv", "hxl"}:
        raise HttpError(422, "`sheet` chooses the sheet of a csv or hxl export only.")
    values = filters.model_dump(exclude={"format", "sheet", "style"})
    if values["commune"]:
        values["commune"] = (
            commune_successor_nis(values["commune"]) or values["commune"]
        )
    return OrganisationFilters(**values)


@router.get(
    "/export",
    response={200: ExportOut, **problems(401, 403, 409, 422)},
    operation_id="exchange_export",
    summary="Export the organisations matching the register's filters, streamed",
    openapi_extra=EXPORT_FILES,
)
def export(request: HttpRequest, filters: Query[ExportFiltersIn]) -> HttpResponseBase:
    """The register's filters (as in `register_organisation_list`) choose the
    organisations; their contacts (those you may see), services and relations
    come with them. The answer is streamed; `format` other than json answers a
    file (XLSX, CSV, GeoJSON) instead of the JSON document described here.

    An export of more than EXPORT_BACKGROUND_ROWS rows (the whole register, for
    instance) answers 409: ask for it with `exchange_export_job_create` (the
    same query), which writes it in the background."""
    user = api_user(request, may=can_read_register)
    filters_ = _filters(filters)
    scope = export_scope(filters=filters_, user=user)
    rows = export_row_total(filters.format, scope, sheet=filters.sheet)
    if rows > settings.EXPORT_BACKGROUND_ROWS:
        raise HttpError(
            409,
            f"This export holds {rows} rows, more than the "
            f"{settings.EXPORT_BACKGROUND_ROWS} sent at once: ask for it in the "
            "background with POST /api/v1/exchange/exports and the same query.",
        )
    try:
        download = export_download(
            filters.format, scope, sheet=filters.sheet, style=filters.style
        )
    except ExportError as error:
        raise HttpError(409, str(error)) from error
    return download_response(download)


# Background exports (see exchange.export_jobs)


class ExportJobOut(Schema):
    id: str
    status: Literal["queued", "running", "done", "failed", "expired"]
    format: str
    sheet: str
    rows_written: int = Field(..., description="Rows written so far.")
    rows_total: int = Field(..., description="Rows the export will hold.")
    error: str = Field(..., description="Why it failed.")
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    expires_at: datetime.datetime = Field(..., description="When the file is removed.")
    status_url: str
    download_url: str | None = Field(..., description="Once done, the file.")


def _job_out(request: HttpRequest, job: ExportJob) -> dict[str, object]:
    status_url = reverse("api:exchange_export_job", kwargs={"job_id": job.pk})
    file_url = reverse("api:exchange_export_job_file", kwargs={"job_id": job.pk})
    return {
        "id": str(job.pk),
        "status": job.status,
        "format": job.format,
        "sheet": job.sheet,
        "rows_written": job.rows_written,
        "rows_total": job.rows_total,
        "error": job.error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "expires_at": export_job_expires_at(job),
        "status_url": request.build_absolute_uri(status_url),
        "download_url": request.build_absolute_uri(file_url)
        if job.status == ExportJob.Status.DONE
        else None,
    }


@router.post(
    "/exports",
    response={202: ExportJobOut, **problems(401, 403, 422)},
    operation_id="exchange_export_job_create",
    summary="Export the organisations matching the filters in the background",
)
def export_job_create_endpoint(
    request: HttpRequest, filters: Query[ExportFiltersIn]
) -> Status[dict[str, object]]:
    """The same filters and formats as `exchange_export`; answers 202 with the
    job: follow `status_url` until `status` is `done`, then fetch
    `download_url`. The file is kept EXPORT_RETENTION_HOURS."""
    user = api_user(request, may=can_read_register)
    job = export_job_create(
        user=user,
        fmt=filters.format,
        sheet=filters.sheet,
        filters=_filters(filters),
        style=filters.style,
    )
    return Status(202, _job_out(request, job))


@router.get(
    "/exports/{job_id}",
    response={200: ExportJobOut, **problems(401, 403, 404)},
    operation_id="exchange_export_job",
    url_name="exchange_export_job",
    summary="A background export: its state and progress",
)
def export_job_endpoint(request: HttpRequest, job_id: str) -> dict[str, object]:
    """Yours, or anyone's for coordinators and administrators; 404 otherwise."""
    job = get_export_job_for_user(api_user(request, may=can_read_register), job_id)
    return _job_out(request, job)


@router.get(
    "/exports/{job_id}/file",
    response={200: ExportOut, **problems(401, 403, 404)},
    operation_id="exchange_export_job_file",
    url_name="exchange_export_job_file",
    summary="The file of a finished background export",
    openapi_extra=EXPORT_FILES,
)
def export_job_file_endpoint(request: HttpRequest, job_id: str) -> HttpResponseBase:
    """404 until the export is done, and once it has expired."""
    job = get_export_job_for_user(api_user(request, may=can_read_register), job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404("This export has no file (yet, or any more).")
    return FileResponse(
        default_storage.open(job.file, "rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES.get(job.format, "application/octet-stream"),
    )


# Imports (see exchange.imports)


class ImportRowOut(Schema):
    line: int = Field(..., description="The line in the file (1 is the header).")
    status: Literal["created", "updated", "unchanged", "rejected"]
    label: str
    messages: list[str] = Field(..., description="Why, field by field.")


class ImportSheetOut(Schema):
    sheet: str = Field(..., description="organisations, contacts, services… or 4w.")
    table: str = Field(..., description="The sheet's name in the file.")
    columns: dict[str, str] = Field(..., description="Header → field key.")
    unknown_columns: list[str]
    missing_columns: list[str]
    rows: list[ImportRowOut]


class ImportReportOut(Schema):
    file_name: str
    valid: bool = Field(..., description="No problem and no rejected row.")
    dry_run: bool
    applied: bool = Field(..., description="Written, as one batch (all or nothing).")
    batch: int | None = Field(..., description="The import batch, once applied.")
    counts: dict[str, int]
    problems: list[str] = Field(..., description="Why the file cannot be read.")
    sheets: list[ImportSheetOut]


class ImportIn(Schema):
    kind: Literal["", "organisations", "contacts", "services", "relations", "4w"] = (
        Field("", description="What the file holds (default: sheet names, columns).")
    )
    dry_run: bool = Field(False, description="Check and report; write nothing.")


@router.post(
    "/imports",
    response={200: ImportReportOut, 422: ImportReportOut, **problems(401, 403)},
    operation_id="exchange_import",
    summary="Import an XLSX or CSV file into the register, all or nothing",
)
def import_register(
    request: HttpRequest, file: File[UploadedFile], params: Form[ImportIn]
) -> Status[dict[str, object]]:
    """Coordinators and administrators. Answers the per-row report; 422 when the
    file cannot be read or a row is rejected (then nothing was written)."""
    user = api_user(request, may="register.manage")
    report = import_file(
        file,  # type: ignore[arg-type]  # an UploadedFile reads like a binary file
        file_name=file.name or "",
        user=user,
        kind=params.kind,
        dry_run=params.dry_run,
    )
    return Status(200 if report.valid else 422, report.as_dict())
