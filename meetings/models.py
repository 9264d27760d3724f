"""Meetings of the coordination bodies (and scoping meetings outside any body):
their agenda, invitations and answers, attendance, minutes, decisions and the
actions that follow, with the reminders and calendar feeds that keep them in
view.

Times are stored in UTC and entered and shown in Europe/Brussels (TIME_ZONE)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coordination.models import CoordinationBody
from lib.text import (
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    long_text_validators,
    validate_line,
)
from lib.versioning import Versioned
from register.models import Contact, Organisation
from taxonomy.models import Theme

# The minutes' longest text, in characters of sanitised HTML.
MINUTES_MAX_LENGTH = 200_000


class Language(models.TextChoices):
    FR = "fr", _("français")
    NL = "nl", _("néerlandais")
    DE = "de", _("allemand")
    EN = "en", _("anglais")


class Meeting(Versioned):
    class Kind(models.TextChoices):
        SCOPING = "scoping", _("réunion de cadrage")
        PLENARY = "plenary", _("plénière")
        WORKING_GROUP = "working_group", _("groupe de travail")
        STEERING = "steering", _("comité de pilotage")
        BILATERAL = "bilateral", _("bilatérale")

    class Status(models.TextChoices):
        PLANNED = "planned", _("prévue")
        HELD = "held", _("tenue")
        CANCELLED = "cancelled", _("annulée")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titre"), max_length=200, validators=[validate_line])
    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices)
    body = models.ForeignKey(
        CoordinationBody,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("organe de coordination"),
    )
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(
        _("lieu"), max_length=300, blank=True, validators=[validate_line]
    )
    online_url = models.URLField(_("lien de la réunion en ligne"), blank=True)
    languages = models.JSONField(_("langues"), default=list, blank=True)
    description = models.TextField(
        _("description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(DESCRIPTION_MAX_LENGTH),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_meetings",
        verbose_name=_("organisé par"),
    )
    # The meetings made together from a cadence share this id.
    series = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    # iCalendar's SEQUENCE: raised by each change that invitees must hear of.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_ended(self) -> bool:
        return self.ends_at <= timezone.now()


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda", verbose_name=_("réunion")
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    title = models.CharField(_("point"), max_length=300, validators=[validate_line])
    presenter = models.CharField(
        _("présenté par"), max_length=200, blank=True, validators=[validate_line]
    )
    duration = models.PositiveSmallIntegerField(
        _("durée (minutes)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        ordering = ["meeting_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Invitation(models.Model):
    """An organisation invited, through one person or its general address.
    Its key makes the personal answer link; the link holds the invitation's id
    and a signature of it with the key, never the key alone."""

    class Delivery(models.TextChoices):
        PENDING = "pending", _("pas encore envoyée")
        QUEUED = "queued", _("en attente d'envoi")
        SENT = "sent", _("envoyée")
        FAILED = "failed", _("échec de l'envoi")
        NO_ADDRESS = "no_address", _("sans adresse e-mail")

    class Answer(models.TextChoices):
        PENDING = "pending", _("sans réponse")
        ACCEPTED = "accepted", _("accepte")
        DECLINED = "declined", _("décline")
        DELEGATED = "delegated", _("délègue")

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="invitations", verbose_name=_("réunion")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="meeting_invitations",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        Contact,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_invitations",
        verbose_name=_("personne"),
    )
    # Who the invitation goes to, kept as sent (a contact may change later).
    name = models.CharField(
        _("nom"), max_length=200, blank=True, validators=[validate_line]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("langue"), max_length=2, choices=Language.choices, default=Language.FR
    )
    key = models.CharField(max_length=64, editable=False)
    delegated_from = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegates",
        verbose_name=_("déléguée par"),
    )
    delivery = models.CharField(
        _("envoi"), max_length=10, choices=Delivery.choices, default=Delivery.PENDING
    )
    delivery_error = models.CharField(
        _("raison de l'échec"), max_length=500, blank=True
    )
    # The meeting's sequence last sent to this invitee (-1: nothing yet).
    sent_sequence = models.IntegerField(default=-1, editable=False)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    opened_at = models.DateTimeField(_("ouverte le"), null=True, blank=True)
    answer = models.CharField(
        _("réponse"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answer_note = models.CharField(
        _("message"), max_length=500, blank=True, validators=[validate_line]
    )
    created_at = models.DateTimeField(_("invitée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting_id", "organisation__name", "name", "id"]
        indexes = [models.Index(fields=["organisation", "meeting"])]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.name or self.email or '—'}"

    @property
    def state(self) -> str:
        """What the organiser sees: answered, opened, sent, failed, queued."""
        if self.answer != self.Answer.PENDING:
            return "answered"
        if self.opened_at is not None:
            return "opened"
        return str(self.delivery)


class Attendance(models.Model):
    class Presence(models.TextChoices):
        PRESENT = "present", _("présent·e")
        EXCUSED = "excused", _("excusé·e")
        ABSENT = "absent", _("absent·e")

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="attendance", verbose_name=_("réunion")
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="meeting_attendance",
        verbose_name=_("organisation"),
    )
    name = models.CharField(
        _("personne"), max_length=200, blank=True, validators=[validate_line]
    )
    presence = models.CharField(_("présence"), max_length=8, choices=Presence.choices)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["meeting_id", "organisation__name", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation", "name"],
                name="attendance_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.name}: {self.presence}"


class Minutes(models.Model):
    """One version of a meeting's minutes: a draft changes, an approved one
    does not (a new version starts from it)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("projet")
        APPROVED = "approved", _("approuvé")

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="minutes", verbose_name=_("réunion")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    # Raised by each save of a draft: a writer or an approver who read an
    # earlier text is told, instead of overwriting or approving it unseen.
    revision = models.PositiveIntegerField(default=1, editable=False)
    text = models.TextField(_("procès-verbal"), blank=True)
    status = models.CharField(
        _("statut"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("rédigé par"),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approuvé par"),
    )
    approved_at = models.DateTimeField(_("approuvé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("procès-verbal")
        verbose_name_plural = _("procès-verbaux")
        ordering = ["meeting_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="minutes_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} — v{self.number}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Decision(models.Model):
    """A decision, numbered per body (and, for meetings outside any body, in
    one numbering of their own)."""

    meeting = models.ForeignKey(
        Meeting, models.PROTECT, related_name="decisions", verbose_name=_("réunion")
    )
    body = models.ForeignKey(
        CoordinationBody,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("organe de coordination"),
    )
    number = models.PositiveIntegerField(_("numéro"))
    text = models.TextField(
        _("décision"),
        max_length=NOTE_MAX_LENGTH,
        validators=long_text_validators(NOTE_MAX_LENGTH),
    )
    created_at = models.DateTimeField(_("prise le"), auto_now_add=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["body_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "number"],
                condition=Q(body__isnull=False),
                name="decision_number_per_body",
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(body__isnull=True),
                name="decision_number_outside_bodies",
            ),
        ]

    def __str__(self) -> str:
        return f"D{self.number}"


class Action(Versioned):
    class Status(models.TextChoices):
        OPEN = "open", _("à faire")
        IN_PROGRESS = "in_progress", _("en cours")
        DONE = "done", _("fait")
        DROPPED = "dropped", _("abandonné")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    meeting = models.ForeignKey(
        Meeting,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("réunion"),
    )
    body = models.ForeignKey(
        CoordinationBody,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("organe de coordination"),
    )
    decision = models.ForeignKey(
        Decision,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("décision"),
    )
    title = models.CharField(_("action"), max_length=300, validators=[validate_line])
    description = models.TextField(
        _("description"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(NOTE_MAX_LENGTH),
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="meeting_actions",
        verbose_name=_("organisation responsable"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("personne responsable"),
    )
    theme = models.ForeignKey(
        Theme,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thème"),
    )
    due_date = models.DateField(_("échéance"), db_index=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("terminée le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:action_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ActionNote(models.Model):
    action = models.ForeignKey(
        Action, models.CASCADE, related_name="notes", verbose_name=_("action")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("par"),
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Action.Status.choices, blank=True
    )
    text = models.TextField(
        _("avancement"),
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        validators=long_text_validators(NOTE_MAX_LENGTH),
    )
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("note d'avancement")
        verbose_name_plural = _("notes d'avancement")
        ordering = ["action_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.text[:40]}"


class ReminderDigest(models.Model):
    """The one e-mail a person gets on a day about their actions."""

    class Delivery(models.TextChoices):
        QUEUED = "queued", _("en attente d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec de l'envoi")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="reminder_digests",
        verbose_name=_("destinataire"),
    )
    day = models.DateField(_("jour"))
    delivery = models.CharField(
        _("envoi"), max_length=8, choices=Delivery.choices, default=Delivery.QUEUED
    )
    delivery_error = models.CharField(
        _("raison de l'échec"), max_length=500, blank=True
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rappel du jour")
        verbose_name_plural = _("rappels du jour")
        ordering = ["-day", "recipient_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"], name="reminder_digest_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"


class Reminder(models.Model):
    """That an action's owner was reminded at a stage: once per action, stage
    and person, in one day's digest."""

    class Stage(models.TextChoices):
        SOON = "soon", _("échéance proche")
        OVERDUE = "overdue", _("en retard")

    action = models.ForeignKey(
        Action, models.CASCADE, related_name="reminders", verbose_name=_("action")
    )
    stage = models.CharField(_("étape"), max_length=8, choices=Stage.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=_("destinataire"),
    )
    digest = models.ForeignKey(ReminderDigest, models.CASCADE, related_name="reminders")

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        constraints = [
            models.UniqueConstraint(
                fields=["action", "stage", "recipient"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} ({self.stage})"


class CalendarFeed(models.Model):
    """A secret address that calendar applications read without signing in:
    a person's meetings, or a body's. Only the token's digest is stored; the
    address is shown once, when made, and revoking it ends it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("utilisateur·rice"),
    )
    body = models.ForeignKey(
        CoordinationBody,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("organe de coordination"),
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda en ligne")
        verbose_name_plural = _("agendas en ligne")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.body or ''}".strip()


def _document_path(document: "Document", filename: str) -> str:
    # A random name: the file is only ever sent by a view that checks who asks.
    return f"meetings/{document.meeting_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="documents", verbose_name=_("réunion")
    )
    # A document outlives its agenda item: it stays on the meeting.
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("point de l'ordre du jour"),
    )
    file = models.FileField(_("fichier"), upload_to=_document_path, max_length=255)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["meeting_id", "agenda_item_id", "filename", "id"]

    def __str__(self) -> str:
        return self.filename
