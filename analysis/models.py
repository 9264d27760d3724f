"""The analysis's own records: assessments of the coordination bodies."""

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.models import CoordinationBody
from lib.filejobs import FileJob
from lib.text import NOTE_MAX_LENGTH, long_text_validators


class BodyAssessment(models.Model):
    """A coordination body scored on the design's five criteria at a date; the
    series is kept, the latest one counts."""

    SCALE: ClassVar[list[tuple[int, str]]] = [(n, str(n)) for n in range(1, 6)]
    # The criteria, in the order the assessment grid gives them.
    CRITERIA: ClassVar[tuple[str, ...]] = (
        "mandate_clarity",
        "participation",
        "level_coverage",
        "information_flow",
        "decisions_followed_up",
    )

    body = models.ForeignKey(
        CoordinationBody,
        models.PROTECT,
        related_name="assessments",
        verbose_name=_("organe"),
    )
    mandate_clarity = models.PositiveSmallIntegerField(
        _("clarté du mandat"),
        choices=SCALE,
        help_text=_(
            "1 : pas de mandat écrit ni d'objectif partagé ; 5 : un mandat écrit, "
            "connu de tous les membres, qui dit qui décide quoi."
        ),
    )
    participation = models.PositiveSmallIntegerField(
        _("participation"),
        choices=SCALE,
        help_text=_(
            "1 : peu de membres viennent ; 5 : les membres attendus viennent "
            "régulièrement, au bon niveau de décision."
        ),
    )
    level_coverage = models.PositiveSmallIntegerField(
        _("couverture des niveaux"),
        choices=SCALE,
        help_text=_(
            "1 : un seul niveau de pouvoir autour de la table ; 5 : tous les "
            "niveaux compétents pour ses thèmes y sont représentés."
        ),
    )
    information_flow = models.PositiveSmallIntegerField(
        _("circulation de l'information"),
        choices=SCALE,
        help_text=_(
            "1 : rien ne circule entre les réunions ; 5 : ordres du jour, "
            "comptes rendus et données partagés à temps avec tous les membres."
        ),
    )
    decisions_followed_up = models.PositiveSmallIntegerField(
        _("suivi des décisions"),
        choices=SCALE,
        help_text=_(
            "1 : les décisions ne sont pas suivies ; 5 : chaque décision a un "
            "responsable, une échéance et un suivi à la réunion suivante."
        ),
    )
    assessed_on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="body_assessments",
        verbose_name=_("auteur·rice"),
    )
    note = models.TextField(
        _("justification"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(NOTE_MAX_LENGTH),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("évaluation d'un organe")
        verbose_name_plural = _("évaluations d'organes")
        ordering = ["body_id", "-assessed_on", "-id"]
        indexes = [
            models.Index(
                fields=["body", "-assessed_on", "-id"], name="body_assessment_latest"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mandate_clarity__range=(1, 5))
                & Q(participation__range=(1, 5))
                & Q(level_coverage__range=(1, 5))
                & Q(information_flow__range=(1, 5))
                & Q(decisions_followed_up__range=(1, 5)),
                name="body_assessment_scales_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.body_id} @ {self.assessed_on}"

    def clean(self) -> None:
        super().clean()
        if self.assessed_on and self.assessed_on > timezone.localdate():
            raise ValidationError(
                {"assessed_on": _("Une évaluation ne peut pas être datée du futur.")}
            )

    @classmethod
    def criteria_labels(cls) -> list[Any]:
        """The criteria's names, in their order."""
        return [cls._meta.get_field(name).verbose_name for name in cls.CRITERIA]  # type: ignore[union-attr]

    @property
    def mean(self) -> float:
        """The mean of the five scores, to one decimal."""
        scores = [int(getattr(self, name)) for name in self.CRITERIA]
        return round(sum(scores) / len(scores), 1)


class ReportJob(FileJob):
    """A report file (PDF or XLSX) built by the worker for the filters given,
    then downloaded by the person who asked for it (or a coordinator) until it
    expires (see lib.filejobs). Its progress counts the report's parts built."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "XLSX"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="report_jobs",
        verbose_name=_("demandé par"),
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    language = models.CharField(_("langue"), max_length=8)
    steps_done = models.PositiveSmallIntegerField(_("parties faites"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("parties en tout"), default=0)

    class Meta(FileJob.Meta):
        verbose_name = _("rapport en préparation")
        verbose_name_plural = _("rapports en préparation")

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.steps_total:
            return 0
        return min(99, self.steps_done * 100 // self.steps_total)
