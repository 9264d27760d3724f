"""Reads of the questionnaires: the latest version of each, and a version's
questions and choices as its page shows them."""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from consultations.models import Adoption, Invitation, Questionnaire, Response, Round
from coordination.models import CoordinationBody
from register.models import Organisation
from taxonomy.models import InstitutionalLevel, Theme
from territory.models import Commune, Province

STRUCTURE = {"begin_group", "end_group", "begin_repeat", "end_repeat"}


def latest_questionnaires() -> QuerySet[Questionnaire]:
    """The latest version of each questionnaire, with how many versions it has."""
    latest = (
        Questionnaire.objects.filter(key=OuterRef("key"))
        .order_by("-version")
        .values("pk")[:1]
    )
    return (
        Questionnaire.objects.filter(pk__in=Subquery(latest))
        .annotate(
            versions=Subquery(
                Questionnaire.objects.filter(key=OuterRef("key"))
                .values("key")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )
        )
        .order_by("title", "key")
    )


def _text(row: dict[str, str], column: str, language: str) -> str:
    return row.get(f"{column}::{language}") or row.get(column) or ""


@dataclass(frozen=True)
class Question:
    row: int
    depth: int
    kind: str
    name: str
    label: str
    required: bool
    relevant: str
    constraint: str

    @property
    def indent(self) -> int:
        """How far the page indents it (three steps at most)."""
        return min(self.depth, 3)


def questions(questionnaire: Questionnaire, language: str = "") -> list[Question]:
    """The survey's rows in order, indented by group, labelled in `language`
    (default: the questionnaire's)."""
    language = language or questionnaire.default_language
    rows: list[Question] = []
    depth = 0
    for number, row in enumerate(questionnaire.definition.get("survey", []), start=2):
        kind = " ".join(row.get("type", "").split())
        if not kind:
            continue
        first = kind.split(" ")[0].replace("end group", "end_group")
        if first.startswith("end_") or kind in {"end group", "end repeat"}:
            depth = max(depth - 1, 0)
            continue
        rows.append(
            Question(
                row=number,
                depth=depth,
                kind=kind,
                name=row.get("name", ""),
                label=_text(row, "label", language),
                required=row.get("required", "").lower() in {"yes", "true", "true()"},
                relevant=row.get("relevant", ""),
                constraint=row.get("constraint", ""),
            )
        )
        if first.startswith("begin_") or kind in {"begin group", "begin repeat"}:
            depth += 1
    return rows


def choice_lists(
    questionnaire: Questionnaire, language: str = ""
) -> dict[str, list[tuple[str, str]]]:
    language = language or questionnaire.default_language
    lists: dict[str, list[tuple[str, str]]] = {}
    for row in questionnaire.definition.get("choices", []):
        if row.get("list_name"):
            lists.setdefault(row["list_name"], []).append(
                (row.get("name", ""), _text(row, "label", language))
            )
    return lists


def versions(questionnaire: Questionnaire) -> QuerySet[Questionnaire]:
    return Questionnaire.objects.filter(key=questionnaire.key).only(
        "id", "version", "title", "status", "created_at"
    )


def as_context(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "questions": questions(questionnaire),
        "choice_lists": sorted(choice_lists(questionnaire).items()),
        "versions": versions(questionnaire),
        "latest_version": versions(questionnaire).aggregate(v=Max("version"))["v"],
    }


def register_options(kind: str) -> list[tuple[str, str]]:
    """The answers a question of Maillage's own types offers: an active
    organisation (its id), a commune (its INS code), a theme (its code) or a
    coordination body that has not ended (its id)."""
    if kind == "organisation":
        return [
            (str(pk), f"{name} ({acronym})" if acronym else name)
            for pk, name, acronym in Organisation.objects.active()
            .order_by("name", "pk")
            .values_list("pk", "name", "acronym")
        ]
    if kind == "commune":
        return [
            (commune.nis, str(commune))
            for commune in Commune.objects.order_by("search_names")
        ]
    if kind == "theme":
        return [(theme.code, theme.name) for theme in Theme.objects.all()]
    if kind == "body":
        return [
            (str(body.pk), str(body))
            for body in CoordinationBody.objects.exclude(
                status=CoordinationBody.Status.ENDED
            ).order_by("name", "pk")
        ]
    return []


def register_option_exists(kind: str, value: str) -> bool:
    """Whether `value` is one of register_options(kind), read alone."""
    number = (
        int(value) if value.isascii() and value.isdigit() and len(value) < 12 else 0
    )
    if kind == "organisation":
        return number > 0 and Organisation.objects.active().filter(pk=number).exists()
    if kind == "commune":
        return Commune.objects.filter(nis=value).exists()
    if kind == "theme":
        return Theme.objects.filter(code=value).exists()
    if kind == "body":
        return (
            number > 0
            and CoordinationBody.objects.exclude(status=CoordinationBody.Status.ENDED)
            .filter(pk=number)
            .exists()
        )
    return False


class RegisterOptions:
    """register_options for one request: each kind read once when a page
    lists it, a value checked alone (`has`) when an answer is only checked."""

    def __init__(self) -> None:
        self.found: dict[str, list[tuple[str, str]]] = {}

    def __call__(self, kind: str) -> list[tuple[str, str]]:
        if kind not in self.found:
            self.found[kind] = register_options(kind)
        return self.found[kind]

    def has(self, kind: str, value: str) -> bool:
        if kind in self.found:
            return any(option == value for option, _label in self.found[kind])
        return register_option_exists(kind, value)


def options_memo() -> RegisterOptions:
    return RegisterOptions()


