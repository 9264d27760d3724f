"""Consultations through the API, with the pages' permissions: questionnaires
(XLSForm in and out), rounds, their invitations and responses; answering
with an invitation's key, no account needed. A response carries a
client-made `instance_id` (ODK's instanceID): sent again with the same
answers it returns the stored response (200), with other answers it is
refused (409); answers that break the form's rules get 422 with the rule
broken per question."""

import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import AwareDatetime, StringConstraints

from accounts.api_auth import TokenAuth, api_user
from accounts.models import User
from accounts.permissions import can
from consultations import binding, builder, selectors
from consultations.access import (
    get_questionnaire_for_user,
    get_response_for_user,
    get_round_for_user,
)
from consultations.engine import evaluation_run, spec_for
from consultations.filling import answers_clean, unknown_keys
from consultations.models import Invitation, Questionnaire, Response, Round
from consultations.services import (
    Audience,
    Decision,
    EditConflict,
    ResponseConflict,
    answers_adopt,
    invitations_add,
    questionnaire_edit,
    questionnaire_import,
    response_draft,
    response_save,
    response_submit,
    round_bindings_set,
    round_create,
    round_launch,
)
from consultations.xlsform import XLSFormError, xlsform_read, xlsform_write
from lib.api import Id, PageNumbers
from lib.problems import problems
from register.schemas import Description, Line255

router = Router()

InstanceId = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9:._-]+$")
]
Key = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]
Purpose = Literal["design", "verification", "other"]
Unit = Literal["organisation", "person"]


class QuestionnaireOut(Schema):
    id: int
    key: str
    version: int
    title: str
    status: Literal["draft", "in_use", "retired"]
    default_language: str
    languages: list[str]
    question_count: int
    created_at: datetime.datetime


class RoundOut(Schema):
    id: int
    title: str
    questionnaire: int
    purpose: Purpose
    introduction: str
    unit: Unit
    anonymous: bool
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    state: Literal["draft", "scheduled", "open", "closed"]
    public_link: bool
    results_published: bool
    bindings: dict[str, str] = Field(
        ..., description="Questions whose answers may go into the register."
    )

    @staticmethod
    def resolve_questionnaire(obj: Round) -> int:
        return obj.questionnaire_id

    @staticmethod
    def resolve_public_link(obj: Round) -> bool:
        return bool(obj.public_key)


class RoundIn(Schema):
    questionnaire: Id
    title: Line255 = Field(..., min_length=1)
    purpose: Purpose = "design"
    introduction: Description = ""
    unit: Unit = "organisation"
    anonymous: bool = False
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    public_link: bool = False


class AudienceIn(Schema):
    level: str = Field("", max_length=60, description="Code of an institutional level.")
    sector: str = Field("", max_length=60)
    actor_type: str = Field("", max_length=60)
    theme: str = Field("", max_length=60)
    province: str = Field("", max_length=5, description="INS code of a province.")
    bodies: list[Id] = Field(default_factory=list, max_length=200)
    organisations: list[Id] = Field(default_factory=list, max_length=5000)


class RoundInvitationOut(Schema):
    id: int
    organisation: int | None
    name: str
    language: str
    delivery: str
    sent_at: datetime.datetime | None
    opened_at: datetime.datetime | None
    answered: bool

    @staticmethod
    def resolve_organisation(obj: Invitation) -> int | None:
        return obj.organisation_id

    @staticmethod
    def resolve_answered(obj: Invitation) -> bool:
        return bool(getattr(obj, "answered", 0))


class ConsultationResponseOut(Schema):
    id: int
    round: int
    questionnaire: int = Field(..., description="The questionnaire version answered.")
    instance_id: str
    status: Literal["draft", "submitted"]
    organisation: int | None = Field(
        None, description="For whom it was answered (absent when anonymous)."
    )
    answers: dict[str, Any]
    submitted_at: datetime.datetime | None

    @staticmethod
    def resolve_round(obj: Response) -> int:
        return obj.round_id

    @staticmethod
    def resolve_questionnaire(obj: Response) -> int:
        return obj.questionnaire_id

    @staticmethod
    def resolve_organisation(obj: Response) -> int | None:
        if obj.round.anonymous or obj.invitation is None:
            return None
        return obj.invitation.organisation_id


