"""Forms of the meetings' pages; the views save through meetings.services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from coordination.models import CoordinationBody
from lib.forms import CheckedTextForm, FieldsetForm, local_datetime_field
from lib.text import NOTE_MAX_LENGTH, validate_line, validate_text
from meetings.models import (
    MINUTES_MAX_LENGTH,
    Action,
    Attendance,
    Language,
    Meeting,
)
from meetings.services import SERIES_MAX, AgendaRow, Cadence
from register.pickers import OrganisationField, OrganisationMultipleField
from taxonomy.choices import usable_terms
from taxonomy.models import Theme

AGENDA_ROWS = 8


class MeetingForm(FieldsetForm, forms.ModelForm[Meeting]):
    starts_at = local_datetime_field(_("Début"))
    ends_at = local_datetime_field(_("Fin"))
    languages = forms.MultipleChoiceField(
        label=_("Langues"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    invitees = OrganisationMultipleField(
        label=_("Organisations invitées"), required=False
    )
    agenda = forms.CharField(
        label=_("Ordre du jour"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_text],
        help_text=_(
            "Un point par ligne, dans l'ordre. Ajoutez, séparés par « | », qui le "
            "présente et sa durée en minutes : « Accueil | Fedasil | 15 »."
        ),
    )
    send = forms.BooleanField(
        label=_("Envoyer les invitations en enregistrant"),
        required=False,
        initial=True,
        help_text=_(
            "Chaque invité·e reçoit un e-mail dans sa langue, avec le fichier "
            "d'agenda et un lien personnel pour répondre."
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "kind",
            "body",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "languages",
            "description",
        ]

    fieldsets = (
        (_("La réunion"), ["title", "kind", "body", "description"]),
        (
            _("Quand et où"),
            ["starts_at", "ends_at", "place", "online_url", "languages"],
        ),
        (_("Ordre du jour"), ["agenda"]),
        (_("Invitations"), ["invitees", "send"]),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting = self.instance
        editing = meeting.pk is not None
        # A dissolved body takes no new meeting; one already there stays.
        self.fields["body"].queryset = CoordinationBody.objects.filter(  # type: ignore[attr-defined]
            ~Q(status=CoordinationBody.Status.ENDED) | Q(pk=meeting.body_id)
        ).only("id", "name")
        self.fields["body"].help_text = _(
            "Aucun pour une réunion de cadrage. Les membres de l'organe sont "
            "invités par défaut."
        )
        # Room for a meeting's guests at once (a save brings more boxes).
        self.fields["invitees"].widget.extra = 3 if editing else 8
        if editing:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.initial.setdefault("version", meeting.version)
            self.fields["invitees"].label = _("Inviter d'autres organisations")
            self.fields["invitees"].widget.label = self.fields["invitees"].label
            self.fields["send"].label = _(
                "Envoyer les invitations qui ne l'ont pas encore été"
            )
            self.fields["send"].help_text = _(
                "Un changement d'heure, de lieu ou de titre est de toute façon "
                "envoyé à qui avait reçu l'invitation."
            )
            if not self.is_bound:
                self.initial.setdefault("agenda", agenda_text(meeting))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("La fin doit suivre le début."))
        if not cleaned.get("place") and not cleaned.get("online_url"):
            self.add_error("place", _("Donnez un lieu, un lien en ligne, ou les deux."))
        return cleaned

    def clean_agenda(self) -> list[AgendaRow]:
        return agenda_parse(self.cleaned_data.get("agenda", ""))

    def meeting_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


def agenda_text(meeting: Meeting) -> str:
    lines = []
    for item in meeting.agenda.all():
        parts = [item.title]
        if item.presenter or item.duration:
            parts.append(item.presenter)
        if item.duration:
            parts.append(str(item.duration))
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def agenda_parse(text: str) -> list[AgendaRow]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            raise ValidationError(
                _(
                    "Ligne %(line)s : trois parties au plus "
                    "(point | présenté par | durée)."
                )
                % {"line": number}
            )
        title, presenter, duration = [*parts, "", ""][:3]
        if not title:
            raise ValidationError(
                _("Ligne %(line)s : le point n'a pas de titre.") % {"line": number}
            )
        if len(title) > 300 or len(presenter) > 200:
            raise ValidationError(
                _("Ligne %(line)s : texte trop long.") % {"line": number}
            )
        minutes = None
        if duration:
            if (
                not duration.isascii()
                or not duration.isdecimal()
                or not 1 <= int(duration) <= 24 * 60
            ):
                raise ValidationError(
                    _("Ligne %(line)s : la durée est un nombre de minutes (1 à 1440).")
                    % {"line": number}
                )
            minutes = int(duration)
        rows.append(AgendaRow(title, presenter, minutes))
    if len(rows) > 50:
        raise ValidationError(_("50 points au plus."))
    return rows


class CopyForm(CheckedTextForm, forms.Form):
    starts_at = local_datetime_field(_("Nouveau début"))


class SeriesForm(CheckedTextForm, forms.Form):
    cadence = forms.ChoiceField(
        label=_("Rythme"),
        choices=[
            (Cadence.WEEKLY, _("chaque semaine")),
            (Cadence.FORTNIGHTLY, _("toutes les deux semaines")),
            (Cadence.MONTHLY, _("chaque mois")),
            (Cadence.QUARTERLY, _("chaque trimestre")),
        ],
    )
    count = forms.IntegerField(
        label=_("Nombre de réunions à planifier"),
        min_value=1,
        max_value=SERIES_MAX,
        initial=6,
        help_text=_("Après celle-ci, à la même heure de Bruxelles."),
    )


class PersonInviteForm(CheckedTextForm, forms.Form):
    organisation = OrganisationField(label=_("Organisation"))
    name = forms.CharField(label=_("Nom"), max_length=200, validators=[validate_line])
    email = forms.EmailField(label=_("Adresse e-mail"))


class AnswerForm(CheckedTextForm, forms.Form):
    answer = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[
            ("accepted", _("Je participerai")),
            ("declined", _("Je ne participerai pas")),
            ("delegated", _("Je délègue à un·e collègue de mon organisation")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Message à l'organisateur (facultatif)"),
        max_length=500,
        required=False,
        validators=[validate_line],
    )
    delegate_name = forms.CharField(
        label=_("Nom de votre collègue"),
        max_length=200,
        required=False,
        validators=[validate_line],
    )
    delegate_email = forms.EmailField(
        label=_("Adresse e-mail de votre collègue"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("answer") == "delegated":
            if not cleaned.get("delegate_name"):
                self.add_error("delegate_name", _("Donnez le nom de votre collègue."))
            if (
                not cleaned.get("delegate_email")
                and "delegate_email" not in self.errors
            ):
                self.add_error(
                    "delegate_email", _("Donnez l'adresse e-mail de votre collègue.")
                )
        return cleaned


class AttendanceRowForm(CheckedTextForm, forms.Form):
    organisation = OrganisationField(
        label=_("Organisation"), required=False, help_text=""
    )
    name = forms.CharField(
        label=_("Personne"), max_length=200, required=False, validators=[validate_line]
    )
    presence = forms.ChoiceField(
        label=_("Présence"),
        choices=[("", "---------"), *Attendance.Presence.choices],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("organisation") and not cleaned.get("presence"):
            self.add_error("presence", _("Indiquez la présence."))
        if cleaned.get("presence") and not cleaned.get("organisation"):
            self.add_error("organisation", _("Indiquez l'organisation."))
        return cleaned


AttendanceFormSet = forms.formset_factory(
    AttendanceRowForm, extra=3, max_num=300, absolute_max=300, validate_max=True
)


class MinutesForm(CheckedTextForm, forms.Form):
    text = forms.CharField(
        label=_("Procès-verbal"),
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=MINUTES_MAX_LENGTH,
        required=False,
        validators=[validate_text],
        help_text=_(
            "Du texte simple (une ligne vide entre deux paragraphes), ou du HTML "
            "avec ces éléments : p, h2, h3, strong, em, ul, ol, li, a, table. "
            "Tout le reste est retiré."
        ),
    )
    # The version and its revision the writer read (see services.minutes_save).
    number = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=10_000
    )
    revision = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31
    )


class DecisionForm(CheckedTextForm, forms.Form):
    text = forms.CharField(
        label=_("Décision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_text],
    )


def owner_choices() -> Any:
    return (
        User.objects.filter(is_active=True)
        .exclude(role=Role.OBSERVER)
        .only("id", "email", "full_name")
        .order_by("full_name", "email")
    )


class ActionForm(FieldsetForm, forms.ModelForm[Action]):
    owner_organisation = OrganisationField(label=_("Organisation responsable"))
    due_date = forms.DateField(
        label=_("Échéance"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owner_organisation",
            "owner",
            "theme",
            "due_date",
            "status",
            "decision",
        ]

    fieldsets = (
        (_("L'action"), ["title", "description", "decision", "theme"]),
        (_("Qui et quand"), ["owner_organisation", "owner", "due_date", "status"]),
    )

    def __init__(
        self, *args: Any, meeting: Meeting | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        action = self.instance
        self.fields["owner"].queryset = owner_choices()  # type: ignore[attr-defined]
        self.fields["owner"].help_text = _(
            "Une personne qui a un compte ; elle voit l'action sous « Mes actions » "
            "et en reçoit les rappels."
        )
        self.fields["theme"].queryset = usable_terms(  # type: ignore[attr-defined]
            Theme, [action.theme_id if action.pk else None]
        )
        decisions = meeting.decisions.all() if meeting is not None else None
        if decisions is None and action.meeting_id:
            decisions = action.meeting.decisions.all()  # type: ignore[union-attr]
        if decisions is None:
            del self.fields["decision"]
        else:
            self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]
        if action.pk:
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)
            self.initial.setdefault("version", action.version)

    def action_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self._meta.fields or ()
            if name in self.fields
        }


class ProgressForm(CheckedTextForm, forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=Action.Status.choices)
    note = forms.CharField(
        label=_("Note d'avancement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        validators=[validate_text],
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
