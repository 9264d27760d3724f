"""The register ("état des lieux"): who does what, where, when and for whom.

Register objects are never deleted once referenced: organisations are archived.
Every change is kept in history (django-simple-history); editable objects carry a
`version` for optimistic locking (see services.py).
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lib.collation import NAME_COLLATION
from lib.text import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    long_text_validators,
    validate_line,
)
from lib.versioning import Versioned
from register.validators import validate_enterprise_number
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)
from territory.models import Commune


class SpokenLanguage(models.TextChoices):
    FRENCH = "fr", _("français")
    DUTCH = "nl", _("néerlandais")
    GERMAN = "de", _("allemand")
    ENGLISH = "en", _("anglais")
    UKRAINIAN = "uk", _("ukrainien")
    RUSSIAN = "ru", _("russe")
    POLISH = "pl", _("polonais")
    ROMANIAN = "ro", _("roumain")
    ARABIC = "ar", _("arabe")
    TURKISH = "tr", _("turc")
    SPANISH = "es", _("espagnol")
    ITALIAN = "it", _("italien")
    PORTUGUESE = "pt", _("portugais")
    PERSIAN = "fa", _("persan")
    SIGN_LANGUAGE = "sgn", _("langue des signes")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> "OrganisationQuerySet":
        return self.filter(status=Organisation.Status.ACTIVE)

    def published(self) -> "OrganisationQuerySet":
        return self.active().filter(published=True)


# An organisation whose level, sector or actor type is unknown (see Organisation).
INCOMPLETE = Q(level__isnull=True) | Q(sector__isnull=True) | Q(actor_type__isnull=True)


class Organisation(Versioned):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ARCHIVED = "archived", _("archivée")

    name = models.CharField(
        _("nom"),
        max_length=255,
        db_collation=NAME_COLLATION,
        validators=[validate_line],
    )
    name_fr = models.CharField(
        _("nom officiel (français)"),
        max_length=255,
        blank=True,
        validators=[validate_line],
    )
    name_nl = models.CharField(
        _("nom officiel (néerlandais)"),
        max_length=255,
        blank=True,
        validators=[validate_line],
    )
    name_de = models.CharField(
        _("nom officiel (allemand)"),
        max_length=255,
        blank=True,
        validators=[validate_line],
    )
    acronym = models.CharField(
        _("sigle"), max_length=40, blank=True, validators=[validate_line]
    )
    enterprise_number = models.CharField(
        _("numéro d'entreprise (BCE)"),
        max_length=10,
        blank=True,
        validators=[validate_enterprise_number],
        help_text=_("Dix chiffres, par exemple 0123.456.749."),
    )
    external_id = models.CharField(
        _("identifiant externe"),
        max_length=100,
        blank=True,
        validators=[validate_line],
        help_text=_("Un identifiant stable venu d'un autre système, pour les imports."),
    )
    # Unknown (null) only for an organisation created from a partner's 4W sheet,
    # which says none of them: it is "to complete" (`is_incomplete`), and its
    # forms ask for them.
    level = models.ForeignKey(
        InstitutionalLevel,
        models.PROTECT,
        null=True,
        related_name="organisations",
        verbose_name=_("niveau institutionnel"),
    )
    sector = models.ForeignKey(
        Sector,
        models.PROTECT,
        null=True,
        related_name="organisations",
        verbose_name=_("secteur"),
    )
    actor_type = models.ForeignKey(
        ActorType,
        models.PROTECT,
        null=True,
        related_name="organisations",
        verbose_name=_("type d'acteur"),
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("organisation parente"),
    )
    street = models.CharField(
        _("adresse"), max_length=255, blank=True, validators=[validate_line]
    )
    postal_code = models.CharField(
        _("code postal"), max_length=4, blank=True, validators=[validate_line]
    )
    commune = models.ForeignKey(
        Commune,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("commune"),
    )
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("téléphone"), max_length=40, blank=True, validators=[validate_line]
    )
    languages = models.JSONField(_("langues parlées"), default=list, blank=True)
    area_communes = models.ManyToManyField(
        Commune,
        blank=True,
        related_name="organisations_operating",
        verbose_name=_("zone d'action"),
    )
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(DESCRIPTION_MAX_LENGTH),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    published = models.BooleanField(
        _("publiée"),
        default=False,
        help_text=_(
            "Elle accepte d'être montrée au public. Aucun annuaire public n'existe "
            "encore : ce choix est seulement enregistré."
        ),
    )
    # Accent- and case-free text of the names, acronym and services, indexed by the
    # database's own full-text search (see register/search.py).
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords(
        m2m_fields=[area_communes], excluded_fields=["search_text"]
    )
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["status", "name"]),
            # The few organisations to complete, for the coordinators' home page.
            models.Index(
                fields=["status", "name"],
                condition=INCOMPLETE,
                name="register_org_incomplete",
            ),
            # Every status by name: without it SQLite sorts them all through
            # the names' collation, in Python.
            models.Index(fields=["name"], name="register_organisation_name"),
            models.Index(fields=["enterprise_number"]),
            models.Index(fields=["external_id"]),
            # The few archived organisations, whose services lists leave out.
            models.Index(
                fields=["id"],
                condition=Q(status="archived"),
                name="register_organisation_archived",
            ),
            # A commune's own administration and CPAS, on its page: the
            # organisations of those two kinds seated there, not all of them.
            models.Index(fields=["commune", "actor_type"], name="register_org_seat"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="organisation_unique_enterprise_number",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="organisation_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("register:organisation_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    @property
    def is_incomplete(self) -> bool:
        """Created from a partner's 4W sheet without its level, sector or actor
        type: someone has to complete it."""
        return None in (self.level_id, self.sector_id, self.actor_type_id)

    def get_languages_display(self) -> list[str]:
        labels = dict(SpokenLanguage.choices)
        return [str(labels.get(code, code)) for code in self.languages]


class OrganisationCount(models.Model):
    """How many organisations the register has with a status: kept by the
    register's services and the importer as they write
    (`register.services.organisation_counts_add`, `organisation_counts_recount`),
    so that the register list's total is read, not counted at each visit."""

    status = models.CharField(
        max_length=10, choices=Organisation.Status.choices, unique=True
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nombre d'organisations")
        verbose_name_plural = _("nombres d'organisations")

    def __str__(self) -> str:
        return f"{self.status}: {self.count}"


class Membership(models.Model):
    """A user belongs to an organisation; focal points edit their organisations."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("utilisateur·rice"),
    )
    organisation = models.ForeignKey(
        Organisation,
        models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class Contact(Versioned):
    """A contact person: personal data, shown to others only when shared."""

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("consentement")
        PUBLIC_TASK = "public_task", _("mission d'intérêt public")
        LEGITIMATE_INTEREST = "legitimate_interest", _("intérêt légitime")

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(
        _("nom"),
        max_length=200,
        db_collation=NAME_COLLATION,
        validators=[validate_line],
    )
    function = models.CharField(
        _("fonction"), max_length=200, blank=True, validators=[validate_line]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(
        _("téléphone"), max_length=40, blank=True, validators=[validate_line]
    )
    is_focal_point = models.BooleanField(_("point focal"), default=False)
    languages = models.JSONField(_("langues"), default=list, blank=True)
    legal_basis = models.CharField(
        _("base légale"), max_length=20, choices=LegalBasis.choices
    )
    consent_date = models.DateField(
        _("date du consentement ou de l'information"), null=True, blank=True
    )
    shared = models.BooleanField(
        _("partagé avec les autres organisations"),
        default=False,
        help_text=_(
            "Sinon, seuls les coordinateur·rices et les membres de l'organisation "
            "voient ce contact."
        ),
    )
    last_verified = models.DateField(_("vérifié le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation_id", "-is_focal_point", "name"]

    def __str__(self) -> str:
        return self.name


class Service(Versioned):
    """A 4W row: who (organisation) does what (theme) where (communes) and when."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("prévu")
        ONGOING = "ongoing", _("en cours")
        SUSPENDED = "suspended", _("suspendu")
        ENDED = "ended", _("terminé")

    class DeliveryMode(models.TextChoices):
        ON_SITE = "on_site", _("sur place")
        REMOTE = "remote", _("à distance")
        MOBILE = "mobile", _("mobile (itinérant)")
        MIXED = "mixed", _("mixte")

    class Access(models.TextChoices):
        WALK_IN = "walk_in", _("sans rendez-vous")
        APPOINTMENT = "appointment", _("sur rendez-vous")
        REFERRAL = "referral", _("sur orientation d'un service")

    class Cost(models.TextChoices):
        FREE = "free", _("gratuit")
        CONTRIBUTION = "contribution", _("participation aux frais")
        PAID = "paid", _("payant")

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    theme = models.ForeignKey(
        Theme, models.PROTECT, related_name="services", verbose_name=_("thème")
    )
    subtheme = models.ForeignKey(
        Theme,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="subtheme_services",
        verbose_name=_("sous-thème"),
    )
    title = models.CharField(
        _("intitulé"),
        max_length=255,
        db_collation=NAME_COLLATION,
        validators=[validate_line],
    )
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(DESCRIPTION_MAX_LENGTH),
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        blank=True,
        related_name="services",
        verbose_name=_("publics cibles"),
    )
    eligibility = models.TextField(
        _("conditions d'accès"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(NOTE_MAX_LENGTH),
        help_text=_("Par exemple : attestation de protection temporaire requise."),
    )
    communes = models.ManyToManyField(
        Commune,
        through="ServiceCommune",
        blank=True,
        related_name="services",
        verbose_name=_("communes desservies"),
    )
    delivery_mode = models.CharField(
        _("modalité"),
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.ON_SITE,
    )
    languages = models.JSONField(_("langues"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("capacité"), null=True, blank=True)
    capacity_unit = models.CharField(
        _("unité de capacité"),
        max_length=60,
        blank=True,
        validators=[validate_line],
        help_text=_("Par exemple : places, personnes par mois."),
    )
    cost = models.CharField(
        _("coût"), max_length=12, choices=Cost.choices, default=Cost.FREE
    )
    access = models.CharField(
        _("accès"), max_length=12, choices=Access.choices, default=Access.APPOINTMENT
    )
    referral_how = models.TextField(
        _("comment orienter"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(NOTE_MAX_LENGTH),
    )
    opening_hours = models.TextField(
        _("horaires"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(NOTE_MAX_LENGTH),
    )
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ONGOING
    )
    funders = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="funded_services",
        verbose_name=_("bailleurs de fonds"),
    )
    published = models.BooleanField(_("publié"), default=False)
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords(
        m2m_fields=[target_groups], excluded_fields=["search_text"]
    )

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["organisation_id", "theme__position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="service_ends_after_start",
            )
        ]
        indexes = [
            # The services list by title: its first page read from the index
            # rather than sorting every service by the names' collation.
            models.Index(fields=["title", "id"], name="register_service_title"),
            # Counting them from the index alone (status, and the organisation
            # to leave archived ones out), not from the wide rows.
            models.Index(
                fields=["status", "organisation"], name="register_service_status"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("register:service_detail", args=[self.pk])

    def get_languages_display(self) -> list[str]:
        labels = dict(SpokenLanguage.choices)
        return [str(labels.get(code, code)) for code in self.languages]


# Services still offered: a commune's page counts and shows them first.
CURRENT_SERVICE_STATUSES = (Service.Status.PLANNED, Service.Status.ONGOING)


class ServiceCount(models.Model):
    """How many services the organisations that are not archived have with a
    status: kept like OrganisationCount (`register.services.service_counts_add`,
    `service_counts_recount`), so that the services list's total is read, not
    counted at each visit."""

    status = models.CharField(
        max_length=10, choices=Service.Status.choices, unique=True
    )
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("nombre de services")
        verbose_name_plural = _("nombres de services")

    def __str__(self) -> str:
        return f"{self.status}: {self.count}"


class ServiceCommune(models.Model):
    """A commune a service serves: the "where" of the 4W, one row per commune.

    It repeats its service's theme and organisation, kept in step by the
    register's services and the importer (`register.services.service_communes_align`),
    so that a commune's page counts its services by theme from one index, without
    reading each service: that count stays as fast when the register triples."""

    service = models.ForeignKey(
        Service, models.CASCADE, related_name="service_communes"
    )
    commune = models.ForeignKey(
        Commune, models.PROTECT, related_name="service_communes"
    )
    theme = models.ForeignKey(Theme, models.PROTECT, related_name="+", editable=False)
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("commune desservie")
        verbose_name_plural = _("communes desservies")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "commune"], name="service_commune_unique"
            )
        ]
        indexes = [
            models.Index(fields=["commune", "service"]),
            # Newest services first within a commune's theme; the organisation
            # too, so that leaving out archived ones reads no other table.
            models.Index(
                fields=["commune", "theme", "service", "organisation"],
                name="register_servicecommune_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.commune_id}"


class CommuneOffer(models.Model):
    """How many current services (planned or ongoing), of how many
    organisations, serve a commune in a theme, and how many more are ended or
    suspended, counting only active organisations; one row per commune and
    theme that has any.

    The register's services and the importer count them again as they write
    (`register.services.commune_offers_recount`), so that a commune's page reads
    its totals rather than counting its services at each visit."""

    commune = models.ForeignKey(Commune, models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="+")
    services = models.PositiveIntegerField(default=0)
    organisations = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("offre d'une commune")
        verbose_name_plural = _("offres des communes")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "theme"], name="commune_offer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} × {self.theme_id}"


class Relation(Versioned):
    """A typed, directed relation: `source` funds, refers to, coordinates… `target`."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("quotidienne")
        WEEKLY = "weekly", _("hebdomadaire")
        MONTHLY = "monthly", _("mensuelle")
        QUARTERLY = "quarterly", _("trimestrielle")
        YEARLY = "yearly", _("annuelle")
        AD_HOC = "ad_hoc", _("ponctuelle")

    source = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="relations_out",
        verbose_name=_("organisation"),
    )
    target = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="relations_in",
        verbose_name=_("organisation liée"),
    )
    type = models.ForeignKey(
        RelationType, models.PROTECT, related_name="relations", verbose_name=_("type")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="relations", verbose_name=_("thèmes")
    )
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, blank=True
    )
    formal = models.BooleanField(
        _("formalisée"),
        default=False,
        help_text=_("Une convention, un contrat ou un agrément l'encadre."),
    )
    since = models.DateField(_("depuis"), null=True, blank=True)
    declared_by = models.ForeignKey(
        Organisation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="declared_relations",
        verbose_name=_("déclarée par"),
    )
    source_note = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        validators=[validate_line],
        help_text=_("Par exemple : enquête de mars 2026, réunion de cadrage."),
    )
    note = models.TextField(
        _("remarque"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(NOTE_MAX_LENGTH),
    )

    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        ordering = ["source_id", "type__position", "target_id"]
        indexes = [models.Index(fields=["target", "source"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="relation_not_to_itself"
            ),
            models.UniqueConstraint(
                fields=["source", "target", "type"], name="relation_unique_per_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.type_id})"


class Assessment(models.Model):
    """A stakeholder assessment of an organisation at a date; the series is kept."""

    class Attitude(models.TextChoices):
        OPPOSED = "opposed", _("opposée")
        RESERVED = "reserved", _("réservée")
        NEUTRAL = "neutral", _("neutre")
        SUPPORTIVE = "supportive", _("favorable")
        CHAMPION = "champion", _("moteur")

    class Strategy(models.TextChoices):
        INFORM = "inform", _("informer")
        CONSULT = "consult", _("consulter")
        INVOLVE = "involve", _("impliquer")
        COLLABORATE = "collaborate", _("collaborer")
        EMPOWER = "empower", _("confier")

    SCALE: ClassVar[list[tuple[int, str]]] = [(n, str(n)) for n in range(1, 6)]

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="assessments",
        verbose_name=_("organisation"),
    )
    influence = models.PositiveSmallIntegerField(_("influence (1–5)"), choices=SCALE)
    interest = models.PositiveSmallIntegerField(_("intérêt (1–5)"), choices=SCALE)
    attitude = models.CharField(_("attitude"), max_length=12, choices=Attitude.choices)
    capacity = models.PositiveSmallIntegerField(_("capacité (1–5)"), choices=SCALE)
    strategy = models.CharField(
        _("stratégie d'engagement"), max_length=12, choices=Strategy.choices
    )
    assessed_on = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="assessments",
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
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["organisation_id", "-assessed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(influence__range=(1, 5))
                & Q(interest__range=(1, 5))
                & Q(capacity__range=(1, 5)),
                name="assessment_scales_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.assessed_on}"
