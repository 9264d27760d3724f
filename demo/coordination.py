"""Coordination's part of the demo: the coordination bodies that exist, who
convenes them and who sits on them (all fictitious)."""

from dataclasses import dataclass
from typing import Any

from coordination import services as coordination_services
from coordination.models import BodyMember, CoordinationBody
from demo.keys import GOVERNORS, WALLONIA, WALLONIA_FR


@dataclass(frozen=True)
class BodySpec:
    name: str
    acronym: str
    convenors: tuple[str, ...]
    level: str
    area: tuple[str, ...]
    themes: tuple[str, ...]
    mandate: str
    formality: str
    decision_power: str
    frequency: str
    status: str
    members: tuple[tuple[str, str], ...]  # (organisation key, role)


B = CoordinationBody
CHAIR = BodyMember.Role.CHAIR
SECRETARIAT = BodyMember.Role.SECRETARIAT
MEMBER = BodyMember.Role.MEMBER
OBSERVER = BodyMember.Role.OBSERVER
BODY_NOTE = "Organe d'exemple : sa composition, son mandat et son rythme sont fictifs."

BODIES: tuple[BodySpec, ...] = (
    BodySpec(
        "Task force Ukraine — Wallonie",
        "TFU",
        ("spw-ias",),
        "regional",
        (WALLONIA,),
        (
            "data-coordination",
            "housing",
            "income-social-assistance",
            "employment-training",
            "language-learning",
            "education-childcare",
            "health",
            "information-orientation",
        ),
        "Coordonner l'action régionale d'accueil et d'intégration des personnes "
        "déplacées d'Ukraine ; suivre les besoins et les réponses par territoire.",
        B.Formality.FORMAL,
        B.DecisionPower.ADVISES,
        B.Frequency.MONTHLY,
        B.Status.ACTIVE,
        (
            ("spw-ias", CHAIR),
            ("oim", SECRETARIAT),
            ("forem", MEMBER),
            ("aviq", MEMBER),
            ("one", MEMBER),
            ("fwb", MEMBER),
            ("discri", MEMBER),
            ("uvcw", MEMBER),
            ("croix-rouge", MEMBER),
            ("fedasil", OBSERVER),
            ("unhcr", OBSERVER),
            ("iweps", OBSERVER),
        ),
    ),
    BodySpec(
        "Plateforme provinciale d'accueil — Liège",
        "",
        ("gov-liege",),
        "provincial",
        ("60000",),
        ("housing", "information-orientation", "data-coordination"),
        "Échanger sur l'hébergement et l'orientation des personnes dans la province.",
        B.Formality.SEMI_FORMAL,
        B.DecisionPower.EXCHANGES,
        B.Frequency.MONTHLY,
        B.Status.ACTIVE,
        (
            ("gov-liege", CHAIR),
            ("cripel", SECRETARIAT),
            ("ville-liege", MEMBER),
            ("cpas-liege", MEMBER),
            ("ville-verviers", MEMBER),
            ("cpas-verviers", MEMBER),
            ("crvi", MEMBER),
            ("croix-rouge", MEMBER),
            ("ua-liege", MEMBER),
            ("surya", MEMBER),
            ("mdg", OBSERVER),
        ),
    ),
    BodySpec(
        "Comité de concertation CPAS — Hainaut",
        "",
        ("uvcw",),
        "supra-local",
        ("50000",),
        ("income-social-assistance", "housing"),
        "Harmoniser les pratiques des CPAS du Hainaut pour l'aide aux bénéficiaires "
        "de la protection temporaire.",
        B.Formality.SEMI_FORMAL,
        B.DecisionPower.EXCHANGES,
        B.Frequency.QUARTERLY,
        B.Status.EXISTING,
        (
            ("cpas-charleroi", CHAIR),
            ("uvcw", SECRETARIAT),
            ("cpas-mons", MEMBER),
            ("cpas-tournai", MEMBER),
            ("cpas-la-louviere", MEMBER),
            ("spp-is", OBSERVER),
        ),
    ),
    BodySpec(
        "Plateforme locale Ukraine — Namur",
        "",
        ("ville-namur", "cpas-namur"),
        "municipal",
        ("92094",),
        (
            "information-orientation",
            "social-cohesion",
            "basic-needs",
            "language-learning",
        ),
        "Réunir les acteurs namurois autour des familles arrivées d'Ukraine.",
        B.Formality.INFORMAL,
        B.DecisionPower.EXCHANGES,
        B.Frequency.MONTHLY,
        B.Status.ACTIVE,
        (
            ("ville-namur", CHAIR),
            ("cpas-namur", SECRETARIAT),
            ("cai", MEMBER),
            ("ua-namur", MEMBER),
            ("forem", MEMBER),
            ("one", MEMBER),
            ("croix-rouge", MEMBER),
        ),
    ),
    BodySpec(
        "Groupe de travail Santé mentale et soutien psychosocial",
        "",
        ("aviq",),
        "regional",
        (WALLONIA_FR,),
        ("mental-health", "health"),
        "Partager l'offre de soutien psychosocial et repérer les manques.",
        B.Formality.INFORMAL,
        B.DecisionPower.ADVISES,
        B.Frequency.QUARTERLY,
        B.Status.DORMANT,
        (
            ("aviq", CHAIR),
            ("mdm", MEMBER),
            ("croix-rouge", MEMBER),
            ("cripel", MEMBER),
            ("ua-liege", MEMBER),
            ("one", OBSERVER),
        ),
    ),
    BodySpec(
        "Cellule de concertation fédérale Ukraine",
        "",
        ("nccn",),
        "federal",
        ("BE",),
        ("legal-status", "housing", "data-coordination"),
        "Coordonner les autorités fédérales et les gouverneurs pendant la phase "
        "d'urgence.",
        B.Formality.FORMAL,
        B.DecisionPower.DECIDES,
        B.Frequency.WEEKLY,
        B.Status.ENDED,
        (
            ("nccn", CHAIR),
            ("fedasil", MEMBER),
            ("oe", MEMBER),
            ("spp-is", MEMBER),
            ("spf-ss", MEMBER),
            *((key, MEMBER) for key in GOVERNORS),
            ("statbel", OBSERVER),
        ),
    ),
)


def body_create(builder: Any, spec: BodySpec) -> None:
    if CoordinationBody.objects.filter(name=spec.name).exists():
        return
    coordination_services.body_create(
        by=builder.by,
        fields={
            "name": spec.name,
            "acronym": spec.acronym,
            "level": builder.levels[spec.level],
            "mandate": spec.mandate,
            "formality": spec.formality,
            "decision_power": spec.decision_power,
            "frequency": spec.frequency,
            "status": spec.status,
            "description": BODY_NOTE,
        },
        convenors=[builder.orgs[key] for key in spec.convenors],
        themes=[builder.themes[code] for code in spec.themes],
        communes=builder.communes_for(spec.area),
        members=[(builder.orgs[key], role) for key, role in spec.members],
    )
    builder.summary.created["coordination bodies"] += 1


def coordination_part(builder: Any) -> None:
    """The bodies, once the register's organisations are there (`builder.orgs`)."""
    for spec in BODIES:
        body_create(builder, spec)
