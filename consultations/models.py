"""Questionnaires, written in XLSForm (the language of KoboToolbox and ODK):
each version keeps its form as the XLSForm's own rows, so that it exports
back as it came and converts with pyxform."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lib.text import validate_line


class Questionnaire(models.Model):
    """One version of a questionnaire. A version in use never changes: a
    change makes the next version (same `key`, `version` + 1)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        IN_USE = "in_use", _("en usage")
        RETIRED = "retired", _("retiré")

    key = models.SlugField(_("identifiant"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("titre"), max_length=255, validators=[validate_line])
    status = models.CharField(
        _("statut"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    default_language = models.CharField(
        _("langue par défaut"), max_length=60, blank=True
    )
    languages = models.JSONField(_("langues"), default=list, blank=True)
    # The XLSForm: {"survey": [rows], "choices": [rows], "settings": {...}},
    # each row a {column: text} as in the workbook.
    definition = models.JSONField(_("formulaire XLSForm"))
    question_count = models.PositiveIntegerField(_("questions"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="questionnaire_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("consultations:questionnaire_detail", args=[self.pk])
