"""Meetings and actions: read by those who see them (coordinators, and focal
points for the meetings of their bodies or to which their organisations are
invited), written by coordinators; an action's owner updates its status.
Thin adapters over meetings.services; times are ISO 8601 with their offset
(Europe/Brussels in the answers)."""

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AwareDatetime, StringConstraints

from accounts.api_auth import api_user
from accounts.models import User
from coordination.models import CoordinationBody
from lib.api import Id, PageNumbers
from lib.problems import conflict_schema, problems
from lib.views import query_id
from meetings import selectors, services
from meetings.access import (
    can_manage_meetings,
    get_action_for_user,
    get_meeting_for_user,
    people_shown,
    person_shown,
)
from meetings.calendar import calendar_build
from meetings.models import (
    MINUTES_MAX_LENGTH,
    Action,
    Attendance,
    Decision,
    Invitation,
    Meeting,
    Minutes,
)
from register.refs import RegisterRefs
from register.schemas import Description, Line200, Line255, Note
from taxonomy.models import Theme

router = Router()

MeetingKind = Literal["scoping", "plenary", "working_group", "steering", "bilateral"]
MeetingStatus = Literal["planned", "held", "cancelled"]
LanguageCode = Literal["fr", "nl", "de", "en"]
Delivery = Literal["pending", "queued", "sent", "failed", "no_address"]
InvitationState = Literal[
    "pending", "queued", "sent", "failed", "no_address", "opened", "answered"
]
Answer = Literal["pending", "accepted", "declined", "delegated"]
Presence = Literal["present", "excused", "absent"]
ActionStatus = Literal["open", "in_progress", "done", "dropped"]
Line300 = Annotated[str, StringConstraints(max_length=300)]
Minutes_ = Annotated[str, StringConstraints(max_length=MINUTES_MAX_LENGTH)]


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value)


class AgendaItemIO(Schema):
    title: Line255 = Field(..., min_length=1)
    presenter: Line200 = ""
    duration: int | None = Field(None, ge=1, le=1440, description="Minutes.")


class MeetingOut(Schema):
    id: int
    uid: str = Field(..., description="The iCalendar UID of the meeting.")
    title: str
    kind: MeetingKind
    body: int | None = Field(..., description="Id of the coordination body.")
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    online_url: str
    languages: list[str]
    description: str
    status: MeetingStatus
    sequence: int = Field(..., description="The iCalendar SEQUENCE last sent.")
    series: str | None
    agenda: list[AgendaItemIO]
    version: int = Field(..., description="Send it back to change the meeting.")
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_uid(obj: Meeting) -> str:
        return f"{obj.uid}@maillage"

    @staticmethod
    def resolve_body(obj: Meeting) -> int | None:
        return obj.body_id

    @staticmethod
    def resolve_starts_at(obj: Meeting) -> datetime.datetime:
        return _local(obj.starts_at)

    @staticmethod
    def resolve_ends_at(obj: Meeting) -> datetime.datetime:
        return _local(obj.ends_at)

    @staticmethod
    def resolve_series(obj: Meeting) -> str | None:
        return str(obj.series) if obj.series else None

    @staticmethod
    def resolve_agenda(obj: Meeting) -> list[dict[str, Any]]:
        return [
            {"title": i.title, "presenter": i.presenter, "duration": i.duration}
            for i in obj.agenda.all()
        ]


class MeetingIn(Schema):
    title: Line200 = Field(..., min_length=1)
    kind: MeetingKind
    body: Id | None = None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    place: Line300 = ""
    online_url: Annotated[str, StringConstraints(max_length=200)] = ""
    languages: list[LanguageCode] = Field(default_factory=list, max_length=4)
    description: Description = ""
    agenda: list[AgendaItemIO] = Field(default_factory=list, max_length=50)
    invitees: list[Id] = Field(
        default_factory=list,
        max_length=1000,
        description="Ids of organisations invited (through their focal point). "
        "For a body's meeting, its members are added unless `invite_members` is false.",
    )
    invite_members: bool = True
    send: bool = Field(False, description="Send the invitations now.")