class ConsultationResponseIn(Schema):
    instance_id: InstanceId = Field(
        ..., description="Made by the client, the same for every attempt to send."
    )
    answers: dict[str, Any] = Field(
        ...,
        description="By question name; a list of names for select_multiple and "
        "rank, a list of such objects for a repeat.",
    )
    invitation_key: Key | None = Field(
        None,
        description="The invitation's key (from its link), to answer without "
        "an account.",
    )


class BindingsIn(Schema):
    bindings: dict[
        Annotated[str, StringConstraints(max_length=100)],
        Annotated[str, StringConstraints(max_length=100)],
    ] = Field(
        ...,
        max_length=500,
        description='{question name: target}: "languages", "themes", "body", '
        '"relation:<relation type code>" or "capacity:<theme code>"; "" for none. '
        "It replaces the round's bindings.",
    )


class RegisterServiceOut(Schema):
    id: int
    title: str


class RegisterProposalOut(Schema):
    question: str
    label: str
    target: str
    current: list[str] = Field(..., description="What the register holds now.")
    declared: list[str] = Field(..., description="What the answer declares.")
    new: list[str] = Field(
        ..., description="What accepting adds: codes or ids, as the target reads them."
    )
    ignored: list[str] = Field(..., description="Answers with no register value.")
    services: list[RegisterServiceOut]
    state: Literal["pending", "same", "blocked", "accepted", "rejected"]
    problem: str
    outcome: str
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_target(obj: Any) -> str:
        return str(obj.target.code)

    @staticmethod
    def resolve_services(obj: Any) -> list[dict[str, Any]]:
        return [{"id": pk, "title": title} for pk, title in obj.services]

    @staticmethod
    def resolve_outcome(obj: Any) -> str:
        return str(obj.outcome)

    @staticmethod
    def resolve_decided_at(obj: Any) -> datetime.datetime | None:
        return obj.adoption.decided_at if obj.adoption else None


class DecisionIn(Schema):
    verdict: Literal["accept", "reject"]
    service: Id | None = Field(
        None, description="For a capacity: the service it goes to, when several."
    )


class RegisterDecisionsIn(Schema):
    decisions: dict[Annotated[str, StringConstraints(max_length=100)], DecisionIn] = (
        Field(..., min_length=1, max_length=500)
    )


Cell = str | int | float | None


class DefinitionOut(Schema):
    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: dict[str, str]
    digest: str = Field(..., description="Send it back with a change.")


class DefinitionIn(Schema):
    survey: list[dict[str, Cell]] = Field(..., max_length=5000)
    choices: list[dict[str, Cell]] = Field(default_factory=list, max_length=5000)
    settings: dict[str, Cell] = Field(default_factory=dict, max_length=20)
    digest: str = Field(
        ...,
        max_length=64,
        description="The digest read with the form; a stale one answers 409.",
    )


class XLSFormImportIn(Schema):
    key: str = Field(
        "", max_length=100, description="Import as the next version of this key."
    )


class ConsultationDraftIn(Schema):
    answers: dict[str, Any]
    page: int = Field(1, ge=1, le=1000)


# Questionnaires -------------------------------------------------------------


@router.get(
    "/consultations/questionnaires",
    response={200: list[QuestionnaireOut], **problems(401, 403, 422)},
    operation_id="consultations_questionnaire_list",
    summary="The latest version of each questionnaire (coordinators)",
)
@paginate(PageNumbers)
def list_questionnaires(request: HttpRequest) -> QuerySet[Questionnaire]:
    api_user(request, may="consultations.manage")
    return selectors.latest_questionnaires()


@router.get(
    "/consultations/questionnaires/{questionnaire_id}",
    response={200: QuestionnaireOut, **problems(401, 403, 404)},
    operation_id="consultations_questionnaire_detail",
    summary="One questionnaire version",
)
def get_questionnaire(request: HttpRequest, questionnaire_id: Id) -> Questionnaire:
    user = api_user(request, may="consultations.manage")
    return get_questionnaire_for_user(user, questionnaire_id)


@router.post(
    "/consultations/questionnaires",
    response={201: QuestionnaireOut, **problems(401, 403, 422)},
    operation_id="consultations_questionnaire_import",
    summary="Import an XLSForm (.xlsx, .xls or pyxform's .md); a new version of `key`",
)
def import_questionnaire(
    request: HttpRequest, file: File[UploadedFile], params: Form[XLSFormImportIn]
) -> Status[Questionnaire]:
    user = api_user(request, may="consultations.manage")
    key = params.key
    try:
        form = xlsform_read(file.read(), file.name or "")
    except XLSFormError as error:
        raise ValidationError({"file": str(error)}) from error
    return Status(201, questionnaire_import(form=form, by=user, key=key))


