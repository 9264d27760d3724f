"""Answers that flow back into the register: which questions may feed which
of its fields, and what a response declares beside what the register holds
now. Nothing here writes; `services.answers_adopt` writes what a coordinator
accepts.

A round binds a question to a target, kept as a code:

- ``languages``: the languages its organisation speaks (choices named with the
  register's language codes: fr, nl, uk…);
- ``themes``: the themes it offers services in (a theme question, or choices
  named with theme codes); each new theme becomes a service to complete;
- ``body``: a coordination body it is a member of (a body question);
- ``relation:<type code>``: an organisation it has that relation with (an
  organisation question, in a repeat for several);
- ``capacity:<theme code>``: the capacity of its service of that theme (an
  integer question).

Answers only add to the register: a language not declared is not removed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from consultations.engine import Node, Spec, spec_for
from consultations.models import Adoption, Response, Round
from consultations.results import node_values
from coordination.models import BodyMember, CoordinationBody
from register.models import (
    CURRENT_SERVICE_STATUSES,
    Organisation,
    Relation,
    Service,
    SpokenLanguage,
)
from taxonomy.models import RelationType, Theme

# The question kinds each field reads.
KINDS = {
    "languages": {"select_one", "select_multiple"},
    "themes": {"theme", "select_one", "select_multiple"},
    "body": {"body"},
    "relation": {"organisation"},
    "capacity": {"integer"},
}
FIELDS = {
    "languages": gettext_lazy("langues parlées"),
    "themes": gettext_lazy("services offerts (thèmes)"),
    "body": gettext_lazy("membre d'un organe de coordination"),
    "relation": gettext_lazy("relation"),
    "capacity": gettext_lazy("capacité du service"),
}


@dataclass(frozen=True)
class Target:
    code: str
    field: str
    label: str
    param: str = ""


def targets() -> list[Target]:
    """Every target a question may be bound to, in the reader's language."""
    found = [
        Target("languages", "languages", str(FIELDS["languages"])),
        Target("themes", "themes", str(FIELDS["themes"])),
        Target("body", "body", str(FIELDS["body"])),
    ]
    found.extend(
        Target(
            f"relation:{kind.code}",
            "relation",
            _("relation : « %(type)s »") % {"type": kind.name},
            kind.code,
        )
        for kind in RelationType.objects.filter(is_active=True)
    )
    found.extend(
        Target(
            f"capacity:{theme.code}",
            "capacity",
            _("capacité du service « %(theme)s »") % {"theme": theme.name},
            theme.code,
        )
        for theme in Theme.objects.filter(is_active=True, parent__isnull=True)
    )
    return found


def targets_for(node: Node, available: Iterable[Target]) -> list[Target]:
    return [target for target in available if node.kind in KINDS[target.field]]


def bindable(spec: Spec) -> list[Node]:
    """The questions that may feed the register, in the form's order."""
    kinds = set().union(*KINDS.values())
    return [node for node in spec.order if node.kind in kinds]


def bindings_clean(spec: Spec, raw: dict[str, Any]) -> dict[str, str]:
    """The bindings sent ({question: target code, "" for none}), checked
    against the questions and their kinds; a ValidationError names each
    question refused."""
    if not isinstance(raw, dict):
        raise ValidationError(_("Les liaisons sont un objet {question: champ}."))
    available = {target.code: target for target in targets()}
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for name, code in raw.items():
        node = spec.nodes.get(name) if isinstance(name, str) else None
        if node is None:
            errors[str(name)[:100]] = _("Ce questionnaire n'a pas cette question.")
            continue
        if code in ("", None):
            continue
        target = available.get(code) if isinstance(code, str) else None
        if target is None:
            errors[name] = _("Champ du registre inconnu.")
        elif node.kind not in KINDS[target.field]:
            errors[name] = _("Cette question ne peut pas alimenter ce champ.")
        else:
            clean[name] = code
    if errors:
        raise ValidationError(errors)
    return clean


# What one response declares --------------------------------------------------


@dataclass
class Proposal:
    """One bound question of one response: what the register holds, what the
    answer declares, what accepting it would add."""

    question: str
    label: str
    target: Target
    declared: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    # The labels of `new`, in the same order.
    new_labels: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    services: list[tuple[int, str]] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    problem: str = ""
    adoption: Adoption | None = None

    @property
    def outcome(self) -> str:
        return outcome_text(self.adoption) if self.adoption is not None else ""

    @property
    def state(self) -> str:
        """accepted, rejected, same (nothing to add), blocked or pending."""
        if self.adoption is not None:
            return self.adoption.decision
        if self.problem:
            return "blocked"
        if not self.new:
            return "same"
        return "pending"