class MeetingPatch(Schema):
    """Only the fields sent change; `agenda` replaces the agenda, `invitees`
    adds organisations."""

    version: Id = Field(..., description="The version the client read.")
    title: Line200 | None = None
    kind: MeetingKind | None = None
    body: Id | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    place: Line300 | None = None
    online_url: Annotated[str, StringConstraints(max_length=200)] | None = None
    languages: list[LanguageCode] | None = Field(None, max_length=4)
    description: Description | None = None
    status: Literal["planned", "held"] | None = None
    agenda: list[AgendaItemIO] | None = Field(None, max_length=50)
    invitees: list[Id] | None = Field(None, max_length=1000)
    send: bool = Field(
        False,
        description="Also send the invitations not sent yet (a change of time, "
        "place or title is sent to those already invited in any case).",
    )


# The days a filter may name (a meeting falls between 2000 and 2100).
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2200, 12, 31)


class MeetingFiltersIn(Schema):
    body: Id | None = Field(None, description="Id of a coordination body.")
    from_: datetime.date | None = Field(
        None,
        alias="from",
        ge=FIRST_DAY,
        le=LAST_DAY,
        description="Meetings starting on this day or later.",
    )
    to: datetime.date | None = Field(
        None,
        ge=FIRST_DAY,
        le=LAST_DAY,
        description="Meetings starting before the end of this day.",
    )
    status: MeetingStatus | None = None


class InvitationOut(Schema):
    id: int
    organisation: int
    person: str | None = Field(
        ...,
        description="Name (or address) of the person invited; null when it is "
        "not yours to see.",
    )
    state: InvitationState
    delivery: Delivery
    delivery_error: str
    answer: Answer
    answered_at: datetime.datetime | None
    delegated_from: int | None


class AttendanceIO(Schema):
    organisation: Id
    person: Line200 = ""
    presence: Presence


class AttendanceIn(Schema):
    attendance: list[AttendanceIO] = Field(..., max_length=300)


class DecisionIn(Schema):
    text: Note = Field(..., min_length=1)


class DecisionOut(Schema):
    id: int
    number: int
    body: int | None
    meeting: int
    text: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_body(obj: Decision) -> int | None:
        return obj.body_id

    @staticmethod
    def resolve_meeting(obj: Decision) -> int:
        return obj.meeting_id


class MinutesIn(Schema):
    text: Minutes_ = Field(..., description="HTML (sanitised) or plain text.")
    number: int | None = Field(
        None,
        ge=0,
        le=10_000,
        description="The latest version the client read (0: none).",
    )
    revision: int | None = Field(
        None,
        ge=0,
        le=2**31,
        description="The revision of that version the client read (0: none).",
    )


class MinutesOut(Schema):
    number: int
    revision: int = Field(..., description="Raised by each save of a draft.")
    status: Literal["draft", "approved"]
    text: str
    updated_at: datetime.datetime
    approved_at: datetime.datetime | None


class ActionOut(Schema):
    id: int
    title: str
    description: str
    meeting: int | None
    body: int | None
    decision: int | None
    owner_organisation: int
    owner: int | None = Field(..., description="Id of the user responsible.")
    theme: str | None
    due_date: datetime.date
    status: ActionStatus
    overdue: bool
    done_at: datetime.datetime | None
    version: int

    @staticmethod
    def resolve_meeting(obj: Action) -> int | None:
        return obj.meeting_id

    @staticmethod
    def resolve_body(obj: Action) -> int | None:
        return obj.body_id

    @staticmethod
    def resolve_decision(obj: Action) -> int | None:
        return obj.decision_id

    @staticmethod
    def resolve_owner_organisation(obj: Action) -> int:
        return obj.owner_organisation_id

    @staticmethod
    def resolve_owner(obj: Action) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_theme(obj: Action) -> str | None:
        return obj.theme.code if obj.theme_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_overdue(obj: Action) -> bool:
        return obj.is_open and obj.due_date < timezone.localdate()


class ActionIn(Schema):
    title: Line255 = Field(..., min_length=1)
    description: Note = ""
    owner_organisation: Id
    owner: Id | None = None
    theme: str | None = None
    due_date: datetime.date
    status: ActionStatus = "open"
    decision: Id | None = None