@router.get(
    "/consultations/questionnaires/{questionnaire_id}/xlsform",
    response={200: None, **problems(401, 403, 404)},
    operation_id="consultations_questionnaire_xlsform",
    summary="The questionnaire as an XLSForm workbook",
)
def download_xlsform(request: HttpRequest, questionnaire_id: Id) -> HttpResponse:
    user = api_user(request, may="consultations.manage")
    questionnaire = get_questionnaire_for_user(user, questionnaire_id)
    response = HttpResponse(
        xlsform_write(questionnaire.definition),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{questionnaire.key}-v{questionnaire.version}.xlsx"'
    )
    return response


@router.get(
    "/consultations/questionnaires/{questionnaire_id}/definition",
    response={200: DefinitionOut, **problems(401, 403, 404)},
    operation_id="consultations_questionnaire_definition",
    summary="A version's XLSForm rows, to change them (coordinators)",
)
def get_definition(request: HttpRequest, questionnaire_id: Id) -> dict[str, Any]:
    user = api_user(request, may="consultations.manage")
    questionnaire = get_questionnaire_for_user(user, questionnaire_id)
    definition = questionnaire.definition
    return {
        "survey": definition.get("survey", []),
        "choices": definition.get("choices", []),
        "settings": definition.get("settings", {}),
        "digest": builder.digest(definition),
    }


@router.put(
    "/consultations/questionnaires/{questionnaire_id}/definition",
    response={200: QuestionnaireOut, **problems(401, 403, 404, 409, 422)},
    operation_id="consultations_questionnaire_edit",
    summary="Change a version's XLSForm rows (coordinators): a draft changes in "
    "place, a version in use makes the next version",
)
def put_definition(
    request: HttpRequest, questionnaire_id: Id, payload: DefinitionIn
) -> Questionnaire:
    user = api_user(request, may="consultations.manage")
    questionnaire = get_questionnaire_for_user(user, questionnaire_id)
    data = payload.model_dump()
    digest = data.pop("digest")
    try:
        return questionnaire_edit(
            questionnaire=questionnaire, definition=data, by=user, digest=digest
        )
    except EditConflict as error:
        raise HttpError(
            409, _("Le questionnaire a changé depuis que vous l'avez lu.")
        ) from error
    except XLSFormError as error:
        raise ValidationError({"survey": str(error)}) from error


# Rounds --------------------------------------------------------------------


@router.get(
    "/consultations/rounds",
    response={200: list[RoundOut], **problems(401, 403, 422)},
    operation_id="consultations_round_list",
    summary="Every round, the latest first (coordinators)",
)
@paginate(PageNumbers)
def list_rounds(request: HttpRequest) -> QuerySet[Round]:
    api_user(request, may="consultations.manage")
    return selectors.rounds()


@router.get(
    "/consultations/rounds/{round_id}",
    response={200: RoundOut, **problems(401, 403, 404)},
    operation_id="consultations_round_detail",
    summary="One round",
)
def get_round(request: HttpRequest, round_id: Id) -> Round:
    return get_round_for_user(api_user(request, may="consultations.manage"), round_id)


@router.post(
    "/consultations/rounds",
    response={201: RoundOut, **problems(401, 403, 422)},
    operation_id="consultations_round_create",
    summary="Prepare a round (coordinators); invite, then launch it",
)
def create_round(request: HttpRequest, payload: RoundIn) -> Status[Round]:
    user = api_user(request, may="consultations.manage")
    data = payload.model_dump()
    questionnaire = Questionnaire.objects.filter(pk=data.pop("questionnaire")).first()
    if questionnaire is None:
        raise ValidationError({"questionnaire": _("Aucun questionnaire n'a cet id.")})
    public = data.pop("public_link")
    round_ = round_create(
        by=user, fields={**data, "questionnaire": questionnaire}, public=public
    )
    return Status(201, round_)


