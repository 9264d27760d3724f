"""Exports written by the worker: asked for, followed, downloaded, then removed.

An export of more than EXPORT_BACKGROUND_ROWS rows (the whole register of any
real platform) would hold a request for minutes: it becomes an ExportJob, which
the worker writes to the default storage under `exports/`, counting the rows it
has written so that the person can watch, and which is removed
EXPORT_RETENTION_HOURS after it was asked for.
"""

import dataclasses
import datetime
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language, override

from accounts.models import User
from accounts.permissions import can
from exchange.exports import (
    DEFAULT_SHEETS,
    EXTENSIONS,
    STYLE_SUFFIXES,
    ExportError,
    Style,
    _filename,
    export_row_total,
    export_scope,
    export_to_path,
)
from exchange.models import ExportJob
from lib.filejobs import (
    file_job_crashed,
    file_job_fail,
    file_job_get,
    file_jobs_purge,
)
from register.selectors import OrganisationFilters, ServiceFilters

FOLDER = "exports"


def export_is_large(
    fmt: str,
    *,
    filters: OrganisationFilters | ServiceFilters,
    user: User,
    sheet: str = "",
) -> bool:
    """Whether an export would write more than EXPORT_BACKGROUND_ROWS rows."""
    scope = export_scope(filters=filters, user=user)
    return export_row_total(fmt, scope, sheet=sheet) > settings.EXPORT_BACKGROUND_ROWS


@transaction.atomic
def export_job_create(
    *,
    user: User,
    fmt: str,
    sheet: str = "",
    filters: OrganisationFilters | ServiceFilters,
    style: Style = "machine",
) -> ExportJob:
    """Ask for an export in the background; the worker starts it once this
    transaction commits. Expired exports are removed on the way."""
    from exchange.tasks import run_export  # the task module imports this one

    export_jobs_purge(now=timezone.now())
    if fmt in DEFAULT_SHEETS:
        sheet = sheet or DEFAULT_SHEETS[fmt]
    stored: dict[str, Any] = dataclasses.asdict(filters)
    if isinstance(filters, ServiceFilters):
        stored["list"] = "services"
    if style != "machine":
        # Written for people in the language of the one who asked.
        stored["style"] = style
        stored["language"] = get_language() or settings.LANGUAGE_CODE
    job = ExportJob.objects.create(user=user, format=fmt, sheet=sheet, filters=stored)
    transaction.on_commit(lambda: run_export.enqueue(job_id=str(job.pk)))
    return job


def _job_filters(stored: dict[str, Any]) -> OrganisationFilters | ServiceFilters:
    """The filters a job was asked with (a services list's carry `list`)."""
    values = {
        name: value
        for name, value in stored.items()
        if name not in {"style", "language"}
    }
    if values.pop("list", "") == "services":
        return ServiceFilters(**values)
    return OrganisationFilters(**values)


def _progress(job_id: uuid.UUID) -> Any:
    def report(rows: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(
            rows_written=F("rows_written") + rows
        )

    return report


def export_job_run(*, job_id: str) -> int:
    """Write the export of a job into the storage and mark it done (or failed
    with the reason). Not one transaction: its progress must be seen while it
    runs. Run again, it starts over."""
    now = timezone.now()
    export_jobs_purge(now=now)
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status in {ExportJob.Status.DONE, ExportJob.Status.EXPIRED}:
        return 0
    scope = export_scope(filters=_job_filters(job.filters), user=job.user)
    job.status = ExportJob.Status.RUNNING
    job.rows_written = 0
    job.rows_total = export_row_total(job.format, scope, sheet=job.sheet)
    job.error = ""
    job.save(update_fields=["status", "rows_written", "rows_total", "error"])
    style: Style = job.filters.get("style", "machine")
    suffix = (
        "" if style == "machine" or job.format == "hxl" else "-" + STYLE_SUFFIXES[style]
    )
    stem = f"{job.sheet}-hxl" if job.format == "hxl" else job.sheet or "registre"
    stem += suffix
    if job.format == "geojson":
        stem = "communes"
    filename = _filename(stem, EXTENSIONS.get(job.format, job.format))
    scope = dataclasses.replace(scope, progress=_progress(job.pk))
    try:
        with tempfile.TemporaryDirectory(prefix="maillage-export-") as folder:
            path = Path(folder) / filename
            with override(job.filters.get("language", settings.LANGUAGE_CODE)):
                export_to_path(
                    job.format, scope, str(path), sheet=job.sheet, style=style
                )
            with path.open("rb") as written:
                name = default_storage.save(
                    f"{FOLDER}/{job.pk.hex}/{filename}", File(written)
                )
    except ExportError as error:
        file_job_fail(job, str(error))
        return 0
    except Exception:
        file_job_crashed(job)
        raise
    job.refresh_from_db(fields=["rows_written"])
    job.status = ExportJob.Status.DONE
    job.file = name
    job.filename = filename
    job.rows_total = max(job.rows_total, job.rows_written)
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "file", "filename", "rows_total", "finished_at"])
    return job.rows_written


def export_job_expires_at(job: ExportJob) -> datetime.datetime:
    return job.expires_at


def export_jobs_purge(*, now: datetime.datetime) -> int:
    """Remove the files of the exports asked for more than EXPORT_RETENTION_HOURS
    ago and mark them expired. Returns how many expired."""
    return file_jobs_purge(ExportJob, now=now)


def get_export_job_for_user(user: User, job_id: str) -> ExportJob:
    """The export job, to the person who asked for it and to coordinators and
    administrators; anyone else, an unknown or malformed id: 404."""
    return file_job_get(
        ExportJob, job_id, user_id=user.pk, sees_all=can(user, "register.manage")
    )