class ActionPatch(Schema):
    """The owner changes `status` and adds a `note`; coordinators change the rest."""

    version: Id = Field(..., description="The version the client read.")
    status: ActionStatus | None = None
    note: Note = ""
    title: Line255 | None = None
    description: Note | None = None
    owner_organisation: Id | None = None
    owner: Id | None = None
    theme: str | None = None
    due_date: datetime.date | None = None


class ActionFiltersIn(Schema):
    owner: str = Field("", description="`me`, or the id of a user.", max_length=20)
    organisation: Id | None = Field(None, description="Id of the owner organisation.")
    status: ActionStatus | Literal["open_or_in_progress"] | None = None
    overdue: bool = False
    body: Id | None = None
    theme: str = Field("", max_length=100, description="Code of a theme.")
    due_before: datetime.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="Due on this day or before."
    )


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.prefetch_related("agenda")


def _meeting(user: User, meeting_id: int, *, write: bool = False) -> Meeting:
    return get_meeting_for_user(user, meeting_id, write=write, queryset=_meetings())


def _meeting_fields(refs: RegisterRefs, data: dict[str, Any]) -> dict[str, Any]:
    fields = {
        name: value
        for name, value in data.items()
        if name not in {"version", "agenda", "invitees", "invite_members", "send"}
    }
    for name in ("place", "online_url", "description"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    for name in ("title", "kind", "starts_at", "ends_at", "languages", "status"):
        if name in fields and fields[name] is None:
            refs.fail(name, _("Ce champ est obligatoire."))
            del fields[name]
    if fields.get("body") is not None:
        body = CoordinationBody.objects.filter(pk=fields["body"]).first()
        if body is None:
            refs.unknown("body", fields["body"])
        fields["body"] = body
    if fields.get("online_url"):
        try:
            URLValidator(schemes=["http", "https"])(fields["online_url"])
        except ValidationError:
            refs.fail("online_url", _("Saisissez une URL valide."))
    return fields


def _agenda(data: dict[str, Any]) -> list[services.AgendaRow] | None:
    if data.get("agenda") is None:
        return None
    return [
        services.AgendaRow(
            item["title"], item.get("presenter") or "", item.get("duration")
        )
        for item in data["agenda"]
    ]


@router.get(
    "/meetings",
    response={200: list[MeetingOut], **problems(401, 403, 422)},
    operation_id="meetings_meeting_list",
    summary="List the meetings one sees (by body and period)",
)
@paginate(PageNumbers)
def list_meetings(
    request: HttpRequest, filters: Query[MeetingFiltersIn]
) -> QuerySet[Meeting]:
    user = api_user(request, may="meetings.view")
    end = filters.to + datetime.timedelta(days=1) if filters.to else None
    rows = selectors.meetings_between(
        user, start=filters.from_, end=end, body_id=filters.body
    ).prefetch_related("agenda")
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return rows


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **problems(401, 403, 404)},
    operation_id="meetings_meeting_detail",
    summary="One meeting with its agenda",
)
def get_meeting(request: HttpRequest, meeting_id: Id) -> Meeting:
    return _meeting(api_user(request, may="meetings.view"), meeting_id)


@router.post(
    "/meetings",
    response={201: MeetingOut, **problems(401, 403, 422)},
    operation_id="meetings_meeting_create",
    summary="Plan a meeting (coordinators)",
)
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status[MeetingOut]:
    user = api_user(request, may="meetings.manage")
    refs = RegisterRefs(user)
    data = payload.model_dump()
    fields = _meeting_fields(refs, data)
    invitees = [
        services.Invitee(o) for o in refs.organisations("invitees", data["invitees"])
    ]
    refs.check()
    if fields.get("body") is not None and payload.invite_members:
        invitees = services.body_invitees(fields["body"]) + invitees
    meeting = services.meeting_create(
        by=user,
        fields=fields,
        agenda=_agenda(data) or [],
        invitees=invitees,
        send=payload.send,
    )
    return Status(201, MeetingOut.from_orm(_meetings().get(pk=meeting.pk)))


