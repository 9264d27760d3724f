"""Writes to the meetings and their follow-up; the HTML views and the API call
these. Sending (invitations, reminders) is queued here, on commit, and done by
meetings.tasks."""

import calendar as month_calendar
import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from coordination.models import CoordinationBody
from lib.forms import YEARS
from lib.versioning import assign, check_version, save_with_history
from meetings.links import new_key
from meetings.models import (
    Action,
    ActionNote,
    AgendaItem,
    Attendance,
    Decision,
    Invitation,
    Language,
    Meeting,
    Minutes,
)
from meetings.rich_text import rich_text_clean
from register.models import Contact, Organisation

# What invitees hear of when it changes: a new SEQUENCE, an updated .ics.
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "place", "online_url"}
# The longest series made at once.
SERIES_MAX = 52
LANGUAGES = {choice.value for choice in Language}


@dataclass(frozen=True)
class AgendaRow:
    title: str
    presenter: str = ""
    duration: int | None = None


@dataclass(frozen=True)
class Invitee:
    """An organisation invited: through a contact of it, a person named here,
    or else its focal point (or its general address)."""

    organisation: Organisation
    contact: Contact | None = None
    name: str = ""
    email: str = ""


def _check_times(fields: Mapping[str, Any], meeting: Meeting | None = None) -> None:
    starts = fields.get("starts_at", meeting.starts_at if meeting else None)
    ends = fields.get("ends_at", meeting.ends_at if meeting else None)
    for name, value in (("starts_at", starts), ("ends_at", ends)):
        if value is not None and not YEARS[0] <= value.year <= YEARS[1]:
            raise ValidationError(
                {
                    name: _("Une date entre %(first)s et %(last)s.")
                    % {"first": YEARS[0], "last": YEARS[1]}
                }
            )
    if starts is not None and ends is not None and ends <= starts:
        raise ValidationError({"ends_at": _("La fin doit suivre le début.")})


