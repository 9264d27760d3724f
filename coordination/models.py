"""Coordination bodies: the mechanisms that exist (and, later, those designed)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lib.collation import NAME_COLLATION
from lib.text import DESCRIPTION_MAX_LENGTH, long_text_validators, validate_line
from lib.versioning import Versioned
from register.models import Organisation
from taxonomy.models import InstitutionalLevel, Theme
from territory.models import Commune


class CoordinationBody(Versioned):
    class Formality(models.TextChoices):
        FORMAL = "formal", _("formel (mandat écrit)")
        SEMI_FORMAL = "semi_formal", _("semi-formel")
        INFORMAL = "informal", _("informel")

    class DecisionPower(models.TextChoices):
        DECIDES = "decides", _("décide")
        ADVISES = "advises", _("rend des avis")
        EXCHANGES = "exchanges", _("échange l'information")

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("hebdomadaire")
        MONTHLY = "monthly", _("mensuelle")
        QUARTERLY = "quarterly", _("trimestrielle")
        TWICE_A_YEAR = "twice_a_year", _("semestrielle")
        YEARLY = "yearly", _("annuelle")
        AD_HOC = "ad_hoc", _("selon les besoins")

    class Status(models.TextChoices):
        EXISTING = "existing", _("existant")
        PROPOSED = "proposed", _("proposé")
        ACTIVE = "active", _("actif")
        DORMANT = "dormant", _("en sommeil")
        ENDED = "ended", _("dissous")

    name = models.CharField(
        _("nom"),
        max_length=255,
        db_collation=NAME_COLLATION,
        validators=[validate_line],
    )
    acronym = models.CharField(
        _("sigle"), max_length=40, blank=True, validators=[validate_line]
    )
    convenors = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="convened_bodies",
        verbose_name=_("organisations qui le convoquent"),
    )
    level = models.ForeignKey(
        InstitutionalLevel,
        models.PROTECT,
        related_name="coordination_bodies",
        verbose_name=_("niveau"),
    )
    communes = models.ManyToManyField(
        Commune,
        blank=True,
        related_name="coordination_bodies",
        verbose_name=_("territoire couvert"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="coordination_bodies", verbose_name=_("thèmes")
    )
    mandate = models.TextField(
        _("mandat ou termes de référence"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(DESCRIPTION_MAX_LENGTH),
    )
    formality = models.CharField(
        _("formalisation"), max_length=12, choices=Formality.choices
    )
    decision_power = models.CharField(
        _("pouvoir de décision"), max_length=10, choices=DecisionPower.choices
    )
    frequency = models.CharField(
        _("fréquence des réunions"), max_length=12, choices=Frequency.choices
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.EXISTING
    )
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(DESCRIPTION_MAX_LENGTH),
    )

    history = HistoricalRecords(m2m_fields=[convenors, themes])

    class Meta:
        verbose_name = _("organe de coordination")
        verbose_name_plural = _("organes de coordination")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coordination:body_detail", args=[self.pk])


class BodyMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("présidence")
        SECRETARIAT = "secretariat", _("secrétariat")
        MEMBER = "member", _("membre")
        OBSERVER = "observer", _("observateur")

    body = models.ForeignKey(
        CoordinationBody,
        models.CASCADE,
        related_name="members",
        verbose_name=_("organe"),
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="body_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("membre d'un organe")
        verbose_name_plural = _("membres d'un organe")
        ordering = ["body_id", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "organisation"], name="body_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"