@router.post(
    "/consultations/rounds/{round_id}/invitations",
    response={200: list[RoundInvitationOut], **problems(401, 403, 404, 422)},
    operation_id="consultations_round_invite",
    summary="Invite organisations of the register (coordinators)",
)
def invite(
    request: HttpRequest, round_id: Id, payload: AudienceIn
) -> QuerySet[Invitation]:
    user = api_user(request, may="consultations.manage")
    round_ = get_round_for_user(user, round_id)
    audience = Audience(
        **{**payload.model_dump(), "bodies": tuple(payload.bodies),
           "organisations": tuple(payload.organisations)}
    )  # fmt: skip
    if not audience.filtered and not audience.bodies and not audience.organisations:
        raise ValidationError(_("Choisissez au moins un critère ou une organisation."))
    invitations_add(round_=round_, audience=audience)
    return selectors.invitation_rows(round_)


@router.get(
    "/consultations/rounds/{round_id}/invitations",
    response={200: list[RoundInvitationOut], **problems(401, 403, 404, 422)},
    operation_id="consultations_round_invitations",
    summary="A round's invitations and whether each has answered (coordinators)",
)
@paginate(PageNumbers)
def list_invitations(request: HttpRequest, round_id: Id) -> QuerySet[Invitation]:
    user = api_user(request, may="consultations.manage")
    return selectors.invitation_rows(get_round_for_user(user, round_id))


@router.post(
    "/consultations/rounds/{round_id}/launch",
    response={200: RoundOut, **problems(401, 403, 404, 422)},
    operation_id="consultations_round_launch",
    summary="Launch a round: its invitations are e-mailed (coordinators)",
)
def launch(request: HttpRequest, round_id: Id) -> Round:
    user = api_user(request, may="consultations.manage")
    return round_launch(round_=get_round_for_user(user, round_id))


# Responses -----------------------------------------------------------------


def _caller(request: HttpRequest) -> User | None:
    """The token's user when the request has one (this endpoint also answers
    without an account, by an invitation's key)."""
    if "authorization" not in {key.lower() for key in request.headers}:
        return None
    user = TokenAuth()(request)
    if not isinstance(user, User):
        raise HttpError(401, "The token is not valid.")
    return user


def _invitation(round_: Round, key: str | None, user: User | None) -> Invitation | None:
    if key is None:
        if user is None or not can(user, "consultations.manage"):
            raise HttpError(
                403,
                _("Une réponse se donne avec la clé d'une invitation ou le jeton "
                  "d'une coordinatrice."),
            )  # fmt: skip
        return None
    invitation = Invitation.objects.filter(key=key).first()
    if invitation is None:
        raise HttpError(403, _("Cette clé d'invitation n'existe pas."))
    if invitation.round_id != round_.pk:
        raise HttpError(403, _("Cette invitation est celle d'un autre tour."))
    return invitation


@router.get(
    "/consultations/rounds/{round_id}/responses",
    response={200: list[ConsultationResponseOut], **problems(401, 403, 404, 422)},
    operation_id="consultations_response_list",
    summary="A round's submitted responses (coordinators)",
)
@paginate(PageNumbers)
def list_responses(request: HttpRequest, round_id: Id) -> QuerySet[Response]:
    user = api_user(request, may="consultations.manage")
    round_ = get_round_for_user(user, round_id)
    return (
        round_.responses.filter(status=Response.Status.SUBMITTED)
        .select_related("round", "invitation")
        .order_by("pk")
    )


@router.post(
    "/consultations/rounds/{round_id}/responses",
    response={
        201: ConsultationResponseOut,
        200: ConsultationResponseOut,
        **problems(403, 404, 409, 422),
    },
    operation_id="consultations_response_submit",
    summary="Submit a response: 201 new, 200 the same sent again, 409 other answers",
    auth=None,
)
def submit_response(
    request: HttpRequest, round_id: Id, payload: ConsultationResponseIn
) -> Status[Response]:
    """With an invitation's key (no account) or a coordinator's token. The
    answers are checked with the questionnaire's rules; 422 names each
    question whose answer breaks one (`body.answers.<question>`)."""
    user = _caller(request)
    round_ = get_object_or_404(
        Round.objects.select_related("questionnaire"), pk=round_id
    )
    if round_.launched_at is None and (
        user is None or not can(user, "consultations.manage")
    ):
        raise HttpError(404, "Not found.")
    invitation = _invitation(round_, payload.invitation_key, user)
    if not round_.is_open:
        raise HttpError(
            403, _("Ce tour n'est pas ouvert : il ne reçoit pas de réponses.")
        )
    spec = spec_for(round_.questionnaire)
    language = spec.default_language
    answers, errors = answers_clean(
        spec, payload.answers, language, selectors.options_memo()
    )
    if errors:
        raise ValidationError(
            {f"answers.{key}": message for key, message in errors.items()}
        )
    try:
        response, new = response_submit(
            round_=round_,
            instance_id=payload.instance_id,
            answers=answers,
            invitation=invitation,
            language=language,
        )
    except ResponseConflict as conflict:
        raise HttpError(
            409,
            _("Une réponse « %(id)s » est déjà enregistrée avec d'autres réponses.")
            % {"id": conflict.response.instance_id}
            if conflict.response.instance_id == payload.instance_id
            else _("Cette invitation a déjà répondu."),
        ) from conflict
    return Status(201 if new else 200, response)