@router.patch(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **problems(401, 403, 404, 409, 422)},
    operation_id="meetings_meeting_update",
    summary="Change a meeting (coordinators); invitees hear of a new time or place",
)
def update_meeting(
    request: HttpRequest, meeting_id: Id, payload: MeetingPatch
) -> Meeting:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id, write=True)
    refs = RegisterRefs(user)
    data = payload.model_dump(exclude_unset=True)
    fields = _meeting_fields(refs, data)
    invitees = None
    if data.get("invitees") is not None:
        invitees = [
            services.Invitee(o)
            for o in refs.organisations("invitees", data["invitees"])
        ]
    refs.check()
    services.meeting_update(
        meeting,
        by=user,
        version=payload.version,
        fields=fields,
        agenda=_agenda(data),
        invitees=invitees,
        send=payload.send,
    )
    return _meetings().get(pk=meeting.pk)


class VersionOnly(Schema):
    version: Id = Field(..., description="The version the client read.")


@router.post(
    "/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, **problems(401, 403, 404, 409, 422)},
    operation_id="meetings_meeting_cancel",
    summary="Cancel a meeting: those invited get METHOD:CANCEL (coordinators)",
)
def cancel_meeting(
    request: HttpRequest, meeting_id: Id, payload: VersionOnly
) -> Meeting:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id, write=True)
    services.meeting_cancel(meeting, by=user, version=payload.version)
    return _meetings().get(pk=meeting.pk)


class SentOut(Schema):
    queued: int = Field(..., description="How many invitations were queued.")


@router.post(
    "/meetings/{meeting_id}/send",
    response={202: SentOut, **problems(401, 403, 404)},
    operation_id="meetings_invitations_send",
    summary="Send the invitations not sent yet (coordinators)",
)
def send_invitations(request: HttpRequest, meeting_id: Id) -> Status[SentOut]:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id, write=True)
    with transaction.atomic():
        count = services.invitations_send(meeting)
    return Status(202, SentOut(queued=count))


@router.get(
    "/meetings/{meeting_id}/invitations",
    response={200: list[InvitationOut], **problems(401, 403, 404)},
    operation_id="meetings_invitation_list",
    summary="A meeting's invitations, their sending and answers",
)
def list_invitations(request: HttpRequest, meeting_id: Id) -> list[dict[str, Any]]:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id)
    manage = can_manage_meetings(user)
    shown = people_shown(user)
    return [
        {
            "id": i.pk,
            "organisation": i.organisation_id,
            "person": (i.name or i.email or None)
            if person_shown(shown, i.organisation_id)
            else None,
            "state": i.state,
            "delivery": i.delivery,
            "delivery_error": i.delivery_error if manage else "",
            "answer": i.answer,
            "answered_at": i.answered_at,
            "delegated_from": i.delegated_from_id,
        }
        for i in Invitation.objects.filter(meeting=meeting).order_by(
            "organisation_id", "id"
        )
    ]


@router.get(
    "/meetings/{meeting_id}/ics",
    response={200: None, **problems(401, 403, 404)},
    operation_id="meetings_meeting_ics",
    summary="The meeting as an iCalendar file",
    openapi_extra={
        "responses": {
            200: {"description": "An iCalendar file.", "content": {"text/calendar": {}}}
        }
    },
)
def meeting_ics(request: HttpRequest, meeting_id: Id) -> HttpResponse:
    meeting = _meeting(api_user(request, may="meetings.view"), meeting_id)
    content = calendar_build(
        [(meeting, request.build_absolute_uri(meeting.get_absolute_url()))]
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
    return response


@router.get(
    "/meetings/{meeting_id}/attendance",
    response={200: list[AttendanceIO], **problems(401, 403, 404)},
    operation_id="meetings_attendance_list",
    summary="Who attended",
)
def list_attendance(request: HttpRequest, meeting_id: Id) -> list[dict[str, Any]]:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id)
    shown = people_shown(user)
    return [
        {
            "organisation": row.organisation_id,
            # Another organisation's people are not named to a focal point.
            "person": row.name if person_shown(shown, row.organisation_id) else "",
            "presence": row.presence,
        }
        for row in Attendance.objects.filter(meeting=meeting).order_by(
            "organisation_id", "name"
        )
    ]


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={200: list[AttendanceIO], **problems(401, 403, 404, 422)},
    operation_id="meetings_attendance_record",
    summary="Record who attended (replaces the list; coordinators)",
)
def record_attendance(
    request: HttpRequest, meeting_id: Id, payload: AttendanceIn
) -> list[dict[str, Any]]:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id, write=True)
    refs = RegisterRefs(user)
    found = {
        o.pk: o
        for o in refs.organisations(
            "attendance", [row.organisation for row in payload.attendance]
        )
    }
    refs.check()
    services.attendance_record(
        meeting,
        by=user,
        rows=[
            services.AttendanceRow(found[row.organisation], row.person, row.presence)
            for row in payload.attendance
        ],
    )
    return list_attendance(request, meeting_id)


