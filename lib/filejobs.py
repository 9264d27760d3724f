"""Files the worker writes for one person (a large export, a report): asked
for, followed, downloaded by that person (or those who manage the platform),
then removed EXPORT_RETENTION_HOURS after they were asked for.

The id is random, and the file lies under MEDIA_ROOT at a path named after it,
but it is only ever sent by a view that checks who asks."""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FileJob(models.Model):
    """What every such file has; the models that inherit add who asked, the
    format, and what their progress counts."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("prêt")
        FAILED = "failed", _("échec")
        EXPIRED = "expired", _("expiré")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.CharField(_("fichier"), max_length=255, blank=True)
    filename = models.CharField(_("nom du fichier"), max_length=255, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        kind = getattr(self, "format", "")
        return f"{kind} {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status not in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(
            hours=settings.EXPORT_RETENTION_HOURS
        )


def file_job_fail(job: FileJob, message: str) -> None:
    job.status = FileJob.Status.FAILED
    job.error = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])


def file_job_crashed(job: FileJob) -> None:
    """Mark the job failed after an unexpected error: the details go to the
    log and the task's record, not to the person's page."""
    file_job_fail(
        job,
        str(
            _(
                "Une erreur inattendue l'a interrompu : demandez-le à nouveau, "
                "et prévenez un administrateur si elle se répète."
            )
        ),
    )


def file_jobs_purge(model: type[FileJob], *, now: datetime.datetime) -> int:
    """Remove the files asked for more than EXPORT_RETENTION_HOURS ago and mark
    their jobs expired; how many expired."""
    before = now - datetime.timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    expired = model._default_manager.filter(created_at__lt=before).exclude(
        status=FileJob.Status.EXPIRED
    )
    count = 0
    for job in expired:
        if job.file:
            default_storage.delete(job.file)
        job.status = FileJob.Status.EXPIRED
        job.file = ""
        job.save(update_fields=["status", "file"])
        count += 1
    return count


def file_job_get[J: FileJob](
    model: type[J], job_id: Any, *, user_id: int, sees_all: bool
) -> J:
    """The job to the person who asked for it, or to anyone when `sees_all`
    (those who manage the platform); anyone else, an unknown or malformed id:
    404."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        raise Http404("No such file.") from None
    job = model._default_manager.filter(pk=pk).first()
    if job is None or not (sees_all or getattr(job, "user_id", None) == user_id):
        raise Http404("No such file.")
    return job


def file_job_response(job: FileJob, content_type: str) -> FileResponse:
    """The finished job's file, as a download."""
    if job.status != FileJob.Status.DONE or not job.file:
        raise Http404("This file is not there (yet, or any more).")
    return FileResponse(
        default_storage.open(job.file, "rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=content_type,
    )