def organisation_of(response: Response) -> Organisation | None:
    invitation = response.invitation
    return invitation.organisation if invitation is not None else None


def why_not(round_: Round, response: Response | None = None) -> str:
    """Why the answers of this round (or response) cannot go to the register,
    or ""."""
    if round_.anonymous:
        return _(
            "Les réponses d'un tour anonyme ne vont pas dans le registre : "
            "elles diraient qui a répondu quoi."
        )
    if response is not None:
        if response.status != Response.Status.SUBMITTED:
            return _("Cette réponse n'a pas encore été envoyée.")
        organisation = organisation_of(response)
        if organisation is None:
            return _(
                "Cette réponse n'est liée à aucune organisation du registre "
                "(lien public ou invitation retirée)."
            )
        if organisation.is_archived:
            return _("L'organisation qui a répondu est archivée.")
    return ""


def _flat(values: Iterable[Any]) -> list[str]:
    flat: list[str] = []
    for value in values:
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str) and one and one not in flat:
                flat.append(one)
    return flat


def proposals(response: Response) -> list[Proposal]:
    """What each bound question of a submitted response declares beside the
    register's current values (nothing when `why_not` says why)."""
    round_ = response.round
    if why_not(round_, response):
        return []
    organisation = organisation_of(response)
    if organisation is None:  # why_not said so
        return []
    spec = spec_for(response.questionnaire)
    language = spec.language_for(get_language() or "fr")
    available = {target.code: target for target in targets()}
    decided = {adoption.question: adoption for adoption in response.adoptions.all()}
    found = []
    for name, code in round_.bindings.items():
        node = spec.nodes.get(name)
        target = available.get(code)
        if node is None or target is None or node.kind not in KINDS[target.field]:
            continue
        proposal = Proposal(
            question=name,
            label=node.text("label", language) or name,
            target=target,
            values=_flat(node_values(response.answers, node)),
            adoption=decided.get(name),
        )
        _READERS[target.field](proposal, organisation, node, spec, language)
        found.append(proposal)
    return found


def outcome_text(adoption: Adoption) -> str:
    """What an accepted answer added to the register, in the reader's
    language ("" for one set aside)."""
    value = adoption.value if isinstance(adoption.value, dict) else {}
    added = [str(v) for v in value.get("added") or [] if isinstance(v, (str, int))]
    if adoption.decision != Adoption.Decision.ACCEPTED or not added:
        return adoption.outcome
    field, _sep, param = adoption.target.partition(":")
    ids = [int(v) for v in added if v.isdigit() and len(v) < 12]
    if field == "languages":
        names = dict(SpokenLanguage.choices)
        listed = ", ".join(str(names.get(code, code)) for code in added)
        return _("Langues ajoutées : %(list)s.") % {"list": listed}
    if field == "themes":
        themes = Theme.objects.in_bulk(added, field_name="code")
        listed = ", ".join(themes[c].name if c in themes else c for c in added)
        return _("Services créés, à compléter : %(list)s.") % {"list": listed}
    if field == "body":
        bodies = CoordinationBody.objects.in_bulk(ids)
        listed = ", ".join(str(bodies.get(pk, pk)) for pk in ids)
        return _("Membre de : %(list)s.") % {"list": listed}
    if field == "relation":
        kind = RelationType.objects.filter(code=param).first()
        others = Organisation.objects.in_bulk(ids)
        return _("Relations ajoutées (%(type)s) : %(list)s.") % {
            "type": kind.name if kind else param,
            "list": ", ".join(str(others.get(pk, pk)) for pk in ids),
        }
    service = Service.objects.filter(pk=value.get("service") or 0).first()
    return _("Capacité de « %(service)s » : %(value)s.") % {
        "service": service.title if service else "—",
        "value": added[0],
    }


def _choice_label(node: Node, spec: Spec, value: str, language: str) -> str:
    for choice in spec.choices.get(node.list_name, []):
        if choice.name == value:
            return choice.texts.get(language) or choice.texts.get("") or value
    return value