def _check_languages(fields: Mapping[str, Any]) -> None:
    unknown = [code for code in fields.get("languages", []) if code not in LANGUAGES]
    if unknown:
        raise ValidationError(
            {
                "languages": _("Langue inconnue : %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )


def _language_of(contact: Contact | None, organisation: Organisation) -> str:
    spoken = list(contact.languages if contact else [])
    spoken += list(organisation.languages or [])
    return next((code for code in spoken if code in LANGUAGES), Language.FR.value)


def _focal_points(organisation_ids: Iterable[int]) -> dict[int, Contact]:
    """Each organisation's focal point with an address, or its first contact
    with one."""
    found: dict[int, Contact] = {}
    for contact in (
        Contact.objects.filter(organisation_id__in=organisation_ids)
        .exclude(email="")
        .order_by("organisation_id", "-is_focal_point", "name", "id")
    ):
        found.setdefault(contact.organisation_id, contact)
    return found


def _invitation(
    meeting: Meeting, invitee: Invitee, focal_points: Mapping[int, Contact]
) -> Invitation:
    contact = invitee.contact
    if contact is not None and contact.organisation_id != invitee.organisation.pk:
        raise ValidationError(
            {
                "invitees": _("%(person)s ne fait pas partie de %(organisation)s.")
                % {"person": contact.name, "organisation": invitee.organisation}
            }
        )
    if contact is None and not invitee.email:
        contact = focal_points.get(invitee.organisation.pk)
    if contact is not None:
        name, email = contact.name, contact.email
    else:
        name, email = invitee.name, invitee.email or invitee.organisation.email
    return Invitation(
        meeting=meeting,
        organisation=invitee.organisation,
        contact=contact,
        name=name,
        email=email,
        language=_language_of(contact, invitee.organisation),
        key=new_key(),
        delivery=Invitation.Delivery.PENDING
        if email
        else Invitation.Delivery.NO_ADDRESS,
    )


def _set_agenda(meeting: Meeting, agenda: Sequence[AgendaRow]) -> None:
    """Make the agenda these rows, in order. An item keeps its row (and the
    documents attached to it) when its title is kept, wherever it moves; the
    items left over are removed, their documents staying on the meeting."""
    existing = list(meeting.agenda.order_by("position", "id"))
    by_title: dict[str, list[AgendaItem]] = {}
    for each in existing:
        by_title.setdefault(each.title, []).append(each)
    kept: list[AgendaItem | None] = [
        by_title[row.title].pop(0) if by_title.get(row.title) else None
        for row in agenda
    ]
    taken = {item.pk for item in kept if item is not None}
    unused = [item for item in existing if item.pk not in taken]
    changed: list[AgendaItem] = []
    new: list[AgendaItem] = []
    for position, (row, found) in enumerate(zip(agenda, kept, strict=True), start=1):
        item: AgendaItem | None = found or (unused.pop(0) if unused else None)
        if item is None:
            new.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=row.title,
                    presenter=row.presenter,
                    duration=row.duration,
                )
            )
            continue
        values = (position, row.title, row.presenter, row.duration)
        if (item.position, item.title, item.presenter, item.duration) != values:
            item.position, item.title, item.presenter, item.duration = values
            changed.append(item)
    if unused:
        AgendaItem.objects.filter(pk__in=[item.pk for item in unused]).delete()
    if changed:
        AgendaItem.objects.bulk_update(
            changed, ["position", "title", "presenter", "duration"]
        )
    if new:
        AgendaItem.objects.bulk_create(new)


def _add_invitees(meeting: Meeting, invitees: Iterable[Invitee]) -> list[Invitation]:
    """Invite those not invited yet (an organisation, or a person of it)."""
    invitees = list(invitees)
    taken = {
        (organisation_id, email.lower())
        for organisation_id, email in meeting.invitations.values_list(
            "organisation_id", "email"
        )
    }
    focal_points = _focal_points(
        {i.organisation.pk for i in invitees if i.contact is None and not i.email}
    )
    archived = []
    new = []
    for invitee in invitees:
        if invitee.organisation.is_archived:
            archived.append(str(invitee.organisation))
            continue
        invitation = _invitation(meeting, invitee, focal_points)
        key = (invitee.organisation.pk, invitation.email.lower())
        if key in taken:
            continue
        taken.add(key)
        new.append(invitation)
    if archived:
        raise ValidationError(
            {
                "invitees": _("Organisations archivées : %(names)s.")
                % {"names": ", ".join(archived)}
            }
        )
    return Invitation.objects.bulk_create(new)


def body_invitees(body: CoordinationBody) -> list[Invitee]:
    """A body's members, invited by default to its meetings."""
    return [
        Invitee(member.organisation)
        for member in body.members.select_related("organisation").order_by(
            "organisation__name"
        )
        if not member.organisation.is_archived
    ]


def _check_body(fields: Mapping[str, Any], meeting: Meeting | None = None) -> None:
    """A meeting is not put in a dissolved body (one already there stays)."""
    body = fields.get("body")
    if body is None or (meeting is not None and body.pk == meeting.body_id):
        return
    if body.status == CoordinationBody.Status.ENDED:
        raise ValidationError({"body": _("Cet organe est dissous.")})


@transaction.atomic
def meeting_create(
    *,
    by: User,
    fields: Mapping[str, Any],
    agenda: Sequence[AgendaRow] = (),
    invitees: Iterable[Invitee] = (),
    send: bool = False,
) -> Meeting:
    _check_times(fields)
    _check_languages(fields)
    _check_body(fields)
    meeting = Meeting(**fields, organiser=by)
    save_with_history(meeting, by=by)
    _set_agenda(meeting, agenda)
    _add_invitees(meeting, invitees)
    if send:
        invitations_send(meeting)
    return meeting


def _locked(meeting: Meeting, version: int | None) -> Meeting:
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(current, version)
    return current


@transaction.atomic
def meeting_update(
    meeting: Meeting,
    *,
    by: User,
    version: int | None,
    fields: Mapping[str, Any],
    agenda: Sequence[AgendaRow] | None = None,
    invitees: Iterable[Invitee] | None = None,
    send: bool = True,
) -> Meeting:
    """Change a meeting. When its time, place or title changes, the invitees
    already sent an invitation get an update (the same UID, a higher
    SEQUENCE); `send` also sends the invitations not sent yet."""
    current = _locked(meeting, version)
    if current.is_cancelled:
        raise ValidationError(_("Cette réunion est annulée : elle ne change plus."))
    status = fields.get("status", current.status)
    if status == Meeting.Status.CANCELLED:
        raise ValidationError(
            {"status": _("Annulez la réunion par son bouton « Annuler ».")}
        )
    _check_times(fields, current)
    if (
        status == Meeting.Status.HELD
        and fields.get("starts_at", current.starts_at) > timezone.now()
    ):
        raise ValidationError({"status": _("La réunion n'a pas encore commencé.")})
    _check_languages(fields)
    _check_body(fields, current)
    changed = assign(current, fields)
    if CALENDAR_FIELDS & set(changed):
        current.sequence += 1
        changed.append("sequence")
    if changed:
        current.version += 1
        save_with_history(current, by=by, update_fields=changed)
    if agenda is not None:
        _set_agenda(current, agenda)
    if invitees is not None:
        _add_invitees(current, invitees)
    if send or "sequence" in changed:
        invitations_send(current, only_sent=not send)
    return current


@transaction.atomic
def meeting_cancel(meeting: Meeting, *, by: User, version: int | None) -> Meeting:
    """Cancel a meeting: those already invited get METHOD:CANCEL."""
    current = _locked(meeting, version)
    if current.is_cancelled:
        return current
    if current.status == Meeting.Status.HELD:
        raise ValidationError(_("Cette réunion a eu lieu : elle ne s'annule plus."))
    current.status = Meeting.Status.CANCELLED
    current.sequence += 1
    current.version += 1
    save_with_history(
        current, by=by, update_fields=["status", "sequence"], reason="cancelled"
    )
    invitations_send(current, only_sent=True)
    return current


def _copy(
    meeting: Meeting,
    *,
    by: User,
    starts_at: datetime.datetime,
    series: uuid.UUID | None,
) -> Meeting:
    _check_times(
        {
            "starts_at": starts_at,
            "ends_at": starts_at + (meeting.ends_at - meeting.starts_at),
        }
    )
    _check_body({"body": meeting.body})
    copy = Meeting(
        title=meeting.title,
        kind=meeting.kind,
        body=meeting.body,
        starts_at=starts_at,
        ends_at=starts_at + (meeting.ends_at - meeting.starts_at),
        place=meeting.place,
        online_url=meeting.online_url,
        languages=list(meeting.languages),
        description=meeting.description,
        organiser=by,
        series=series,
    )
    save_with_history(copy, by=by)
    _set_agenda(
        copy,
        [AgendaRow(a.title, a.presenter, a.duration) for a in meeting.agenda.all()],
    )
    _add_invitees(
        copy,
        [
            Invitee(i.organisation, i.contact, i.name, i.email)
            for i in meeting.invitations.filter(delegated_from=None).select_related(
                "organisation", "contact"
            )
            if not i.organisation.is_archived
        ],
    )
    return copy


@transaction.atomic
def meeting_copy(
    meeting: Meeting, *, by: User, starts_at: datetime.datetime
) -> Meeting:
    """A new planned meeting like this one (agenda and invitees, not sent yet)."""
    return _copy(meeting, by=by, starts_at=starts_at, series=None)


class Cadence:
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year,
        month=month,
        day=min(day.day, month_calendar.monthrange(year, month)[1]),
    )