@router.get(
    "/consultations/drafts/{key}",
    response={200: ConsultationResponseOut, **problems(403, 404)},
    operation_id="consultations_draft_detail",
    summary="An invitation's draft (or its submitted response), by its key",
    auth=None,
)
def get_draft(request: HttpRequest, key: Key) -> Response:
    invitation = (
        Invitation.objects.select_related("round__questionnaire")
        .filter(key=key)
        .first()
    )
    if invitation is None or invitation.round.launched_at is None:
        raise HttpError(404, "Not found.")
    spec = spec_for(invitation.round.questionnaire)
    return response_draft(
        round_=invitation.round,
        invitation=invitation,
        answers=evaluation_run(spec, {}, fresh=True).answers(),
    )


@router.put(
    "/consultations/drafts/{key}",
    response={200: ConsultationResponseOut, **problems(403, 404, 409, 422)},
    operation_id="consultations_draft_save",
    summary="Save an invitation's draft as it stands (unchecked until submitted)",
    auth=None,
)
def save_draft(
    request: HttpRequest, key: Key, payload: ConsultationDraftIn
) -> Response:
    response = get_draft(request, key)
    round_ = response.round
    if not round_.is_open:
        raise HttpError(
            403, _("Ce tour n'est pas ouvert : il ne reçoit pas de réponses.")
        )
    if response.status == Response.Status.SUBMITTED:
        raise HttpError(409, _("Cette invitation a déjà répondu."))
    spec = spec_for(response.questionnaire)
    unknown = unknown_keys(spec, payload.answers)
    if unknown:
        raise ValidationError(
            {f"answers.{key}": _("Aucune question de ce nom ici.") for key in unknown}
        )
    # A draft keeps what is valid so far; the rules apply at submission.
    answers, _errors = answers_clean(
        spec, payload.answers, spec.default_language, selectors.options_memo()
    )
    response_save(response=response, answers=answers, page=payload.page)
    response.refresh_from_db()
    return response


# Answers into the register --------------------------------------------------


@router.put(
    "/consultations/rounds/{round_id}/bindings",
    response={200: RoundOut, **problems(401, 403, 404, 422)},
    operation_id="consultations_round_bindings",
    summary="Bind questions to register fields (coordinators)",
)
def set_bindings(request: HttpRequest, round_id: Id, payload: BindingsIn) -> Round:
    user = api_user(request, may="consultations.manage")
    round_ = get_round_for_user(user, round_id)
    return round_bindings_set(round_=round_, bindings=payload.bindings)


def _proposals(response: Response) -> list[binding.Proposal]:
    refusal = binding.why_not(response.round, response)
    if refusal:
        raise HttpError(422, refusal)
    return binding.proposals(response)


@router.get(
    "/consultations/responses/{response_id}/register",
    response={200: list[RegisterProposalOut], **problems(401, 403, 404, 422)},
    operation_id="consultations_response_register",
    summary="A response's bound answers beside the register (coordinators)",
)
def get_register_review(request: HttpRequest, response_id: Id) -> list[Any]:
    user = api_user(request, may="consultations.manage")
    return _proposals(get_response_for_user(user, response_id))


@router.post(
    "/consultations/responses/{response_id}/register",
    response={200: list[RegisterProposalOut], **problems(401, 403, 404, 422)},
    operation_id="consultations_response_adopt",
    summary="Write accepted answers into the register, set others aside "
    "(coordinators); all or nothing",
)
def adopt(
    request: HttpRequest, response_id: Id, payload: RegisterDecisionsIn
) -> list[Any]:
    user = api_user(request, may="consultations.manage")
    response = get_response_for_user(user, response_id)
    _proposals(response)
    answers_adopt(
        response=response,
        decisions={
            name: Decision(decision.verdict, decision.service)
            for name, decision in payload.decisions.items()
        },
        by=user,
    )
    return binding.proposals(response)