# Rounds --------------------------------------------------------------------


def rounds() -> QuerySet[Round]:
    return (
        Round.objects.select_related("questionnaire")
        .annotate(
            invited=Count("invitations", distinct=True),
            submitted=Count(
                "responses",
                filter=Q(responses__status=Response.Status.SUBMITTED),
                distinct=True,
            ),
        )
        .order_by("-opens_at", "-pk")
    )


@dataclass
class Progress:
    invited: int
    opened: int
    started: int
    submitted: int
    public: int

    def percent(self, count: int) -> int:
        return round(100 * count / self.invited) if self.invited else 0

    @property
    def rows(self) -> list[tuple[str, int, int]]:
        return [
            (str(_("Invitées")), self.invited, 100 if self.invited else 0),
            (str(_("Ouvertes")), self.opened, self.percent(self.opened)),
            (str(_("Commencées")), self.started, self.percent(self.started)),
            (str(_("Envoyées")), self.submitted, self.percent(self.submitted)),
        ]


def round_progress(round_: Round) -> Progress:
    """Invited, opened, started and submitted (and answers by the public link)."""
    invitations = round_.invitations.aggregate(
        invited=Count("pk"),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
    )
    responses = round_.responses.aggregate(
        started=Count("pk", filter=Q(invitation__isnull=False)),
        submitted=Count(
            "pk",
            filter=Q(invitation__isnull=False, status=Response.Status.SUBMITTED),
        ),
        public=Count(
            "pk",
            filter=Q(invitation__isnull=True, status=Response.Status.SUBMITTED),
        ),
    )
    return Progress(**invitations, **responses)


def progress_by(round_: Round, dimension: str) -> list[dict[str, Any]]:
    """Invited and submitted by the invited organisations' level or
    province: [{"label", "invited", "submitted"}], in the active language."""
    field, model = {
        "level": ("organisation__level__code", InstitutionalLevel),
        "province": ("organisation__commune__province__nis", Province),
    }[dimension]
    names = (
        {p.nis: p.name for p in Province.objects.all()}
        if model is Province
        else {t.code: t.name for t in InstitutionalLevel.objects.all()}
    )
    rows = (
        round_.invitations.values(field)
        .annotate(
            invited=Count("pk", distinct=True),
            submitted=Count(
                "responses",
                filter=Q(responses__status=Response.Status.SUBMITTED),
                distinct=True,
            ),
        )
        .order_by(field)
    )
    return sorted(
        (
            {
                "label": names.get(row[field] or "", "") or _("non précisé"),
                "invited": row["invited"],
                "submitted": row["submitted"],
            }
            for row in rows
        ),
        key=lambda row: str(row["label"]),
    )


def invitation_rows(round_: Round) -> QuerySet[Invitation]:
    return (
        round_.invitations.select_related("organisation")
        .annotate(
            answered=Count(
                "responses", filter=Q(responses__status=Response.Status.SUBMITTED)
            ),
            drafts=Count(
                "responses", filter=Q(responses__status=Response.Status.DRAFT)
            ),
            response_id=Max("responses__pk"),
        )
        .order_by("name", "pk")
    )


INVITATIONS_PER_PAGE = 100


def invitation_page(round_: Round, number: str | None) -> Page[Invitation]:
    """A page of the round's invitations, each with its response's status
    (`answered`, `drafts`, `response_id`), read for the page's rows only."""
    page = Paginator(
        round_.invitations.select_related("organisation").order_by("name", "pk"),
        INVITATIONS_PER_PAGE,
    ).get_page(number)
    rows = list(page.object_list)
    found: dict[int, tuple[str, int]] = {
        invitation_id: (status, pk)
        for invitation_id, status, pk in Response.objects.filter(
            invitation__in=[row.pk for row in rows]
        ).values_list("invitation_id", "status", "pk")
    }
    for row in rows:
        status, pk = found.get(row.pk, ("", 0))
        row.answered = int(status == Response.Status.SUBMITTED)  # type: ignore[attr-defined]
        row.drafts = int(status == Response.Status.DRAFT)  # type: ignore[attr-defined]
        row.response_id = pk or None  # type: ignore[attr-defined]
    page.object_list = rows
    return page


def invitations_for_organisations(organisation_ids: Any) -> QuerySet[Invitation]:
    """The invitations of organisations (a focal point's own), newest round first."""
    return (
        Invitation.objects.filter(organisation_id__in=organisation_ids)
        .exclude(round__launched_at__isnull=True)
        .select_related("round", "organisation")
        .annotate(
            answered=Count(
                "responses", filter=Q(responses__status=Response.Status.SUBMITTED)
            )
        )
        .order_by("-round__opens_at", "name")
    )


# Answers into the register -------------------------------------------------

REVIEWS_PER_PAGE = 100


def register_reviews(round_: Round, number: str | None) -> Page[Any]:
    """A page of the round's submitted responses given for an organisation,
    with how many of their bound answers were written (`accepted`) or set
    aside (`rejected`)."""
    responses = (
        Response.objects.filter(
            round=round_,
            status=Response.Status.SUBMITTED,
            invitation__organisation__isnull=False,
        )
        .select_related("invitation__organisation")
        .annotate(
            accepted=Count(
                "adoptions", filter=Q(adoptions__decision=Adoption.Decision.ACCEPTED)
            ),
            rejected=Count(
                "adoptions", filter=Q(adoptions__decision=Adoption.Decision.REJECTED)
            ),
        )
        .order_by("invitation__organisation__name", "pk")
    )
    return Paginator(responses, REVIEWS_PER_PAGE).get_page(number)
