"""Coordination bodies: the mechanisms that exist, read by every signed-in role,
written by coordinators. Thin adapters over coordination.services."""

from datetime import datetime
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_auth import api_user
from coordination import services
from coordination.access import get_body_for_user
from coordination.models import BodyMember, CoordinationBody
from coordination.selectors import body_list
from lib.api import Id, PageNumbers
from lib.problems import conflict_schema, problems
from register.models import Organisation
from register.refs import RegisterRefs
from register.schemas import NIS_HELP, Description, Line40, Line255
from taxonomy.models import InstitutionalLevel, Theme
from territory.models import Commune

router = Router()

# The values of the models' choices, spelled out for the OpenAPI document.
Formality = Literal["formal", "semi_formal", "informal"]
DecisionPower = Literal["decides", "advises", "exchanges"]
MeetingFrequency = Literal[
    "weekly", "monthly", "quarterly", "twice_a_year", "yearly", "ad_hoc"
]
BodyStatus = Literal["existing", "proposed", "active", "dormant", "ended"]
MemberRole = Literal["chair", "secretariat", "member", "observer"]


class MemberIn(Schema):
    organisation: Id = Field(..., description="Id of the member organisation.")
    role: MemberRole


class MemberOut(MemberIn):
    @staticmethod
    def resolve_organisation(obj: BodyMember) -> int:
        return obj.organisation_id


class BodyOut(Schema):
    id: int
    name: str
    acronym: str
    convenors: list[int] = Field(..., description="Ids of convening organisations.")
    level: str = Field(..., description="Code of the institutional level.")
    communes: list[str] = Field(..., description="NIS codes of the territory.")
    themes: list[str] = Field(..., description="Codes of themes.")
    mandate: str
    formality: Formality
    decision_power: DecisionPower
    frequency: MeetingFrequency
    status: BodyStatus
    description: str
    members: list[MemberOut]
    version: int = Field(..., description="Send it back to change the body.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_convenors(obj: CoordinationBody) -> list[int]:
        return [organisation.pk for organisation in obj.convenors.all()]

    @staticmethod
    def resolve_level(obj: CoordinationBody) -> str:
        return obj.level.code

    @staticmethod
    def resolve_communes(obj: CoordinationBody) -> list[str]:
        return [commune.pk for commune in obj.communes.all()]

    @staticmethod
    def resolve_themes(obj: CoordinationBody) -> list[str]:
        return [theme.code for theme in obj.themes.all()]

    @staticmethod
    def resolve_members(obj: CoordinationBody) -> list[BodyMember]:
        return list(obj.members.all())


class BodyIn(Schema):
    name: Line255 = Field(..., min_length=1)
    acronym: Line40 = ""
    convenors: list[Id] = Field(default_factory=list)
    level: str = Field(..., description="Code of an institutional level.")
    communes: list[str] = Field(default_factory=list, description=NIS_HELP)
    themes: list[str] = Field(default_factory=list)
    mandate: Description = ""
    formality: Formality
    decision_power: DecisionPower
    frequency: MeetingFrequency
    status: BodyStatus = "existing"
    description: Description = ""
    members: list[MemberIn] = Field(default_factory=list)


class BodyPatch(Schema):
    """Only the fields sent change; a list replaces the whole list."""

    version: Id = Field(..., description="The version the client read.")
    name: Line255 | None = None
    acronym: Line40 | None = None
    convenors: list[Id] | None = None
    level: str | None = None
    communes: list[str] | None = Field(None, description=NIS_HELP)
    themes: list[str] | None = None
    mandate: Description | None = None
    formality: Formality | None = None
    decision_power: DecisionPower | None = None
    frequency: MeetingFrequency | None = None
    status: BodyStatus | None = None
    description: Description | None = None
    members: list[MemberIn] | None = None


class BodyFiltersIn(Schema):
    q: str = Field("", description="Part of the name or acronym.")
    status: BodyStatus | None = None
    level: str = Field("", description="Code of an institutional level.")
    theme: str = Field("", description="Code of a theme.")
    organisation: Id | None = Field(
        None, description="Id of an organisation that convenes it or is a member."
    )


def _bodies_to_check() -> QuerySet[CoordinationBody]:
    return CoordinationBody.objects.only("id")


def _bodies() -> QuerySet[CoordinationBody]:
    return (
        body_list()
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "convenors", queryset=Organisation.objects.only("id").order_by("id")
            ),
            Prefetch("themes", queryset=Theme.objects.only("code")),
            Prefetch("communes", queryset=Commune.objects.only("nis").order_by("nis")),
            Prefetch(
                "members",
                queryset=BodyMember.objects.only(
                    "body_id", "organisation_id", "role"
                ).order_by("role", "organisation_id"),
            ),
        )
    )


