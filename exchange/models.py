"""What an import wrote, so that it can be listed and undone as a whole."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