def series_dates(
    starts_at: datetime.datetime, cadence: str, count: int
) -> list[datetime.datetime]:
    """The starts of the `count` meetings after this one, at the same hour in
    Brussels (across the changes of time)."""
    tz = timezone.get_default_timezone()
    local = starts_at.astimezone(tz)
    steps = {
        Cadence.WEEKLY: (7, 0),
        Cadence.FORTNIGHTLY: (14, 0),
        Cadence.MONTHLY: (0, 1),
        Cadence.QUARTERLY: (0, 3),
    }
    if cadence not in steps:
        raise ValidationError({"cadence": _("Rythme inconnu.")})
    if not 1 <= count <= SERIES_MAX:
        raise ValidationError(
            {"count": _("De 1 à %(max)s réunions à la fois.") % {"max": SERIES_MAX}}
        )
    days, months = steps[cadence]
    starts = []
    for number in range(1, count + 1):
        day = _add_months(local.date(), months * number) + datetime.timedelta(
            days=days * number
        )
        starts.append(datetime.datetime.combine(day, local.time(), tzinfo=tz))
    return starts


@transaction.atomic
def meeting_series(
    meeting: Meeting, *, by: User, cadence: str, count: int
) -> list[Meeting]:
    """Plan `count` meetings after this one at a cadence, like it."""
    starts = series_dates(meeting.starts_at, cadence, count)
    _check_times({"starts_at": starts[-1]})
    series = meeting.series or uuid.uuid4()
    if meeting.series is None:
        Meeting.objects.filter(pk=meeting.pk).update(series=series)
        meeting.series = series
    return [_copy(meeting, by=by, starts_at=start, series=series) for start in starts]