def body_out(body: CoordinationBody) -> BodyOut:
    return BodyOut.from_orm(_bodies().get(pk=body.pk))


def _body_arguments(refs: RegisterRefs, data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of body_create / body_update for a request body."""
    arguments: dict[str, Any] = {}
    if data.get("convenors") is not None:
        arguments["convenors"] = refs.organisations("convenors", data["convenors"])
    if data.get("communes") is not None:
        arguments["communes"] = refs.communes("communes", data["communes"])
    if data.get("themes") is not None:
        arguments["themes"] = refs.terms(Theme, "themes", data["themes"])
    if data.get("members") is not None:
        found = {
            organisation.pk: organisation
            for organisation in refs.organisations(
                "members", [member["organisation"] for member in data["members"]]
            )
        }
        arguments["members"] = [
            (found[member["organisation"]], member["role"])
            for member in data["members"]
            if member["organisation"] in found
        ]
    fields = {
        name: value
        for name, value in data.items()
        if name not in {"version", "convenors", "communes", "themes", "members"}
    }
    for name in ("acronym", "mandate", "description"):
        if name in fields and fields[name] is None:
            fields[name] = ""
    if "level" in fields:
        if fields["level"] is None:
            refs.fail("level", _("Ce champ est obligatoire."))
        else:
            fields["level"] = refs.term(InstitutionalLevel, "level", fields["level"])
    arguments["fields"] = fields
    return arguments


@router.get(
    "/bodies",
    response={200: list[BodyOut], **problems(401, 422)},
    operation_id="coordination_body_list",
    summary="List coordination bodies",
)
@paginate(PageNumbers)
def list_bodies(
    request: HttpRequest, filters: Query[BodyFiltersIn]
) -> QuerySet[CoordinationBody]:
    api_user(request, may="internal.view")
    bodies = _bodies()
    if filters.q:
        bodies = bodies.filter(
            Q(name__icontains=filters.q) | Q(acronym__icontains=filters.q)
        )
    if filters.status is not None:
        bodies = bodies.filter(status=filters.status)
    if filters.level:
        bodies = bodies.filter(level__code=filters.level)
    if filters.theme:
        bodies = bodies.filter(themes__code=filters.theme)
    if filters.organisation is not None:
        bodies = bodies.filter(
            Q(
                pk__in=BodyMember.objects.filter(
                    organisation_id=filters.organisation
                ).values("body_id")
            )
            | Q(
                pk__in=CoordinationBody.convenors.through.objects.filter(
                    organisation_id=filters.organisation
                ).values("coordinationbody_id")
            )
        )
    return bodies


@router.get(
    "/bodies/{body_id}",
    response={200: BodyOut, **problems(401, 404)},
    operation_id="coordination_body_detail",
    summary="One coordination body with its members",
)
def get_body(request: HttpRequest, body_id: Id) -> CoordinationBody:
    return get_body_for_user(api_user(request), body_id, queryset=_bodies())


@router.post(
    "/bodies",
    response={201: BodyOut, **problems(401, 403, 422)},
    operation_id="coordination_body_create",
    summary="Record a coordination body (coordinators)",
)
def create_body(request: HttpRequest, payload: BodyIn) -> Status[BodyOut]:
    user = api_user(request, may="register.manage")
    refs = RegisterRefs(user)
    arguments = _body_arguments(refs, payload.model_dump())
    refs.check()
    body = services.body_create(by=user, **arguments)
    return Status(201, body_out(body))


@router.patch(
    "/bodies/{body_id}",
    response={200: BodyOut, **problems(401, 403, 404, 409, 422)},
    operation_id="coordination_body_update",
    summary="Change a coordination body (coordinators)",
)
def update_body(request: HttpRequest, body_id: Id, payload: BodyPatch) -> BodyOut:
    user = api_user(request)
    get_body_for_user(user, body_id, write=True, queryset=_bodies_to_check())
    refs = RegisterRefs(user)
    arguments = _body_arguments(refs, payload.model_dump(exclude_unset=True))
    refs.check()
    body = services.body_update(
        body_id=body_id, by=user, expected_version=payload.version, **arguments
    )
    return body_out(body)


# What a 409 shows: the object as stored now (see maillage.api).
conflict_schema(CoordinationBody, body_out)
