"""Pages of the exports: a filtered view of the register in every format, and the
import templates. Thin adapters over `exchange.exports` and
`exchange.spreadsheets`."""

from typing import cast

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import can, current_user, require
from exchange.columns import SHEETS as TEMPLATE_SHEETS
from exchange.export_jobs import (
    export_is_large,
    export_job_create,
    export_job_expires_at,
    get_export_job_for_user,
)
from exchange.exports import (
    CONTENT_TYPES,
    CSV_SHEETS,
    FORMATS,
    STYLES,
    Download,
    ExportError,
    Style,
    export_download,
    export_scope,
)
from exchange.spreadsheets import template_file
from lib.filejobs import file_job_response
from lib.views import render_page_or_partial
from register.filters import OrganisationFilterForm, ServiceFilterForm
from register.selectors import OrganisationFilters, ServiceFilters


def _filters(request: HttpRequest) -> OrganisationFilters | ServiceFilters:
    """The filters of the list the export comes from (`list=services`: the
    services list's; otherwise the register list's), invalid ones left out."""
    if request.GET.get("list") == "services":
        services = ServiceFilterForm(request.GET)
        services.is_valid()
        return ServiceFilters(**services.filters())
    form = OrganisationFilterForm(request.GET)
    form.is_valid()
    return OrganisationFilters(**form.filters())


def download_response(download: Download) -> HttpResponseBase:
    """The download as a response: a file sent from disk, or pieces streamed."""
    if download.file is not None:
        return FileResponse(
            download.file,
            as_attachment=True,
            filename=download.filename,
            content_type=download.content_type,
        )
    assert download.chunks is not None  # noqa: S101 - one of the two is set
    response = StreamingHttpResponse(
        download.chunks, content_type=download.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    query = request.GET.copy()
    for name in ("format", "sheet", "style"):
        query.pop(name, None)
    return render(
        request,
        "exchange/export.html",
        {
            "error": error,
            "filters": query.urlencode(),
            "exporting": "services" if query.get("list") == "services" else "",
            "csv_sheets": CSV_SHEETS,
            "template_sheets": TEMPLATE_SHEETS,
            "personal_data": can(current_user(request), "personal_data.view"),
            "background_rows": settings.EXPORT_BACKGROUND_ROWS,
        },
        status=status,
    )


@require_safe
def export(request: HttpRequest) -> HttpResponseBase:
    """The register list's filters (from the query string) in the format asked
    for by `format`; without one, the page listing the formats. (Anonymous
    visitors never get here: LoginRequiredMiddleware sends them to log in.)"""
    require(request, "internal.view")
    fmt = request.GET.get("format", "")
    if not fmt:
        return _page(request)
    if fmt not in FORMATS:
        message = _("Format d'export inconnu : « %(format)s ».") % {"format": fmt}
        return _page(request, error=message, status=400)
    sheet = request.GET.get("sheet", "")
    if sheet and (fmt not in {"csv", "hxl"} or sheet not in CSV_SHEETS):
        message = _("Feuille inconnue pour ce format : « %(sheet)s ».") % {
            "sheet": sheet
        }
        return _page(request, error=message, status=400)
    asked = request.GET.get("style") or "machine"
    if asked not in STYLES:
        message = _("Présentation d'export inconnue : « %(style)s ».") % {
            "style": asked
        }
        return _page(request, error=message, status=400)
    style = cast(Style, asked)
    filters = _filters(request)
    user = current_user(request)
    if request.GET.get("background") or export_is_large(
        fmt, filters=filters, user=user, sheet=sheet
    ):
        job = export_job_create(
            user=user, fmt=fmt, sheet=sheet, filters=filters, style=style
        )
        return redirect("exchange:export_job", pk=job.pk)
    scope = export_scope(filters=filters, user=user)
    try:
        download = export_download(fmt, scope, sheet=sheet, style=style)
    except ExportError:
        message = _(
            "La carte ne peut pas être exportée : aucune commune n'a de limites ni "
            "de coordonnées. Un administrateur peut les importer avec la commande "
            "« import_boundaries »."
        )
        return _page(request, error=message, status=409)
    return download_response(download)


@require_safe
def template(request: HttpRequest, sheet: str) -> HttpResponseBase:
    """The import template of a sheet, as XLSX."""
    require(request, "internal.view")
    if sheet not in TEMPLATE_SHEETS:
        raise Http404(f"No import template is named {sheet!r}.")
    return FileResponse(
        template_file(sheet),
        as_attachment=True,
        filename=f"maillage-modele-{sheet}.xlsx",
        content_type=CONTENT_TYPES["xlsx"],
    )


@require_safe
def export_job(request: HttpRequest, pk: str) -> HttpResponse:
    """A background export's progress (the fragment alone for htmx polling), then
    its download link."""
    require(request, "internal.view")
    job = get_export_job_for_user(current_user(request), pk)
    return render_page_or_partial(
        request,
        "exchange/export_job.html",
        "progress",
        {"job": job, "expires_at": export_job_expires_at(job)},
    )


@require_safe
def export_job_file(request: HttpRequest, pk: str) -> HttpResponseBase:
    """A finished background export's file, to whoever may see the job."""
    require(request, "internal.view")
    job = get_export_job_for_user(current_user(request), pk)
    return file_job_response(
        job, CONTENT_TYPES.get(job.format, "application/octet-stream")
    )