# An invitation on its way: queued, or failed and tried again.
ON_ITS_WAY = (Invitation.Delivery.QUEUED, Invitation.Delivery.FAILED)


def invitations_send(
    meeting: Meeting,
    *,
    only_sent: bool = False,
    only: Iterable[int] | None = None,
) -> int:
    """Queue the invitation (or its update, or the cancellation) to each
    invitee who has not had the meeting's current version; `only_sent`
    leaves out those the organiser has not sent anything yet (those already
    on their way get the current version instead), `only` limits it to these
    invitations. How many were queued."""
    from meetings.tasks import send_invitation

    if meeting.has_ended and not meeting.is_cancelled:
        # Nobody is invited to, or told of a change in, a meeting that is over.
        return 0
    rows = meeting.invitations.filter(sent_sequence__lt=meeting.sequence).exclude(
        delivery=Invitation.Delivery.NO_ADDRESS
    )
    if only is not None:
        rows = rows.filter(pk__in=list(only))
    if meeting.is_cancelled:
        # Nobody is told of a meeting for the first time as it is cancelled:
        # what was on its way to them is not sent.
        meeting.invitations.filter(sent_sequence__lt=0, delivery__in=ON_ITS_WAY).update(
            delivery=Invitation.Delivery.PENDING, delivery_error=""
        )
        rows = rows.filter(sent_sequence__gte=0)
    elif only_sent:
        rows = rows.filter(Q(sent_sequence__gte=0) | Q(delivery__in=ON_ITS_WAY))
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    Invitation.objects.filter(pk__in=ids).update(
        delivery=Invitation.Delivery.QUEUED, delivery_error=""
    )
    sequence = meeting.sequence

    def enqueue() -> None:
        for pk in ids:
            send_invitation.enqueue(invitation_id=pk, sequence=sequence)

    transaction.on_commit(enqueue)
    return len(ids)


def invitation_open(invitation: Invitation) -> None:
    """The invitee opened their answer link: the organiser sees it."""
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at=None).update(
            opened_at=timezone.now()
        )
        invitation.opened_at = timezone.now()


def answer_is_open(invitation: Invitation, *, now: datetime.datetime) -> bool:
    """An answer link works until the meeting ends, unless it is cancelled or
    the invitation was delegated."""
    meeting = invitation.meeting
    return (
        now < meeting.ends_at
        and not meeting.is_cancelled
        and invitation.answer != Invitation.Answer.DELEGATED
    )