def _languages(
    proposal: Proposal, organisation: Organisation, node: Node, spec: Spec, lang: str
) -> None:
    names = dict(SpokenLanguage.choices)
    proposal.current = [str(names.get(c, c)) for c in organisation.languages]
    for value in proposal.values:
        if value in names:
            proposal.declared.append(str(names[value]))
            if value not in organisation.languages:
                proposal.new.append(value)
                proposal.new_labels.append(str(names[value]))
        else:
            proposal.ignored.append(_choice_label(node, spec, value, lang))


def _themes(
    proposal: Proposal, organisation: Organisation, node: Node, spec: Spec, lang: str
) -> None:
    themes = {theme.code: theme for theme in Theme.objects.filter(is_active=True)}
    offered = set(
        Service.objects.filter(
            organisation=organisation, status__in=CURRENT_SERVICE_STATUSES
        ).values_list("theme__code", flat=True)
    )
    proposal.current = [themes[c].name for c in sorted(offered) if c in themes]
    for value in proposal.values:
        theme = themes.get(value)
        if theme is None:
            proposal.ignored.append(_choice_label(node, spec, value, lang))
            continue
        proposal.declared.append(theme.name)
        if value not in offered:
            proposal.new.append(value)
            proposal.new_labels.append(theme.name)


def _body(
    proposal: Proposal, organisation: Organisation, node: Node, spec: Spec, lang: str
) -> None:
    ids = [int(v) for v in proposal.values if v.isdigit() and len(v) < 12]
    bodies = CoordinationBody.objects.in_bulk(ids)
    member_of = set(
        BodyMember.objects.filter(organisation=organisation).values_list(
            "body_id", flat=True
        )
    )
    proposal.current = [
        str(body)
        for body in CoordinationBody.objects.filter(pk__in=member_of).order_by("name")
    ]
    for pk in ids:
        body = bodies.get(pk)
        if body is None:
            continue
        proposal.declared.append(str(body))
        if pk not in member_of:
            proposal.new.append(str(pk))
            proposal.new_labels.append(str(body))


def _relation(
    proposal: Proposal, organisation: Organisation, node: Node, spec: Spec, lang: str
) -> None:
    ids = [int(v) for v in proposal.values if v.isdigit() and len(v) < 12]
    others = Organisation.objects.in_bulk(ids)
    kind = RelationType.objects.filter(code=proposal.target.param).first()
    if kind is None:
        proposal.problem = _("Ce type de relation n'existe plus.")
        return
    existing = {
        relation.target_id: relation
        for relation in Relation.objects.filter(
            source=organisation, type=kind
        ).select_related("target")
    }
    proposal.current = sorted(str(relation.target) for relation in existing.values())
    for pk in ids:
        other = others.get(pk)
        if other is None:
            continue
        proposal.declared.append(str(other))
        if pk == organisation.pk:
            proposal.ignored.append(str(other))
        elif pk not in existing:
            if other.is_archived:
                proposal.ignored.append(str(other))
            else:
                proposal.new.append(str(pk))
                proposal.new_labels.append(str(other))


def _capacity(
    proposal: Proposal, organisation: Organisation, node: Node, spec: Spec, lang: str
) -> None:
    services = list(
        Service.objects.filter(
            organisation=organisation,
            theme__code=proposal.target.param,
            status__in=CURRENT_SERVICE_STATUSES,
        ).order_by("title", "pk")
    )
    proposal.services = [(service.pk, service.title) for service in services]
    proposal.current = [
        f"{service.title} : {_capacity_text(service)}" for service in services
    ]
    value = proposal.values[0] if proposal.values else ""
    if not value:
        return
    proposal.declared = [value]
    if not value.isdigit() or int(value) > 2_147_483_647:
        proposal.problem = _("Une capacité est un nombre entier positif.")
    elif not services:
        proposal.problem = _(
            "Cette organisation n'a aucun service en cours de ce thème : "
            "créez-le d'abord dans le registre."
        )
    elif any(service.capacity != int(value) for service in services):
        proposal.new = [value]
        proposal.new_labels = [value]


def _capacity_text(service: Service) -> str:
    if service.capacity is None:
        return _("non renseignée")
    return f"{service.capacity} {service.capacity_unit}".strip()


_READERS = {
    "languages": _languages,
    "themes": _themes,
    "body": _body,
    "relation": _relation,
    "capacity": _capacity,
}
