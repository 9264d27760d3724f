"""Questionnaires, written in XLSForm (the language of KoboToolbox and ODK):
each version keeps its form as the XLSForm's own rows, so that it exports
back as it came and converts with pyxform."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
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


class Round(models.Model):
    """A consultation round: a questionnaire version put to an audience drawn
    from the register, between two dates."""

    class Purpose(models.TextChoices):
        DESIGN = "design", _("conception du mécanisme")
        VERIFICATION = "verification", _("vérification du mécanisme")
        OTHER = "other", _("autre")

    class Unit(models.TextChoices):
        ORGANISATION = "organisation", _("une réponse par organisation")
        PERSON = "person", _("une réponse par personne")

    questionnaire = models.ForeignKey(
        Questionnaire,
        models.PROTECT,
        related_name="rounds",
        verbose_name=_("questionnaire"),
    )
    title = models.CharField(_("titre"), max_length=255, validators=[validate_line])
    purpose = models.CharField(
        _("objet"), max_length=12, choices=Purpose.choices, default=Purpose.DESIGN
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        max_length=4000,
        help_text=_("Montrée aux personnes invitées au-dessus du questionnaire."),
    )
    unit = models.CharField(
        _("qui répond"), max_length=12, choices=Unit.choices, default=Unit.ORGANISATION
    )
    anonymous = models.BooleanField(
        _("anonyme"),
        default=False,
        help_text=_(
            "Les résultats ne montrent ni l'organisation ni la personne qui a répondu."
        ),
    )
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    launched_at = models.DateTimeField(_("lancé le"), null=True, blank=True)
    public_key = models.CharField(
        _("lien public"), max_length=64, blank=True, db_index=True
    )
    results_published = models.BooleanField(_("résultats publiés"), default=False)
    # Questions whose answers may go into the register once a coordinator has
    # read them: {question name: target} (see consultations/binding.py).
    bindings = models.JSONField(_("liaisons au registre"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("tour de consultation")
        verbose_name_plural = _("tours de consultation")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_opening",
                violation_error_message=_("La clôture vient après l'ouverture."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:round_detail", args=[self.pk])

    @property
    def state(self) -> str:
        """draft (not launched), scheduled, open or closed."""
        if self.launched_at is None:
            return "draft"
        now = timezone.now()
        if now < self.opens_at:
            return "scheduled"
        return "open" if now < self.closes_at else "closed"

    @property
    def is_open(self) -> bool:
        return self.state == "open"


class Invitation(models.Model):
    """One organisation (its focal point) or one person invited to answer;
    its key is the link to the questionnaire, no account needed."""

    class Delivery(models.TextChoices):
        PENDING = "pending", _("à envoyer")
        QUEUED = "queued", _("en cours d'envoi")
        SENT = "sent", _("envoyée")
        FAILED = "failed", _("échec de l'envoi")
        NO_ADDRESS = "no_address", _("sans adresse")

    round = models.ForeignKey(
        Round, models.CASCADE, related_name="invitations", verbose_name=_("tour")
    )
    organisation = models.ForeignKey(
        "register.Organisation",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_invitations",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        "register.Contact",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_invitations",
        verbose_name=_("personne"),
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    key = models.CharField(_("clé"), max_length=64, unique=True)
    delivery = models.CharField(
        _("envoi"), max_length=10, choices=Delivery.choices, default=Delivery.PENDING
    )
    delivery_error = models.CharField(_("erreur d'envoi"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel le"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("rappels"), default=0)
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation à répondre")
        verbose_name_plural = _("invitations à répondre")
        ordering = ["round_id", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=models.Q(contact__isnull=True, organisation__isnull=False),
                name="consultation_invitation_one_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["round", "contact"],
                condition=models.Q(contact__isnull=False),
                name="consultation_invitation_one_per_person",
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.organisation or "")

    def get_absolute_url(self) -> str:
        return reverse("consultations:answer", args=[self.key])


class Response(models.Model):
    """A set of answers to a round, on the questionnaire version it was given
    on: a draft saved page by page, then submitted. `instance_id` is made by
    the client (ODK's instanceID): the same id sent again with the same
    answers is the same response."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("envoyée")

    round = models.ForeignKey(
        Round, models.CASCADE, related_name="responses", verbose_name=_("tour")
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        models.PROTECT,
        related_name="responses",
        verbose_name=_("version du questionnaire"),
    )
    invitation = models.ForeignKey(
        Invitation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("invitation"),
    )
    instance_id = models.CharField(_("identifiant de réponse"), max_length=64)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("réponses"), default=dict, blank=True)
    digest = models.CharField(_("empreinte"), max_length=64, blank=True)
    language = models.CharField(_("langue"), max_length=60, blank=True)
    page = models.PositiveIntegerField(_("page"), default=1)
    created_at = models.DateTimeField(_("commencée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("rouverte le"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rouverte par"),
    )

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["round_id", "-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "instance_id"], name="response_instance_unique"
            ),
            models.UniqueConstraint(
                fields=["invitation"],
                condition=models.Q(invitation__isnull=False),
                name="response_one_per_invitation",
            ),
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return self.instance_id


class Adoption(models.Model):
    """A coordinator's decision on one answer bound to the register: written
    into it (through the register's services, with the consultation named in
    its history) or set aside."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("écrite dans le registre")
        REJECTED = "rejected", _("écartée")

    response = models.ForeignKey(
        Response, models.CASCADE, related_name="adoptions", verbose_name=_("réponse")
    )
    question = models.CharField(_("question"), max_length=100)
    target = models.CharField(_("champ du registre"), max_length=100)
    value = models.JSONField(_("valeur déclarée"), default=list, blank=True)
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices)
    outcome = models.CharField(_("effet"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), default=timezone.now)

    class Meta:
        verbose_name = _("réponse relue pour le registre")
        verbose_name_plural = _("réponses relues pour le registre")
        ordering = ["response_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="adoption_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response_id} {self.question} {self.decision}"