@router.get(
    "/meetings/{meeting_id}/minutes",
    response={200: list[MinutesOut], **problems(401, 403, 404)},
    operation_id="meetings_minutes_list",
    summary="Every version of the minutes, the latest first",
)
def list_minutes(request: HttpRequest, meeting_id: Id) -> QuerySet[Minutes]:
    meeting = _meeting(api_user(request, may="meetings.view"), meeting_id)
    return Minutes.objects.filter(meeting=meeting).order_by("-number")


@router.post(
    "/meetings/{meeting_id}/minutes",
    response={200: MinutesOut, **problems(401, 403, 404, 422)},
    operation_id="meetings_minutes_save",
    summary="Save the draft minutes (after an approved version: a new version)",
)
def save_minutes(request: HttpRequest, meeting_id: Id, payload: MinutesIn) -> Minutes:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id, write=True)
    return services.minutes_save(
        meeting,
        by=user,
        text=payload.text,
        number=payload.number,
        revision=payload.revision,
    )


@router.post(
    "/meetings/{meeting_id}/minutes/{number}/approve",
    response={200: MinutesOut, **problems(401, 403, 404, 422)},
    operation_id="meetings_minutes_approve",
    summary="Approve a version of the minutes: it no longer changes",
)
def approve_minutes(
    request: HttpRequest,
    meeting_id: Id,
    number: Annotated[int, Field(ge=1, le=10_000)],
    revision: Annotated[int | None, Field(ge=0, le=2**31)] = None,
) -> Minutes:
    """`revision`: the revision the approver read (refused if it changed)."""
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id, write=True)
    minutes = Minutes.objects.filter(meeting=meeting, number=number).first()
    if minutes is None:
        raise Http404("No such version.")
    return services.minutes_approve(minutes, by=user, revision=revision)


@router.get(
    "/meetings/{meeting_id}/decisions",
    response={200: list[DecisionOut], **problems(401, 403, 404)},
    operation_id="meetings_decision_list",
    summary="The decisions taken at a meeting",
)
def list_decisions(request: HttpRequest, meeting_id: Id) -> QuerySet[Decision]:
    meeting = _meeting(api_user(request, may="meetings.view"), meeting_id)
    return Decision.objects.filter(meeting=meeting).order_by("number")


@router.post(
    "/meetings/{meeting_id}/decisions",
    response={201: DecisionOut, **problems(401, 403, 404, 422)},
    operation_id="meetings_decision_create",
    summary="Record a decision, numbered in its body's series (coordinators)",
)
def create_decision(
    request: HttpRequest, meeting_id: Id, payload: DecisionIn
) -> Status[Decision]:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id, write=True)
    return Status(201, services.decision_add(meeting, by=user, text=payload.text))


def _action_fields(
    refs: RegisterRefs, data: dict[str, Any], meeting: Meeting | None
) -> dict[str, Any]:
    fields = {
        name: value for name, value in data.items() if name in services.ACTION_FIELDS
    }
    if "description" in fields and fields["description"] is None:
        fields["description"] = ""
    for name in ("title", "owner_organisation", "due_date", "status"):
        if name in fields and fields[name] is None:
            refs.fail(name, _("Ce champ est obligatoire."))
            del fields[name]
    if fields.get("owner_organisation") is not None:
        fields["owner_organisation"] = refs.organisation(
            "owner_organisation", fields["owner_organisation"]
        )
    if "owner" in fields and fields["owner"] is not None:
        owner = User.objects.filter(pk=fields["owner"]).first()
        if owner is None:
            refs.unknown("owner", fields["owner"])
        fields["owner"] = owner
    if "theme" in fields:
        fields["theme"] = refs.term(Theme, "theme", fields["theme"])
    if fields.get("decision") is not None:
        decision = (
            Decision.objects.filter(pk=fields["decision"], meeting=meeting).first()
            if meeting is not None
            else None
        )
        if decision is None:
            refs.unknown("decision", fields["decision"])
        fields["decision"] = decision
    return fields