@transaction.atomic
def invitation_answer(
    invitation: Invitation,
    *,
    answer: str,
    note: str = "",
    delegate_name: str = "",
    delegate_email: str = "",
    now: datetime.datetime | None = None,
) -> Invitation | None:
    """Record an invitee's answer; to delegate, a colleague of the same
    organisation gets their own invitation (returned)."""
    now = now or timezone.now()
    current = (
        Invitation.objects.select_for_update()
        .select_related("meeting", "organisation")
        .get(pk=invitation.pk)
    )
    if not answer_is_open(current, now=now):
        raise ValidationError(_("Ce lien ne permet plus de répondre."))
    if answer not in {
        Invitation.Answer.ACCEPTED,
        Invitation.Answer.DECLINED,
        Invitation.Answer.DELEGATED,
    }:
        raise ValidationError({"answer": _("Réponse inconnue.")})
    delegate = None
    if answer == Invitation.Answer.DELEGATED:
        if not delegate_name or not delegate_email:
            raise ValidationError(
                {
                    "delegate_email": _(
                        "Donnez le nom et l'adresse e-mail de votre collègue."
                    )
                }
            )
        if delegate_email.strip().lower() == current.email.lower():
            raise ValidationError(
                {"delegate_email": _("Cette adresse est déjà celle de l'invitation.")}
            )
        delegate = Invitation.objects.create(
            meeting=current.meeting,
            organisation=current.organisation,
            name=delegate_name,
            email=delegate_email,
            language=current.language,
            key=new_key(),
            delegated_from=current,
        )
    current.answer = answer
    current.answer_note = note
    current.answered_at = now
    if current.opened_at is None:
        current.opened_at = now
    current.save(update_fields=["answer", "answer_note", "answered_at", "opened_at"])
    if delegate is not None:
        invitations_send(current.meeting, only=[delegate.pk])
    return delegate


@dataclass(frozen=True)
class AttendanceRow:
    organisation: Organisation
    name: str
    presence: str


