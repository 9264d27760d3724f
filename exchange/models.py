"""What an import wrote, so that it can be listed and undone as a whole."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.filejobs import FileJob


class ImportBatch(models.Model):
    """One applied import file.

    `created` maps a model label ("organisation", "service"…) to the ids the import
    created; `updated` maps it to {id: [history_id before the import, version
    after it]}, which is what undoing needs to restore the previous versions and
    to notice later edits.
    """

    class Status(models.TextChoices):
        APPLIED = "applied", _("appliqué")
        UNDONE = "undone", _("annulé")

    file_name = models.CharField(_("fichier"), max_length=255)
    kind = models.CharField(_("contenu"), max_length=100)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="import_batches",
        verbose_name=_("auteur·rice"),
    )
    created_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    created_count = models.PositiveIntegerField(_("créées"), default=0)
    updated_count = models.PositiveIntegerField(_("mises à jour"), default=0)
    unchanged_count = models.PositiveIntegerField(_("inchangées"), default=0)
    created = models.JSONField(default=dict, blank=True)
    updated = models.JSONField(default=dict, blank=True)
    undone_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annulé par"),
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class ExportJob(FileJob):
    """An export written by the worker, then downloaded by the person who asked
    for it (or a coordinator) until it expires (see lib.filejobs); its
    progress counts the rows written."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("demandé par"),
    )
    format = models.CharField(_("format"), max_length=10)
    sheet = models.CharField(_("feuille"), max_length=20, blank=True)
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    rows_written = models.PositiveIntegerField(_("lignes écrites"), default=0)
    rows_total = models.PositiveIntegerField(_("lignes en tout"), default=0)

    class Meta(FileJob.Meta):
        verbose_name = _("export en arrière-plan")
        verbose_name_plural = _("exports en arrière-plan")

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_written * 100 // self.rows_total)


class ImportUpload(models.Model):
    """A file checked on the import page, kept with the choices made for it
    (what it holds, the mapping of its columns) so that it is applied in one
    click as it was checked. Removed once applied, or IMPORT_RETENTION_HOURS
    after it was uploaded.

    The id is random, and the file lies under MEDIA_ROOT at a path named after
    it, but it is only ever read by the import page, for the person who
    uploaded it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=_("auteur·rice"),
    )
    file = models.CharField(_("fichier"), max_length=255)
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    kind = models.CharField(_("contenu"), max_length=20, blank=True)
    overrides = models.JSONField(_("colonnes associées"), default=dict, blank=True)
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("fichier à importer")
        verbose_name_plural = _("fichiers à importer")

    def __str__(self) -> str:
        return self.file_name