def _actions() -> QuerySet[Action]:
    return Action.objects.select_related("theme")


@router.post(
    "/meetings/{meeting_id}/actions",
    response={201: ActionOut, **problems(401, 403, 404, 422)},
    operation_id="meetings_action_create",
    summary="Assign an action (coordinators)",
)
def create_action(
    request: HttpRequest, meeting_id: Id, payload: ActionIn
) -> Status[Action]:
    user = api_user(request, may="meetings.view")
    meeting = _meeting(user, meeting_id, write=True)
    refs = RegisterRefs(user)
    fields = _action_fields(refs, payload.model_dump(), meeting)
    refs.check()
    action = services.action_create(by=user, meeting=meeting, fields=fields)
    return Status(201, _actions().get(pk=action.pk))


@router.get(
    "/actions",
    response={200: list[ActionOut], **problems(401, 403, 422)},
    operation_id="meetings_action_list",
    summary="The actions one sees, filtered (`owner=me&overdue=true`: my late ones)",
)
@paginate(PageNumbers)
def list_actions(
    request: HttpRequest, filters: Query[ActionFiltersIn]
) -> QuerySet[Action]:
    user = api_user(request, may="meetings.view")
    owner_id = query_id(filters.owner)
    if filters.owner and filters.owner != "me" and owner_id is None:
        raise ValidationError({"owner": _("« me » ou l'id d'un·e utilisateur·rice.")})
    theme_id = None
    if filters.theme:
        theme = Theme.objects.filter(code=filters.theme).first()
        if theme is None:
            raise ValidationError({"theme": _("Thème inconnu.")})
        theme_id = theme.pk
    board = selectors.BoardFilters(
        mine=filters.owner == "me",
        owner_id=owner_id,
        organisation_id=filters.organisation,
        status="open"
        if filters.status == "open_or_in_progress"
        else (filters.status or ""),
        overdue=filters.overdue,
        body_id=filters.body,
        theme_id=theme_id,
        due_before=filters.due_before,
    )
    return (
        selectors.action_board(user, board, today=timezone.localdate())
        .select_related(None)
        .select_related("theme")
    )


@router.get(
    "/actions/{action_id}",
    response={200: ActionOut, **problems(401, 403, 404)},
    operation_id="meetings_action_detail",
    summary="One action",
)
def get_action(request: HttpRequest, action_id: Id) -> Action:
    return get_action_for_user(api_user(request, may="meetings.view"), action_id)


@router.patch(
    "/actions/{action_id}",
    response={200: ActionOut, **problems(401, 403, 404, 409, 422)},
    operation_id="meetings_action_update",
    summary="Update an action: its owner changes the status and adds notes",
)
def update_action(request: HttpRequest, action_id: Id, payload: ActionPatch) -> Action:
    user = api_user(request, may="meetings.view")
    action = get_action_for_user(user, action_id, write=True)
    data = payload.model_dump(exclude_unset=True)
    if not can_manage_meetings(user) and set(data) - {"version", "status", "note"}:
        raise PermissionDenied
    refs = RegisterRefs(user)
    fields = _action_fields(refs, data, action.meeting)
    refs.check()
    services.action_update(
        action, by=user, version=payload.version, fields=fields, note=payload.note
    )
    return _actions().get(pk=action.pk)


# What a 409 shows: the object as stored now (see maillage.api).
conflict_schema(
    Meeting, lambda meeting: MeetingOut.from_orm(_meetings().get(pk=meeting.pk))
)
conflict_schema(Action, lambda action: ActionOut.from_orm(_actions().get(pk=action.pk)))