@transaction.atomic
def attendance_record(
    meeting: Meeting, *, by: User, rows: Sequence[AttendanceRow]
) -> list[Attendance]:
    """Replace the meeting's attendance list; a planned meeting that started
    becomes held."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("Cette réunion est annulée."))
    presences = {choice.value for choice in Attendance.Presence}
    if any(row.presence not in presences for row in rows):
        raise ValidationError({"attendance": _("Présence inconnue.")})
    keys = [(row.organisation.pk, row.name.strip().casefold()) for row in rows]
    if len(set(keys)) != len(keys):
        raise ValidationError(
            {"attendance": _("Une personne figure deux fois dans la liste.")}
        )
    meeting.attendance.all().delete()
    saved = Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            organisation=row.organisation,
            name=row.name.strip(),
            presence=row.presence,
        )
        for row in rows
    )
    if meeting.status == Meeting.Status.PLANNED:
        meeting_mark_held(meeting, by=by)
    return saved


def meeting_mark_held(meeting: Meeting, *, by: User) -> None:
    """Mark a meeting held (the caller locked its row)."""
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("La réunion n'a pas encore commencé."))
    meeting.status = Meeting.Status.HELD
    meeting.version += 1
    save_with_history(meeting, by=by, update_fields=["status"])


@transaction.atomic
def minutes_save(
    meeting: Meeting,
    *,
    by: User,
    text: str,
    number: int | None,
    revision: int | None = None,
) -> Minutes:
    """Save the minutes' draft; after an approved version, a new version
    starts. `number` and `revision` are the version and the revision of it
    the writer read (0 and 0: none yet; None: do not check)."""
    # The meeting's row is the lock: two first drafts are written in turn.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("Cette réunion est annulée."))
    latest = meeting.minutes.order_by("-number").first()
    read = (latest.number, latest.revision) if latest else (0, 0)
    if (number is not None and read[0] != number) or (
        revision is not None and read[1] != revision
    ):
        raise ValidationError(_MINUTES_CHANGED)
    clean = rich_text_clean(text)
    if latest is None or latest.is_approved:
        return Minutes.objects.create(
            meeting=meeting,
            number=(latest.number + 1) if latest else 1,
            text=clean,
            written_by=by,
        )
    latest.text = clean
    latest.written_by = by
    latest.revision += 1
    latest.save(update_fields=["text", "written_by", "revision", "updated_at"])
    return latest


_MINUTES_CHANGED = _lazy(
    "Le procès-verbal a changé entre-temps : rechargez la page pour voir la "
    "version actuelle."
)


@transaction.atomic
def minutes_approve(
    minutes: Minutes, *, by: User, revision: int | None = None
) -> Minutes:
    """Approve a draft, as read (`revision`; None: do not check)."""
    current = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if current.is_approved:
        raise ValidationError(_("Cette version est déjà approuvée."))
    if revision is not None and current.revision != revision:
        raise ValidationError(_MINUTES_CHANGED)
    if not current.text:
        raise ValidationError(_("Un procès-verbal vide ne s'approuve pas."))
    current.status = Minutes.Status.APPROVED
    current.approved_by = by
    current.approved_at = timezone.now()
    current.save(update_fields=["status", "approved_by", "approved_at"])
    return current


def decision_add(meeting: Meeting, *, by: User, text: str) -> Decision:
    """A decision, with the next number of its body (or of the meetings
    outside bodies); two taken at once get two numbers."""
    if meeting.is_cancelled:
        raise ValidationError(_("Cette réunion est annulée."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                if meeting.body_id is not None:
                    # Taken in turn per body, on PostgreSQL; SQLite writes
                    # one at a time anyway.
                    CoordinationBody.objects.select_for_update().filter(
                        pk=meeting.body_id
                    ).first()
                last = Decision.objects.filter(body_id=meeting.body_id).aggregate(
                    last=Max("number")
                )["last"]
                decision = Decision(
                    meeting=meeting,
                    body_id=meeting.body_id,
                    number=(last or 0) + 1,
                    text=text,
                )
                decision.full_clean(validate_constraints=False)
                decision.save()
                return decision
        except IntegrityError:
            continue
    raise ValidationError(_("Réessayez : une autre décision a pris ce numéro."))


ACTION_FIELDS = {
    "title",
    "description",
    "owner_organisation",
    "owner",
    "theme",
    "due_date",
    "status",
    "decision",
}


def _check_action(fields: Mapping[str, Any], meeting: Meeting | None) -> None:
    unknown = set(fields) - ACTION_FIELDS
    if unknown:
        raise ValueError(f"Unknown action fields: {sorted(unknown)}")
    organisation = fields.get("owner_organisation")
    if organisation is not None and organisation.is_archived:
        raise ValidationError(
            {"owner_organisation": _("Cette organisation est archivée.")}
        )
    owner = fields.get("owner")
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": _("Ce compte est désactivé.")})
    decision = fields.get("decision")
    if (
        decision is not None
        and meeting is not None
        and decision.meeting_id != meeting.pk
    ):
        raise ValidationError(
            {"decision": _("Cette décision vient d'une autre réunion.")}
        )


@transaction.atomic
def action_create(
    *, by: User, meeting: Meeting | None, fields: Mapping[str, Any]
) -> Action:
    _check_action(fields, meeting)
    action = Action(
        **fields,
        meeting=meeting,
        body=meeting.body if meeting is not None else fields.get("body"),
    )
    if action.status == Action.Status.DONE:
        action.done_at = timezone.now()
    save_with_history(action, by=by)
    return action


@transaction.atomic
def action_update(
    action: Action,
    *,
    by: User,
    version: int | None,
    fields: Mapping[str, Any],
    note: str = "",
) -> Action:
    """Change an action; a new status or a note is kept as a progress note."""
    current = Action.objects.select_for_update().get(pk=action.pk)
    check_version(current, version)
    _check_action(fields, current.meeting)
    changed = assign(current, fields)
    if "status" in changed:
        current.done_at = (
            timezone.now() if current.status == Action.Status.DONE else None
        )
        changed.append("done_at")
    if changed:
        current.version += 1
        save_with_history(current, by=by, update_fields=changed)
    if note or "status" in changed:
        ActionNote.objects.create(
            action=current,
            author=by,
            status=current.status if "status" in changed else "",
            text=note,
        )
    return current
