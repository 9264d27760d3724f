"""The data exchange API: imports and exports of the register."""

from typing import Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, File, Form, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from accounts.api_auth import api_user
from exchange.exports import ExportError, export_download, export_scope
from exchange.imports import import_file
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


@router.get(
    "/export",
    response={200: ExportOut, **problems(401, 403, 409, 422)},
    operation_id="exchange_export",
    summary="Export the organisations matching the register's filters, streamed",
)
def export(request: HttpRequest, filters: Query[ExportFiltersIn]) -> HttpResponseBase:
    """The register's filters (as in `register_organisation_list`) choose the
    organisations; their contacts (those you may see), services and relations
    come with them. The answer is streamed; `format` other than json answers a
    file (XLSX, CSV, GeoJSON) instead of the JSON document described here."""
    user = api_user(request, may=can_read_register)
    if filters.sheet and filters.format not in {"csv", "hxl"}:
        raise HttpError(422, "`sheet` chooses the sheet of a csv or hxl export only.")
    values = filters.model_dump(exclude={"format", "sheet"})
    if values["commune"]:
        values["commune"] = (
            commune_successor_nis(values["commune"]) or values["commune"]
        )
    scope = export_scope(filters=OrganisationFilters(**values), user=user)
    try:
        download = export_download(filters.format, scope, sheet=filters.sheet)
    except ExportError as error:
        raise HttpError(409, str(error)) from error
    return download_response(download)


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
