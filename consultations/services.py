"""Writes to the questionnaires; the pages, the API and the commands call
these."""

import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from consultations import binding, builder, tasks
from consultations.engine import spec_for
from consultations.models import Adoption, Invitation, Questionnaire, Response, Round
from consultations.xlsform import Form, form_check
from coordination import services as coordination_services
from coordination.models import BodyMember
from lib import reasons
from register import services as register_services
from register.models import Contact, Organisation
from register.selectors import OrganisationFilters, organisation_list
from taxonomy.models import RelationType, Theme

# A round invites at most this many organisations at once.
MAX_INVITATIONS = 5_000


@transaction.atomic
def questionnaire_import(
    *, form: Form, by: User | None, key: str = ""
) -> Questionnaire:
    """A questionnaire from a checked form: the next version of `key` (or of
    the form's id, or of its title) when that questionnaire exists."""
    key = slugify(key or form.form_id or form.title)[:100] or "questionnaire"
    last = (
        Questionnaire.objects.select_for_update()
        .filter(key=key)
        .order_by("-version")
        .first()
    )
    return Questionnaire.objects.create(
        key=key,
        version=last.version + 1 if last else 1,
        title=" ".join(form.title.split())[:255],
        default_language=form.default_language[:60],
        languages=form.languages,
        definition=form.definition,
        question_count=form.question_count,
        created_by=by,
    )


class EditConflict(Exception):
    """The questionnaire changed since the editor read it."""


@transaction.atomic
def questionnaire_edit(
    *, questionnaire: Questionnaire, definition: dict[str, Any], by: User, digest: str
) -> Questionnaire:
    """Keep an edit made in the builder, checked as an import is (an
    XLSFormError says what is wrong, and nothing changes). A draft that is
    the latest version and has no answers changes in place; otherwise the
    edit makes the next version, in draft, and the one in use stays as it
    was."""
    current = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if builder.digest(current.definition) != digest:
        raise EditConflict
    form = form_check(definition)
    latest = Questionnaire.objects.filter(key=current.key).order_by("-version").first()
    in_place = (
        current.status == Questionnaire.Status.DRAFT
        and latest is not None
        and latest.pk == current.pk
        and not current.responses.exists()
        and not current.rounds.filter(launched_at__isnull=False).exists()
    )
    if not in_place:
        return questionnaire_import(form=form, by=by, key=current.key)
    current.definition = form.definition
    current.title = " ".join(form.title.split())[:255]
    current.default_language = form.default_language[:60]
    current.languages = form.languages
    current.question_count = form.question_count
    current.save(
        update_fields=[
            "definition", "title", "default_language", "languages", "question_count",
        ]
    )  # fmt: skip
    return current


# Rounds --------------------------------------------------------------------

ROUND_FIELDS = (
    "questionnaire", "title", "purpose", "introduction", "unit", "anonymous",
    "opens_at", "closes_at",
)  # fmt: skip


def _check_round(round_: Round) -> None:
    errors: dict[str, str] = {}
    if round_.opens_at and round_.closes_at and round_.closes_at <= round_.opens_at:
        errors["closes_at"] = _("La clôture vient après l'ouverture.")
    if round_.questionnaire_id and round_.questionnaire.status == (
        Questionnaire.Status.RETIRED
    ):
        errors["questionnaire"] = _("Ce questionnaire est retiré.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def round_create(*, by: User | None, fields: Mapping[str, Any], public: bool) -> Round:
    round_ = Round(created_by=by, **{k: fields[k] for k in ROUND_FIELDS if k in fields})
    round_.title = " ".join(str(round_.title).split())
    _check_round(round_)
    if public:
        round_.public_key = secrets.token_urlsafe(24)
    round_.save()
    return round_


@transaction.atomic
def round_update(*, round_: Round, fields: Mapping[str, Any], public: bool) -> Round:
    """Change a round; once launched its questionnaire and who answers stay."""
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    frozen = {"questionnaire", "unit", "anonymous"} if locked.launched_at else set()
    for name in ROUND_FIELDS:
        if name in fields and name not in frozen:
            setattr(locked, name, fields[name])
    locked.title = " ".join(str(locked.title).split())
    _check_round(locked)
    if public and not locked.public_key:
        locked.public_key = secrets.token_urlsafe(24)
    elif not public:
        locked.public_key = ""
    locked.save()
    return locked


@dataclass(frozen=True)
class Audience:
    """Whom a round invites, drawn from the register: the filters of its
    list, the members of coordination bodies, organisations picked by hand."""

    level: str = ""
    sector: str = ""
    actor_type: str = ""
    theme: str = ""
    province: str = ""
    commune: str = ""
    bodies: tuple[int, ...] = ()
    organisations: tuple[int, ...] = ()

    @property
    def filtered(self) -> bool:
        return any(
            (self.level, self.sector, self.actor_type, self.theme, self.province,
             self.commune)
        )  # fmt: skip


def audience_organisations(audience: Audience) -> QuerySet[Organisation]:
    """The active organisations an audience names (none when it names none)."""
    chosen = Q(pk__in=list(audience.organisations))
    if audience.bodies:
        chosen |= Q(
            pk__in=BodyMember.objects.filter(body_id__in=audience.bodies).values(
                "organisation_id"
            )
        )
    if audience.filtered:
        filters = OrganisationFilters(
            level=audience.level,
            sector=audience.sector,
            actor_type=audience.actor_type,
            theme=audience.theme,
            province=audience.province,
            commune=audience.commune,
        )
        chosen |= Q(pk__in=organisation_list(filters).values("pk"))
    elif not audience.bodies and not audience.organisations:
        return Organisation.objects.none()
    return Organisation.objects.active().filter(chosen).order_by("name", "pk")


def _language(contact: Contact | None, organisation: Organisation) -> str:
    spoken = list(contact.languages if contact else [])
    spoken += list(organisation.languages or [])
    interface = {code for code, _name in settings.LANGUAGES}
    return next((code for code in spoken if code in interface), "fr")


@transaction.atomic
def invitations_add(*, round_: Round, audience: Audience) -> int:
    """Invite the audience's organisations (each through its focal point, or
    its first contact with an address, or its general address) or, for a
    round answered per person, each of their contacts with an address.
    Those invited already are left as they are; returns how many are new."""
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.state == "closed":
        raise ValidationError(_("Ce tour est clos."))
    organisations = list(audience_organisations(audience)[:MAX_INVITATIONS])
    ids = [organisation.pk for organisation in organisations]
    contacts = Contact.objects.filter(organisation_id__in=ids).exclude(email="")
    by_organisation: dict[int, list[Contact]] = {}
    for contact in contacts.order_by(
        "organisation_id", "-is_focal_point", "name", "pk"
    ):
        by_organisation.setdefault(contact.organisation_id, []).append(contact)
    existing_organisations = set(
        locked.invitations.filter(contact__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    existing_contacts = set(
        locked.invitations.filter(contact__isnull=False).values_list(
            "contact_id", flat=True
        )
    )
    new: list[Invitation] = []
    for organisation in organisations:
        people = by_organisation.get(organisation.pk, [])
        if locked.unit == Round.Unit.PERSON:
            new.extend(
                _invitation(locked, organisation, person, person.email)
                for person in people
                if person.pk not in existing_contacts
            )
        elif organisation.pk not in existing_organisations:
            first = people[0] if people else None
            email = first.email if first else organisation.email
            new.append(_invitation(locked, organisation, None, email, first))
    Invitation.objects.bulk_create(new)
    if locked.launched_at is not None and locked.state != "closed":
        _queue(
            locked,
            [i.pk for i in Invitation.objects.filter(key__in=[i.key for i in new])],
        )
    return len(new)


def _invitation(
    round_: Round,
    organisation: Organisation,
    contact: Contact | None,
    email: str,
    speaker: Contact | None = None,
) -> Invitation:
    person = contact or speaker
    return Invitation(
        round=round_,
        organisation=organisation,
        contact=contact,
        name=person.name if person else str(organisation),
        email=email,
        language=_language(person, organisation),
        key=secrets.token_urlsafe(32),
        delivery=Invitation.Delivery.PENDING
        if email
        else Invitation.Delivery.NO_ADDRESS,
    )


def invitation_remove(*, invitation: Invitation) -> None:
    if invitation.responses.filter(status=Response.Status.SUBMITTED).exists():
        raise ValidationError(_("Cette invitation a déjà reçu une réponse."))
    invitation.delete()


def _queue(round_: Round, invitation_ids: list[int], *, reminder: bool = False) -> None:
    """Mark invitations queued and send them once the transaction commits."""
    ids = list(
        Invitation.objects.filter(pk__in=invitation_ids)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    if not ids:
        return
    Invitation.objects.filter(pk__in=ids).update(delivery=Invitation.Delivery.QUEUED)

    def enqueue() -> None:
        for pk in ids:
            tasks.send_invitation.enqueue(invitation_id=pk, reminder=reminder)

    transaction.on_commit(enqueue)


@transaction.atomic
def round_launch(*, round_: Round) -> Round:
    """Open the round to its invitations: their e-mails go out, and the
    questionnaire version is in use (it changes only into a new version)."""
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.launched_at is not None:
        raise ValidationError(_("Ce tour est déjà lancé."))
    if locked.closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("La date de clôture est passée.")})
    locked.launched_at = timezone.now()
    locked.save(update_fields=["launched_at"])
    Questionnaire.objects.filter(pk=locked.questionnaire_id).update(
        status=Questionnaire.Status.IN_USE
    )
    _queue(locked, list(locked.invitations.values_list("pk", flat=True)))
    return locked


@transaction.atomic
def round_close(*, round_: Round) -> Round:
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    now = timezone.now()
    if locked.closes_at > now:
        locked.closes_at = max(now, locked.opens_at + dt.timedelta(seconds=1))
        locked.save(update_fields=["closes_at"])
    return locked


def round_remind(*, round_: Round) -> int:
    """Remind the invitations without a submitted answer; returns how many."""
    if not round_.is_open:
        raise ValidationError(_("Seul un tour ouvert envoie des rappels."))
    ids = list(_unanswered(round_).values_list("pk", flat=True))
    with transaction.atomic():
        _queue(round_, ids, reminder=True)
    return len(ids)


def _unanswered(round_: Round) -> QuerySet[Invitation]:
    return round_.invitations.exclude(email="").exclude(
        responses__status=Response.Status.SUBMITTED
    )


def round_publish(*, round_: Round, published: bool) -> None:
    Round.objects.filter(pk=round_.pk).update(results_published=published)


# Responses -----------------------------------------------------------------


class ResponseConflict(Exception):
    """The instance id names a response stored with other answers."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.instance_id)
        self.response = response


def answers_digest(answers: Mapping[str, Any]) -> str:
    text = json.dumps(
        answers, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def invitation_open(invitation: Invitation) -> None:
    if invitation.opened_at is None:
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        )


def response_draft(
    *, round_: Round, invitation: Invitation | None, answers: Mapping[str, Any]
) -> Response:
    """The invitation's response (draft or submitted), or a new draft."""
    if invitation is not None:
        found = Response.objects.filter(invitation=invitation).first()
        if found is not None:
            return found
    try:
        with transaction.atomic():
            return Response.objects.create(
                round=round_,
                questionnaire_id=round_.questionnaire_id,
                invitation=invitation,
                instance_id=f"uuid:{uuid.uuid4()}",
                answers=dict(answers),
            )
    except IntegrityError:
        # The same invitation opened twice at once: the other request's draft.
        return Response.objects.get(invitation=invitation)


def response_save(*, response: Response, answers: Mapping[str, Any], page: int) -> None:
    """Save a draft page by page (a submitted response stays as it was)."""
    Response.objects.filter(pk=response.pk, status=Response.Status.DRAFT).update(
        answers=dict(answers), page=page, updated_at=timezone.now()
    )


def response_submit(
    *,
    round_: Round,
    instance_id: str,
    answers: Mapping[str, Any],
    invitation: Invitation | None,
    language: str = "",
) -> tuple[Response, bool]:
    """Store a response, answers already checked; returns it and whether it
    is new. The same instance id with the same answers returns the stored
    response; with other answers, ResponseConflict. An invitation answers
    once: its draft becomes the response."""
    digest = answers_digest(answers)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _submit(
                    round_, instance_id, dict(answers), digest, invitation, language
                )
        except IntegrityError:
            # Another request stored this instance id (or this invitation's
            # draft) a moment ago: read it again.
            continue
    raise ResponseConflict(Response.objects.get(round=round_, instance_id=instance_id))


def _submit(
    round_: Round,
    instance_id: str,
    answers: dict[str, Any],
    digest: str,
    invitation: Invitation | None,
    language: str,
) -> tuple[Response, bool]:
    found = (
        Response.objects.select_for_update()
        .filter(round=round_, instance_id=instance_id)
        .first()
    )
    if found is None and invitation is not None:
        found = (
            Response.objects.select_for_update().filter(invitation=invitation).first()
        )
        if found is not None and found.status == Response.Status.SUBMITTED:
            raise ResponseConflict(found)
    if found is not None and found.status == Response.Status.SUBMITTED:
        if found.digest == digest and found.invitation_id == (
            invitation.pk if invitation else found.invitation_id
        ):
            return found, False
        raise ResponseConflict(found)
    now = timezone.now()
    if found is None:
        response = Response.objects.create(
            round=round_,
            questionnaire_id=round_.questionnaire_id,
            invitation=invitation,
            instance_id=instance_id,
            status=Response.Status.SUBMITTED,
            answers=answers,
            digest=digest,
            language=language[:60],
            submitted_at=now,
        )
        return response, True
    if invitation is not None and found.invitation_id not in (None, invitation.pk):
        raise ResponseConflict(found)
    found.instance_id = instance_id
    found.status = Response.Status.SUBMITTED
    found.answers = answers
    found.digest = digest
    found.language = language[:60]
    found.submitted_at = now
    found.save()
    return found, True


@transaction.atomic
def response_reopen(*, response: Response, by: User) -> None:
    """Give a submitted response back to its respondent as a draft."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.status != Response.Status.SUBMITTED:
        raise ValidationError(_("Cette réponse n'est pas envoyée."))
    if not locked.round.is_open:
        raise ValidationError(
            _("Le tour n'est pas ouvert : la réponse ne peut être modifiée.")
        )
    locked.status = Response.Status.DRAFT
    locked.reopened_at = timezone.now()
    locked.reopened_by = by
    locked.save(update_fields=["status", "reopened_at", "reopened_by", "updated_at"])


# Answers into the register -------------------------------------------------


@transaction.atomic
def round_bindings_set(*, round_: Round, bindings: Mapping[str, Any]) -> Round:
    """Bind questions to register fields (see consultations/binding.py); a
    ValidationError names each question refused, and nothing is changed."""
    spec = spec_for(round_.questionnaire)
    round_.bindings = binding.bindings_clean(spec, dict(bindings))
    round_.save(update_fields=["bindings"])
    return round_


@dataclass(frozen=True)
class Decision:
    """A coordinator's word on one bound question: "accept" or "reject", and
    for a capacity the service it goes to."""

    verdict: str
    service_id: int | None = None


@transaction.atomic
def answers_adopt(
    *, response: Response, decisions: Mapping[str, Decision], by: User
) -> list[Adoption]:
    """Write the accepted answers into the register through its services, each
    change recorded in its history as declared in this consultation; record
    the ones set aside. All or nothing: a ValidationError names the question
    that could not be written, and nothing is kept."""
    Response.objects.select_for_update().filter(pk=response.pk).first()
    refusal = binding.why_not(response.round, response)
    if refusal:
        raise ValidationError(refusal)
    found = {p.question: p for p in binding.proposals(response)}
    organisation = binding.organisation_of(response)
    if organisation is None:  # why_not has said so
        return []
    day = timezone.localdate(response.submitted_at or timezone.now())
    reason = reasons.declared_reason(response.round_id, day, response.round.title)
    note = _("Consultation « %(title)s », %(date)s") % {
        "title": response.round.title,
        "date": day.strftime("%d/%m/%Y"),
    }
    written = []
    for question, decision in decisions.items():
        proposal = found.get(question)
        if proposal is None:
            raise ValidationError({question: _("Cette question n'est pas liée.")})
        if proposal.adoption is not None:
            continue
        if decision.verdict not in {"accept", "reject"}:
            raise ValidationError({question: _("Décision inconnue.")})
        if decision.verdict == "accept" and proposal.state != "pending":
            raise ValidationError(
                {question: proposal.problem or _("Rien à ajouter au registre.")}
            )
        accepted = decision.verdict == "accept"
        service_id = None
        if accepted:
            service_id = _write(
                proposal,
                organisation,
                decision,
                by=by,
                reason=reason,
                note=note[:255],
            )
        adoption = Adoption(
            response=response,
            question=question,
            target=proposal.target.code,
            # What was added, read again in each reader's language.
            value={
                "values": proposal.values,
                "added": proposal.new if accepted else [],
                "service": service_id,
            },
            decision=(
                Adoption.Decision.ACCEPTED if accepted else Adoption.Decision.REJECTED
            ),
            decided_by=by,
        )
        adoption.outcome = binding.outcome_text(adoption)[:500]
        adoption.save()
        written.append(adoption)
    return written


def _write(
    proposal: binding.Proposal,
    organisation: Organisation,
    decision: Decision,
    *,
    by: User,
    reason: str,
    note: str,
) -> int | None:
    """Write one accepted answer; for a capacity, the service it went to."""
    field = proposal.target.field
    if field == "languages":
        register_services.organisation_update(
            organisation_id=organisation.pk,
            by=by,
            expected_version=None,
            fields={"languages": [*organisation.languages, *proposal.new]},
            reason=reason,
        )
    elif field == "themes":
        themes = Theme.objects.in_bulk(proposal.new, field_name="code")
        communes = [organisation.commune] if organisation.commune else []
        for code in proposal.new:
            register_services.service_create(
                by=by,
                fields={
                    "organisation": organisation,
                    "theme": themes[code],
                    "title": themes[code].name_fr,
                    "description": note,
                },
                communes=communes,
                reason=reason,
            )
    elif field == "body":
        for pk in proposal.new:
            coordination_services.body_member_add(
                body_id=int(pk), organisation=organisation, by=by, reason=reason
            )
    elif field == "relation":
        kind = RelationType.objects.get(code=proposal.target.param)
        others = Organisation.objects.in_bulk([int(pk) for pk in proposal.new])
        for pk in proposal.new:
            register_services.relation_create(
                by=by,
                fields={
                    "source": organisation,
                    "target": others[int(pk)],
                    "type": kind,
                    "declared_by": organisation,
                    "source_note": note,
                },
                reason=reason,
            )
    else:  # capacity
        services = dict(proposal.services)
        service_id = decision.service_id
        if service_id is None and len(services) == 1:
            service_id = next(iter(services))
        if service_id not in services:
            raise ValidationError(
                {proposal.question: _("Choisissez le service dont la capacité change.")}
            )
        register_services.service_update(
            service_id=service_id,
            by=by,
            expected_version=None,
            fields={"capacity": int(proposal.new[0])},
            reason=reason,
        )
        return service_id
    return None
