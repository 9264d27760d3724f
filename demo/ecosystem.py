"""The demonstration ecosystem: a plausible map of the actors in Wallonia.

The organisations are real public bodies and well-known associations, named by
their public names, plus a few fictitious ones whose names say "(fictive)" or
"(fictif)". Everything else is invented: every person, e-mail address
(@example.org), phone number, capacity, date, relation, assessment and body
composition. Real bodies get no enterprise number (we do not copy registry facts);
the fictitious ones get obviously fake numbers (0000.000.xxx) that pass the check.

`demo_ecosystem_create` is idempotent: organisations are found by enterprise
number or by name, the rest by their natural keys, and only what is missing is
created, through the models' normal save() so that history records it.
"""

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from accounts.models import Role, User
from accounts.services import DEMO_PASSWORD
from analysis.models import BodyAssessment
from consultations.models import Response as ConsultationResponse
from consultations.models import Round
from coordination.models import CoordinationBody
from demo.analysis import BODY_ASSESSMENTS, body_assessment_part
from demo.consultations import KEY as CONSULTATION_KEY
from demo.consultations import consultations_part
from demo.coordination import BODIES, coordination_part
from demo.keys import BRUSSELS, CRI_KEYS, GOVERNORS, WALLONIA, WALLONIA_DE, WALLONIA_FR
from demo.meetings import NOTE as MEETING_NOTE
from demo.meetings import meetings_part
from demo.population import population_part
from meetings.models import Action, Meeting
from register import services as register_services
from register.models import (
    Assessment,
    Contact,
    Organisation,
    Relation,
    Service,
)
from register.search import search_text
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)
from territory.models import (
    Arrondissement,
    Commune,
    PopulationFigure,
    PostalCode,
    Province,
    Region,
)

D = datetime.date

# Area tokens: "BE" (every commune loaded), or a region, province, arrondissement
# or commune NIS code, optionally ":fr" / ":de" for its communes of that language
# area. Codes that are not loaded (Brussels, by default) simply add nothing.

ALL_LANGUAGES = ("fr", "nl", "de", "en")
# The start date of services that do not say otherwise.
TP_RESPONSE_START = D(2022, 3, 21)
FICTITIOUS_NOTE = "Organisation fictive, créée pour la démonstration."


def fictitious_enterprise_number(n: int) -> str:
    """0000.000.nnn with valid check digits: passes the mod-97 check, obviously fake."""
    return f"{n:08d}{97 - n % 97:02d}"


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    actor_type: str
    level: str
    sector: str
    area: tuple[str, ...]
    acronym: str = ""
    name_fr: str = ""
    name_nl: str = ""
    name_de: str = ""
    seat: str = ""  # NIS code of the commune of the seat, when it is loaded
    languages: tuple[str, ...] = ("fr",)
    website: str = ""
    description: str = ""
    parent: str = ""
    enterprise_number: str = ""
    email: str = ""
    phone: str = ""
    published: bool = True


@dataclass(frozen=True)
class ServiceSpec:
    org: str
    title: str
    theme: str
    subtheme: str
    description: str
    # Area tokens, or "seat" (the organisation's commune) or "area" (its area).
    communes: tuple[str, ...] = ("seat",)
    target_groups: tuple[str, ...] = ("all-temporary-protection",)
    delivery_mode: str = Service.DeliveryMode.ON_SITE
    access: str = Service.Access.APPOINTMENT
    cost: str = Service.Cost.FREE
    languages: tuple[str, ...] = ("fr",)
    capacity: int | None = None
    capacity_unit: str = ""
    status: str = Service.Status.ONGOING
    start: datetime.date | None = TP_RESPONSE_START
    end: datetime.date | None = None
    published: bool = True
    eligibility: str = ""
    referral_how: str = ""
    opening_hours: str = ""
    funders: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationSpec:
    source: str
    target: str
    type: str
    themes: tuple[str, ...]
    frequency: str
    formal: bool
    since: datetime.date
    declared_by: str = "source"  # "source", "target" or ""
    note: str = ""


# --------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------

INSTITUTIONS: tuple[OrgSpec, ...] = (
    # International
    OrgSpec(
        "oim",
        "OIM Belgique et Luxembourg",
        "international-organisation",
        "international",
        "international",
        ("BE",),
        acronym="OIM",
        name_fr="Organisation internationale pour les migrations — Bureau pour la "
        "Belgique et le Luxembourg",
        name_nl="Internationale Organisatie voor Migratie — België en Luxemburg",
        languages=("fr", "nl", "en", "uk", "ru"),
        description="Agence des Nations unies chargée des migrations ; appuie la "
        "coordination de l'accueil et de l'intégration.",
    ),
    OrgSpec(
        "unhcr",
        "UNHCR Belgique",
        "international-organisation",
        "international",
        "international",
        ("BE",),
        acronym="HCR",
        name_fr="Haut Commissariat des Nations unies pour les réfugiés — Belgique",
        name_nl="UNHCR België",
        languages=("fr", "nl", "en"),
        description="Agence des Nations unies pour les réfugiés.",
    ),
    # Federal
    OrgSpec(
        "oe",
        "Office des étrangers",
        "federal-agency",
        "federal",
        "public",
        ("BE",),
        acronym="OE",
        name_fr="Office des étrangers",
        name_nl="Dienst Vreemdelingenzaken",
        name_de="Ausländeramt",
        languages=ALL_LANGUAGES,
        description="Enregistre les personnes et délivre l'attestation de protection "
        "temporaire.",
    ),
    OrgSpec(
        "fedasil",
        "Fedasil",
        "federal-agency",
        "federal",
        "public",
        ("BE",),
        name_fr="Agence fédérale pour l'accueil des demandeurs d'asile",
        name_nl="Federaal agentschap voor de opvang van asielzoekers",
        name_de="Föderalagentur für die Aufnahme von Asylsuchenden",
        languages=ALL_LANGUAGES,
        website="https://www.fedasil.be",
        description="Agence fédérale de l'accueil ; a organisé l'hébergement "
        "d'urgence à l'arrivée des personnes déplacées d'Ukraine.",
    ),
    OrgSpec(
        "spp-is",
        "SPP Intégration sociale",
        "federal-agency",
        "federal",
        "public",
        ("BE",),
        acronym="SPP IS",
        name_fr="Service public fédéral de programmation Intégration sociale",
        name_nl="POD Maatschappelijke Integratie",
        name_de="ÖPD Sozialeingliederung",
        languages=ALL_LANGUAGES,
        website="https://www.mi-is.be",
        description="Finance l'aide sociale et le revenu d'intégration accordés par "
        "les CPAS.",
    ),
    OrgSpec(
        "spf-ss",
        "SPF Sécurité sociale",
        "federal-agency",
        "federal",
        "public",
        ("BE",),
        name_fr="Service public fédéral Sécurité sociale",
        name_nl="FOD Sociale Zekerheid",
        name_de="FÖD Soziale Sicherheit",
        languages=ALL_LANGUAGES,
        description="Administration fédérale de la sécurité sociale.",
    ),
    OrgSpec(
        "nccn",
        "Centre de crise national",
        "federal-agency",
        "federal",
        "public",
        ("BE",),
        acronym="NCCN",
        name_fr="Centre de crise national",
        name_nl="Nationaal Crisiscentrum",
        name_de="Nationales Krisenzentrum",
        languages=ALL_LANGUAGES,
        description="Coordination fédérale de la gestion de crise.",
    ),
    OrgSpec(
        "statbel",
        "Statbel",
        "federal-agency",
        "federal",
        "public",
        ("BE",),
        name_fr="Statbel, l'office belge de statistique",
        name_nl="Statbel, het Belgische statistiekbureau",
        name_de="Statbel, das belgische Statistikamt",
        languages=ALL_LANGUAGES,
        website="https://statbel.fgov.be",
        description="Office belge de statistique ; publie les codes et les chiffres "
        "de population des communes.",
    ),
    # Communities
    OrgSpec(
        "fwb",
        "Fédération Wallonie-Bruxelles",
        "community-administration",
        "community",
        "public",
        (WALLONIA_FR, BRUSSELS),
        acronym="FWB",
        name_fr="Fédération Wallonie-Bruxelles",
        languages=("fr",),
        description="Communauté française : enseignement (dont les classes DASPA), "
        "petite enfance, équivalence des diplômes.",
    ),
    OrgSpec(
        "one",
        "Office de la Naissance et de l'Enfance",
        "community-administration",
        "community",
        "public",
        (WALLONIA_FR, BRUSSELS),
        acronym="ONE",
        name_fr="Office de la Naissance et de l'Enfance",
        languages=("fr",),
        website="https://www.one.be",
        description="Consultations pour enfants, accueil de la petite enfance.",
    ),
    OrgSpec(
        "mdg",
        "Ministerium der Deutschsprachigen Gemeinschaft",
        "community-administration",
        "community",
        "public",
        (WALLONIA_DE,),
        acronym="MDG",
        name_fr="Ministère de la Communauté germanophone",
        name_de="Ministerium der Deutschsprachigen Gemeinschaft",
        seat="63023",
        languages=("de", "fr"),
        description="Administration de la Communauté germanophone (Ostbelgien), "
        "compétente pour l'intégration dans ses neuf communes.",
    ),
    # Region
    OrgSpec(
        "spw-ias",
        "SPW Intérieur et Action sociale",
        "regional-administration",
        "regional",
        "public",
        (WALLONIA,),
        acronym="SPW IAS",
        name_fr="Service public de Wallonie Intérieur et Action sociale",
        name_nl="Waalse Overheidsdienst Binnenlandse Zaken en Sociale Actie",
        name_de="Öffentlicher Dienst der Wallonie Inneres und Soziale Maßnahmen",
        seat="92094",
        languages=("fr", "de"),
        description="Politique d'intégration des personnes étrangères : agrée et "
        "subventionne les centres régionaux et les initiatives locales d'intégration.",
    ),
    OrgSpec(
        "forem",
        "Le Forem",
        "public-employment-service",
        "regional",
        "public",
        (WALLONIA_FR,),
        acronym="Forem",
        name_fr="Office wallon de la formation professionnelle et de l'emploi",
        seat="52011",
        languages=("fr",),
        website="https://www.leforem.be",
        description="Service public wallon de l'emploi et de la formation.",
    ),
    OrgSpec(
        "aviq",
        "AViQ",
        "regional-administration",
        "regional",
        "public",
        (WALLONIA_FR,),
        name_fr="Agence wallonne pour une vie de qualité",
        seat="52011",
        languages=("fr",),
        website="https://www.aviq.be",
        description="Santé, handicap et allocations familiales en Wallonie.",
    ),
    OrgSpec(
        "iweps",
        "IWEPS",
        "regional-administration",
        "regional",
        "public",
        (WALLONIA,),
        name_fr="Institut wallon de l'évaluation, de la prospective et de la "
        "statistique",
        seat="92094",
        languages=("fr",),
        website="https://www.iweps.be",
        description="Institut régional de statistique et d'évaluation.",
    ),
    OrgSpec(
        "spw-logement",
        "SPW Logement",
        "regional-administration",
        "regional",
        "public",
        (WALLONIA,),
        name_fr="Service public de Wallonie — Logement",
        seat="92094",
        languages=("fr",),
        description="Politique régionale du logement.",
    ),
    # Provinces: the governors' services
    OrgSpec(
        "gov-bw",
        "Services du Gouverneur du Brabant wallon",
        "province",
        "provincial",
        "public",
        ("20002",),
        name_fr="Services du Gouverneur de la province du Brabant wallon",
        seat="25112",
        description="Ont réparti l'hébergement collectif dans la province.",
    ),
    OrgSpec(
        "gov-hainaut",
        "Services du Gouverneur du Hainaut",
        "province",
        "provincial",
        "public",
        ("50000",),
        name_fr="Services du Gouverneur de la province de Hainaut",
        seat="53053",
        description="Ont réparti l'hébergement collectif dans la province.",
    ),
    OrgSpec(
        "gov-liege",
        "Services du Gouverneur de la province de Liège",
        "province",
        "provincial",
        "public",
        ("60000",),
        name_fr="Services du Gouverneur de la province de Liège",
        seat="62063",
        languages=("fr", "de"),
        description="Ont réparti l'hébergement collectif dans la province.",
    ),
    OrgSpec(
        "gov-lux",
        "Services du Gouverneur du Luxembourg",
        "province",
        "provincial",
        "public",
        ("80000",),
        name_fr="Services du Gouverneur de la province de Luxembourg",
        seat="81001",
        description="Ont réparti l'hébergement collectif dans la province.",
    ),
    OrgSpec(
        "gov-namur",
        "Services du Gouverneur de la province de Namur",
        "province",
        "provincial",
        "public",
        ("90000",),
        name_fr="Services du Gouverneur de la province de Namur",
        seat="92094",
        description="Ont réparti l'hébergement collectif dans la province.",
    ),
    # The integration sector: eight regional integration centres and DisCRI.
    # Their areas here are indicative, for the demonstration.
    OrgSpec(
        "cribw",
        "CRIBW",
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        ("20002",),
        acronym="CRIBW",
        name_fr="Centre régional d'intégration du Brabant wallon",
        seat="25072",
        description="Centre régional d'intégration agréé par la Wallonie.",
    ),
    OrgSpec(
        "cric",
        "CRIC",
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        ("52000", "56000"),
        acronym="CRIC",
        name_fr="Centre régional d'intégration de Charleroi",
        seat="52011",
        description="Centre régional d'intégration agréé par la Wallonie.",
    ),
    OrgSpec(
        "ceraic",
        "CeRAIC",
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        ("58000", "55000"),
        acronym="CeRAIC",
        name_fr="Centre régional d'action interculturelle du Centre",
        seat="58001",
        description="Centre régional d'intégration agréé par la Wallonie.",
    ),
    OrgSpec(
        "cimb",
        "CIMB",
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        ("53000", "51000", "57000"),
        acronym="CIMB",
        name_fr="Centre interculturel de Mons et du Borinage",
        seat="53070",
        description="Centre régional d'intégration agréé par la Wallonie.",
    ),
    OrgSpec(
        "cai",
        "CAI",
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        ("90000",),
        acronym="CAI",
        name_fr="Centre d'action interculturelle de la province de Namur",
        seat="92094",
        description="Centre régional d'intégration agréé par la Wallonie.",
    ),
    OrgSpec(
        "cripel",
        "CRIPEL",
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        ("61000", "62000", "64000"),
        acronym="CRIPEL",
        name_fr="Centre régional pour l'intégration des personnes étrangères ou "
        "d'origine étrangère de Liège",
        seat="62063",
        languages=("fr", "uk", "ru"),
        description="Centre régional d'intégration agréé par la Wallonie.",
    ),
    OrgSpec(
        "crvi",
        "CRVI",
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        ("63000:fr",),
        acronym="CRVI",
        name_fr="Centre régional de Verviers pour l'intégration",
        seat="63079",
        description="Centre régional d'intégration agréé par la Wallonie.",
    ),
    OrgSpec(
        "crilux",
        "CRILux",
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        ("80000",),
        acronym="CRILux",
        name_fr="Centre régional d'intégration de la province de Luxembourg",
        seat="84077",
        description="Centre régional d'intégration agréé par la Wallonie.",
    ),
    OrgSpec(
        "discri",
        "DisCRI",
        "federation-network",
        "non-governmental",
        "non-profit",
        (WALLONIA_FR,),
        acronym="DisCRI",
        name_fr="Dispositif de concertation et d'appui aux centres régionaux "
        "d'intégration",
        description="Coordonne et appuie les huit centres régionaux d'intégration.",
    ),
    OrgSpec(
        "uvcw",
        "Fédération des CPAS (UVCW)",
        "federation-network",
        "supra-local",
        "non-profit",
        (WALLONIA,),
        acronym="UVCW",
        name_fr="Fédération des CPAS de l'Union des Villes et Communes de Wallonie",
        seat="92094",
        website="https://www.uvcw.be",
        description="Fédère et conseille les CPAS wallons.",
    ),
    # Associations and networks
    OrgSpec(
        "croix-rouge",
        "Croix-Rouge de Belgique",
        "association",
        "non-governmental",
        "non-profit",
        (WALLONIA, BRUSSELS),
        name_nl="Rode Kruis België",
        name_de="Belgisches Rotes Kreuz",
        languages=("fr", "de", "en", "uk", "ru"),
        website="https://www.croix-rouge.be",
        description="Accueil, aide matérielle, soutien psychosocial, rétablissement "
        "des liens familiaux.",
    ),
    OrgSpec(
        "caritas",
        "Caritas International",
        "association",
        "non-governmental",
        "non-profit",
        ("BE",),
        name_fr="Caritas International Belgique",
        languages=("fr", "nl", "en"),
        description="Accompagnement social, logement et familles hébergeuses.",
    ),
    OrgSpec(
        "cire",
        "CIRÉ",
        "association",
        "non-governmental",
        "non-profit",
        (WALLONIA, BRUSSELS),
        acronym="CIRÉ",
        name_fr="Coordination et initiatives pour réfugiés et étrangers",
        languages=("fr", "en"),
        website="https://www.cire.be",
        description="Coordination d'associations ; information juridique et "
        "formations.",
    ),
    OrgSpec(
        "mdm",
        "Médecins du Monde",
        "association",
        "non-governmental",
        "non-profit",
        ("BE",),
        name_nl="Dokters van de Wereld",
        languages=("fr", "nl", "en", "uk", "ru"),
        description="Soins de santé et soutien psychologique pour les personnes "
        "exclues des soins.",
    ),
    OrgSpec(
        "surya",
        "Sürya",
        "association",
        "non-governmental",
        "non-profit",
        (WALLONIA,),
        seat="62063",
        languages=("fr", "en"),
        description="Centre spécialisé dans l'accueil et l'accompagnement des "
        "victimes de la traite des êtres humains en Wallonie.",
    ),
)

# A sample of communes: (key, NIS, commune's name, CPAS name, regional centre key)
MUNICIPALITIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("liege", "62063", "Ville de Liège", "CPAS de Liège", "cripel"),
    ("namur", "92094", "Ville de Namur", "CPAS de Namur", "cai"),
    ("charleroi", "52011", "Ville de Charleroi", "CPAS de Charleroi", "cric"),
    ("mons", "53053", "Ville de Mons", "CPAS de Mons", "cimb"),
    ("eupen", "63023", "Ville d'Eupen", "CPAS d'Eupen", ""),
    ("arlon", "81001", "Ville d'Arlon", "CPAS d'Arlon", "crilux"),
    ("wavre", "25112", "Ville de Wavre", "CPAS de Wavre", "cribw"),
    ("verviers", "63079", "Ville de Verviers", "CPAS de Verviers", "crvi"),
    ("tournai", "57081", "Ville de Tournai", "CPAS de Tournai", "cimb"),
    ("la-louviere", "58001", "Ville de La Louvière", "CPAS de La Louvière", "ceraic"),
    ("bastogne", "82039", "Ville de Bastogne", "CPAS de Bastogne", "crilux"),
    (
        "ottignies",
        "25121",
        "Ville d'Ottignies-Louvain-la-Neuve",
        "CPAS d'Ottignies-Louvain-la-Neuve",
        "cribw",
    ),
)


def _municipal_specs() -> list[OrgSpec]:
    specs = []
    for key, nis, town, cpas, _ in MUNICIPALITIES:
        german = key == "eupen"
        languages = ("de", "fr") if german else ("fr",)
        specs.append(
            OrgSpec(
                f"ville-{key}",
                town,
                "commune",
                "municipal",
                "public",
                (nis,),
                name_fr=town,
                name_de="Stadt Eupen" if german else "",
                seat=nis,
                languages=languages,
                description="Administration communale : population, cohésion sociale, "
                "coordination locale.",
            )
        )
        specs.append(
            OrgSpec(
                f"cpas-{key}",
                cpas,
                "cpas",
                "municipal",
                "public",
                (nis,),
                acronym="ÖSHZ" if german else "CPAS",
                name_fr=cpas,
                name_de="Öffentliches Sozialhilfezentrum Eupen" if german else "",
                seat=nis,
                languages=languages,
                description="Centre public d'action sociale : enquête sociale, aide "
                "sociale et revenu d'intégration, logement.",
            )
        )
    return specs


FICTITIOUS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "ua-liege",
        "Association ukrainienne de Liège (fictive)",
        "ukrainian-community-association",
        "non-governmental",
        "community-based",
        ("62000",),
        seat="62063",
        languages=("uk", "ru", "fr"),
        enterprise_number=fictitious_enterprise_number(1),
        email="ua.liege@example.org",
        phone="+32 0 000 00 01",
        description=FICTITIOUS_NOTE,
    ),
    OrgSpec(
        "ua-liege-verviers",
        "Association ukrainienne de Liège (fictive) — antenne de Verviers",
        "ukrainian-community-association",
        "non-governmental",
        "community-based",
        ("63079",),
        seat="63079",
        languages=("uk", "ru", "fr"),
        parent="ua-liege",
        email="ua.verviers@example.org",
        phone="+32 0 000 00 02",
        description=FICTITIOUS_NOTE,
    ),
    OrgSpec(
        "ua-namur",
        "Association ukrainienne de Namur (fictive)",
        "ukrainian-community-association",
        "non-governmental",
        "community-based",
        ("92094",),
        seat="92094",
        languages=("uk", "ru", "fr", "en"),
        enterprise_number=fictitious_enterprise_number(2),
        email="ua.namur@example.org",
        phone="+32 0 000 00 03",
        description=FICTITIOUS_NOTE,
    ),
    OrgSpec(
        "ili-charleroi",
        "Initiative locale d'intégration « Langues et citoyenneté » — Charleroi "
        "(fictive)",
        "local-integration-initiative",
        "non-governmental",
        "non-profit",
        ("52011",),
        acronym="ILI",
        seat="52011",
        languages=("fr", "uk"),
        enterprise_number=fictitious_enterprise_number(3),
        email="ili.charleroi@example.org",
        phone="+32 0 000 00 04",
        description=FICTITIOUS_NOTE,
    ),
    OrgSpec(
        "familles-bw",
        "Réseau des familles hébergeuses du Brabant wallon (fictif)",
        "host-family-network",
        "non-governmental",
        "community-based",
        ("20002",),
        seat="25112",
        languages=("fr", "en", "uk"),
        email="familles.bw@example.org",
        phone="+32 0 000 00 05",
        description="Réseau fictif, créé pour la démonstration.",
    ),
    OrgSpec(
        "centre-bastogne",
        "Centre d'hébergement collectif « Les Tilleuls » — Bastogne (fictif)",
        "private-operator",
        "private",
        "private",
        ("82039",),
        seat="82039",
        languages=("fr", "en"),
        enterprise_number=fictitious_enterprise_number(4),
        email="les.tilleuls@example.org",
        phone="+32 0 000 00 06",
        published=False,
        description="Opérateur fictif, créé pour la démonstration.",
    ),
)


def organisation_specs() -> list[OrgSpec]:
    # Parents come before their children.
    return [*INSTITUTIONS, *_municipal_specs(), *FICTITIOUS]


# --------------------------------------------------------------------------
# Services (every capacity, date and opening hour is invented)
# --------------------------------------------------------------------------

TP = "all-temporary-protection"
SEAT = ("seat",)
AREA = ("area",)
UA = ("fr", "uk", "ru")
RI_TITLE = "Enquête sociale et revenu d'intégration"
RI_DESCRIPTION = (
    "Enquête sociale, puis revenu d'intégration ou aide sociale équivalente pour les "
    "personnes inscrites dans la commune ; orientation vers les autres aides."
)
CPAS_EXTRA: dict[str, tuple[str, str, str, str]] = {
    # key: (title, theme, sub-theme, description)
    "liege": (
        "Aide à la recherche d'un logement et garantie locative",
        "housing",
        "private-rental-support",
        "Recherche d'un logement privé, avance de la garantie locative, premier "
        "équipement.",
    ),
    "namur": (
        "Aide alimentaire et colis d'urgence",
        "basic-needs",
        "food-aid",
        "Colis alimentaires et bons d'achat pour les ménages en attente d'un revenu.",
    ),
    "charleroi": (
        "Affiliation à une mutualité et frais médicaux",
        "health",
        "health-insurance",
        "Aide à l'affiliation à une mutualité et prise en charge des frais médicaux "
        "urgents.",
    ),
    "verviers": (
        "Soutien psychosocial",
        "mental-health",
        "psychosocial-support",
        "Entretiens individuels avec un·e psychologue et orientation vers les "
        "services de santé mentale.",
    ),
    "la-louviere": (
        "Logement de transit",
        "housing",
        "emergency-housing",
        "Logements de transit pour les ménages sans solution d'hébergement.",
    ),
    "bastogne": (
        "Aide matérielle et premier équipement",
        "basic-needs",
        "material-aid",
        "Mobilier, électroménager et équipement de base pour un premier logement.",
    ),
}
REGISTRATION = (
    "Inscription au registre des étrangers et carte A",
    "Inscription des personnes sous protection temporaire et délivrance du titre de "
    "séjour (carte A) ; changement d'adresse.",
)


def _municipal_services() -> list[ServiceSpec]:
    specs: list[ServiceSpec] = []
    for index, (key, _, _, _, _) in enumerate(MUNICIPALITIES):
        german = key == "eupen"
        languages = ("de", "fr") if german else ("fr", "uk") if index % 2 else ("fr",)
        specs.append(
            ServiceSpec(
                f"cpas-{key}",
                RI_TITLE,
                "income-social-assistance",
                "social-integration-income",
                RI_DESCRIPTION,
                languages=languages,
                eligibility="Attestation de protection temporaire et inscription dans "
                "la commune.",
                opening_hours="Du lundi au vendredi, de 9 h à 12 h (fictif).",
                start=D(2022, 3, 14 + index % 10),
                published=index != 4,
                funders=("spp-is",),
            )
        )
        if key in CPAS_EXTRA:
            title, theme, subtheme, description = CPAS_EXTRA[key]
            specs.append(
                ServiceSpec(
                    f"cpas-{key}",
                    title,
                    theme,
                    subtheme,
                    description,
                    languages=languages,
                    status=(
                        Service.Status.SUSPENDED
                        if key == "la-louviere"
                        else Service.Status.ONGOING
                    ),
                    capacity=12 if key == "la-louviere" else None,
                    capacity_unit="logements" if key == "la-louviere" else "",
                    start=D(2022, 4, 4 + index),
                )
            )
    for index, key in enumerate(("liege", "namur", "charleroi", "mons", "eupen")):
        specs.append(
            ServiceSpec(
                f"ville-{key}",
                REGISTRATION[0],
                "legal-status",
                "residence-permit",
                REGISTRATION[1],
                access=Service.Access.APPOINTMENT,
                languages=("de", "fr") if key == "eupen" else ("fr",),
                start=D(2022, 3, 10 + index),
                opening_hours="Sur rendez-vous (fictif).",
            )
        )
    for key, start in (("liege", D(2023, 1, 9)), ("tournai", D(2023, 9, 4))):
        specs.append(
            ServiceSpec(
                f"ville-{key}",
                "Plan de cohésion sociale — rencontres et entraide",
                "social-cohesion",
                "meeting-mutual-aid",
                "Rencontres conviviales entre habitant·es et personnes déplacées, "
                "activités pour les familles.",
                access=Service.Access.WALK_IN,
                target_groups=(TP, "host-families"),
                start=start,
            )
        )
    return specs


def _integration_services() -> list[ServiceSpec]:
    specs = [
        ServiceSpec(
            key,
            "Parcours d'intégration — module d'accueil",
            "information-orientation",
            "integration-pathway",
            "Bilan social, information sur les droits et devoirs, orientation vers "
            "les cours de français et la citoyenneté.",
            communes=AREA,
            languages=UA if key in ("cripel", "cai", "cric") else ("fr",),
            start=D(2022, 5, 2),
            funders=("spw-ias",),
        )
        for key in ("cribw", "cric", "ceraic", "cimb", "cai", "cripel", "crvi")
    ]
    specs += [
        ServiceSpec(
            "crilux",
            "Parcours d'intégration — module d'accueil",
            "information-orientation",
            "integration-pathway",
            "Bilan social et orientation, avec permanences décentralisées.",
            communes=AREA,
            delivery_mode=Service.DeliveryMode.MOBILE,
            start=D(2022, 5, 2),
            funders=("spw-ias",),
        ),
        ServiceSpec(
            "cripel",
            "Permanence juridique en droit des étrangers",
            "legal-aid",
            "immigration-law-advice",
            "Premiers conseils sur la protection temporaire, le changement de statut "
            "et le regroupement familial.",
            access=Service.Access.WALK_IN,
            languages=UA,
            target_groups=(TP, "third-country-nationals"),
            opening_hours="Mardi de 13 h à 16 h (fictif).",
            start=D(2022, 4, 5),
        ),
        ServiceSpec(
            "cai",
            "Interprétariat en milieu social",
            "information-orientation",
            "interpretation",
            "Interprètes en ukrainien et en russe pour les entretiens dans les "
            "services sociaux et de santé.",
            communes=AREA,
            delivery_mode=Service.DeliveryMode.MIXED,
            access=Service.Access.REFERRAL,
            languages=UA,
            target_groups=("front-line-workers",),
            referral_how="Demande par le service social, au moins deux jours avant.",
            start=D(2022, 4, 11),
        ),
        ServiceSpec(
            "cric",
            "Cours de français langue étrangère",
            "language-learning",
            "french-courses",
            "Cours de français en journée et en soirée, du niveau débutant au "
            "niveau B1.",
            languages=("fr",),
            capacity=90,
            capacity_unit="places par session",
            start=D(2022, 9, 5),
            funders=("spw-ias",),
        ),
    ]
    return specs


OTHER_SERVICES: tuple[ServiceSpec, ...] = (
    # Federal
    ServiceSpec(
        "oe",
        "Enregistrement et attestation de protection temporaire",
        "legal-status",
        "tp-certificate",
        "Enregistrement des personnes fuyant l'Ukraine et délivrance de l'attestation "
        "de protection temporaire.",
        communes=AREA,
        languages=("fr", "nl", "en", "uk"),
        target_groups=(TP, "third-country-nationals"),
        start=D(2022, 3, 7),
    ),
    ServiceSpec(
        "fedasil",
        "Hébergement d'urgence des personnes déplacées",
        "housing",
        "emergency-housing",
        "Places d'hébergement d'urgence à l'arrivée, avant l'orientation vers un "
        "logement.",
        communes=AREA,
        status=Service.Status.ENDED,
        capacity=1500,
        capacity_unit="places",
        start=D(2022, 3, 7),
        end=D(2023, 6, 30),
        published=False,
    ),
    ServiceSpec(
        "fedasil",
        "Programme de retour volontaire",
        "legal-status",
        "voluntary-return",
        "Information et aide au retour volontaire, sur demande.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        languages=("fr", "nl", "en", "uk", "ru"),
        start=D(2022, 6, 1),
    ),
    ServiceSpec(
        "spp-is",
        "Remboursement aux CPAS de l'aide aux personnes sous protection temporaire",
        "income-social-assistance",
        "social-integration-income",
        "Prise en charge par l'État fédéral du revenu d'intégration accordé par les "
        "CPAS.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        target_groups=("front-line-workers",),
        start=D(2022, 3, 21),
        published=False,
    ),
    ServiceSpec(
        "spf-ss",
        "Information sur les droits sociaux des personnes déplacées",
        "information-orientation",
        "digital-information",
        "Pages d'information sur la sécurité sociale, l'emploi et les allocations.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        access=Service.Access.WALK_IN,
        languages=("fr", "nl", "de", "en", "uk"),
        start=D(2022, 3, 15),
    ),
    ServiceSpec(
        "nccn",
        "Cellule d'information et de coordination Ukraine",
        "data-coordination",
        "stakeholder-coordination",
        "Centralisation des informations et coordination des autorités pendant la "
        "phase d'urgence.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        target_groups=("front-line-workers",),
        status=Service.Status.ENDED,
        start=D(2022, 3, 1),
        end=D(2022, 12, 31),
        published=False,
    ),
    ServiceSpec(
        "statbel",
        "Statistiques de population par commune",
        "data-coordination",
        "statistics-monitoring",
        "Chiffres de population et codes des communes, publiés en données ouvertes.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        access=Service.Access.WALK_IN,
        target_groups=("front-line-workers",),
        start=D(2022, 3, 4),
        published=False,
    ),
    # Communities
    ServiceSpec(
        "fwb",
        "Classes DASPA",
        "education-childcare",
        "daspa-reception-classes",
        "Dispositif d'accueil et de scolarisation des élèves primo-arrivants, dans "
        "les écoles qui l'organisent.",
        communes=("62063", "92094", "52011", "53053", "63079", "57081"),
        target_groups=("children", "unaccompanied-minors"),
        capacity=480,
        capacity_unit="élèves",
        start=D(2022, 4, 19),
    ),
    ServiceSpec(
        "fwb",
        "Équivalence des diplômes",
        "employment-training",
        "diploma-recognition",
        "Demande d'équivalence d'un diplôme d'études obtenu en Ukraine.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        cost=Service.Cost.CONTRIBUTION,
        start=D(2022, 4, 1),
    ),
    ServiceSpec(
        "one",
        "Consultations pour enfants",
        "health",
        "maternal-child-health",
        "Suivi préventif de la santé des enfants de 0 à 6 ans et vaccinations.",
        communes=("62063", "92094", "52011", "53053", "81001", "25112", "63079"),
        target_groups=("children", "single-parent-families"),
        start=D(2022, 3, 28),
    ),
    ServiceSpec(
        "one",
        "Accueil de la petite enfance — places d'urgence",
        "education-childcare",
        "early-childhood-care",
        "Places d'accueil réservées aux enfants de familles nouvellement arrivées.",
        communes=("62063", "52011", "92094"),
        target_groups=("children", "single-parent-families"),
        status=Service.Status.PLANNED,
        capacity=40,
        capacity_unit="places",
        start=D(2027, 1, 11),
    ),
    ServiceSpec(
        "mdg",
        "Integrationsparcours — parcours d'intégration en Communauté germanophone",
        "information-orientation",
        "integration-pathway",
        "Accueil, information et orientation dans les neuf communes germanophones.",
        communes=AREA,
        languages=("de", "fr", "uk"),
        start=D(2022, 4, 25),
    ),
    ServiceSpec(
        "mdg",
        "Deutschkurse — cours d'allemand",
        "language-learning",
        "german-courses",
        "Cours d'allemand pour adultes, du niveau débutant au niveau B1.",
        communes=("63023", "63067"),
        languages=("de",),
        capacity=60,
        capacity_unit="places",
        start=D(2022, 9, 12),
    ),
    # Region
    ServiceSpec(
        "spw-ias",
        "Agrément et subventionnement des initiatives locales d'intégration",
        "data-coordination",
        "stakeholder-coordination",
        "Appels à projets, agrément et suivi des initiatives locales d'intégration.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        target_groups=("front-line-workers",),
        start=D(2022, 6, 1),
        published=False,
    ),
    ServiceSpec(
        "forem",
        "Accompagnement à la recherche d'emploi",
        "employment-training",
        "job-search",
        "Inscription comme demandeur·euse d'emploi, bilan de compétences et "
        "accompagnement individuel.",
        communes=("62063", "92094", "52011", "53053", "57081", "58001", "81001"),
        languages=("fr", "en", "uk"),
        start=D(2022, 4, 4),
    ),
    ServiceSpec(
        "forem",
        "Formation professionnelle qualifiante",
        "employment-training",
        "vocational-training",
        "Formations qualifiantes dans les métiers en pénurie, avec un module de "
        "français.",
        communes=("62063", "52011", "92094"),
        capacity=120,
        capacity_unit="places par an",
        start=D(2022, 10, 3),
    ),
    ServiceSpec(
        "forem",
        "Cours de français orientés métier",
        "language-learning",
        "french-courses",
        "Français langue étrangère appliqué à un secteur (construction, soins, "
        "horeca).",
        communes=("62063", "52011"),
        status=Service.Status.PLANNED,
        capacity=48,
        capacity_unit="places",
        start=D(2027, 2, 1),
    ),
    ServiceSpec(
        "aviq",
        "Allocations familiales — information et orientation",
        "income-social-assistance",
        "family-allowances",
        "Information sur le droit aux allocations familiales et orientation vers "
        "les caisses.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        access=Service.Access.WALK_IN,
        target_groups=("children", "single-parent-families"),
        start=D(2022, 4, 1),
    ),
    ServiceSpec(
        "aviq",
        "Soutien aux personnes en situation de handicap",
        "health",
        "disability-support",
        "Information, reconnaissance du handicap et orientation vers les services "
        "d'aide.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.MIXED,
        target_groups=("people-with-disabilities", "older-people"),
        start=D(2022, 5, 16),
    ),
    ServiceSpec(
        "iweps",
        "Indicateurs sur l'accueil des personnes déplacées",
        "data-coordination",
        "statistics-monitoring",
        "Tableaux statistiques par commune pour le pilotage régional.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        target_groups=("front-line-workers",),
        start=D(2023, 2, 1),
        published=False,
    ),
    ServiceSpec(
        "spw-logement",
        "Aides régionales au logement",
        "housing",
        "social-housing",
        "Information sur le logement public et les aides régionales à la location.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        start=D(2022, 6, 1),
    ),
    # Provinces: collective accommodation, mostly over now
    *(
        ServiceSpec(
            key,
            "Coordination des places d'hébergement collectif",
            "housing",
            "collective-accommodation",
            "Recensement et attribution des places d'hébergement collectif avec les "
            "communes.",
            communes=AREA,
            target_groups=(TP, "front-line-workers"),
            status=status,
            capacity=capacity,
            capacity_unit="places",
            start=D(2022, 3, 18),
            end=D(2023, 12, 31) if status == Service.Status.ENDED else None,
            published=False,
        )
        for key, status, capacity in (
            ("gov-bw", Service.Status.ENDED, 250),
            ("gov-hainaut", Service.Status.ENDED, 900),
            ("gov-liege", Service.Status.SUSPENDED, 700),
            ("gov-lux", Service.Status.ENDED, 300),
            ("gov-namur", Service.Status.SUSPENDED, 400),
        )
    ),
    # Associations
    ServiceSpec(
        "croix-rouge",
        "Rétablissement des liens familiaux",
        "family-tracing",
        "missing-persons",
        "Recherche de proches disparus ou dont on est sans nouvelles.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        languages=("fr", "en", "uk", "ru"),
        start=D(2022, 3, 4),
    ),
    ServiceSpec(
        "croix-rouge",
        "Vestiboutiques et aide matérielle",
        "basic-needs",
        "clothing",
        "Vêtements et matériel de première nécessité à petit prix ou gratuitement.",
        communes=("62063", "92094", "52011", "81001"),
        access=Service.Access.WALK_IN,
        cost=Service.Cost.CONTRIBUTION,
        start=D(2022, 3, 10),
    ),
    ServiceSpec(
        "croix-rouge",
        "Soutien psychosocial",
        "mental-health",
        "psychosocial-support",
        "Groupes de parole et entretiens individuels, avec interprète si besoin.",
        communes=("62063", "52011", "53053"),
        languages=UA,
        target_groups=(TP, "children", "women-at-risk"),
        start=D(2022, 4, 20),
        end=D(2026, 12, 31),
    ),
    ServiceSpec(
        "caritas",
        "Accompagnement des familles hébergeuses",
        "housing",
        "host-family-accommodation",
        "Mise en relation, soutien et médiation entre familles hébergeuses et "
        "personnes hébergées.",
        communes=("25112", "25121", "92094", "62063"),
        target_groups=("host-families", TP),
        status=Service.Status.ENDED,
        start=D(2022, 3, 15),
        end=D(2024, 3, 31),
    ),
    ServiceSpec(
        "cire",
        "Permanence juridique",
        "legal-aid",
        "first-line-legal-aid",
        "Premiers conseils juridiques sur le séjour et les droits sociaux, par "
        "téléphone et sur rendez-vous.",
        communes=("62063", "92094", "52011"),
        delivery_mode=Service.DeliveryMode.MIXED,
        languages=("fr", "en", "uk"),
        target_groups=(TP, "third-country-nationals"),
        start=D(2022, 3, 21),
    ),
    ServiceSpec(
        "cire",
        "Formations pour les professionnel·les de première ligne",
        "legal-aid",
        "immigration-law-advice",
        "Sessions sur la protection temporaire et le changement de statut pour les "
        "travailleurs sociaux.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        target_groups=("front-line-workers",),
        start=D(2022, 10, 1),
    ),
    ServiceSpec(
        "mdm",
        "Consultations médicales sans rendez-vous",
        "health",
        "primary-care",
        "Consultations de médecine générale pour les personnes sans accès aux soins, "
        "orientation vers une mutualité.",
        communes=("52011", "62063"),
        access=Service.Access.WALK_IN,
        languages=UA,
        start=D(2022, 3, 28),
    ),
    ServiceSpec(
        "mdm",
        "Accompagnement du psychotraumatisme",
        "mental-health",
        "trauma-care",
        "Suivi psychologique spécialisé, en individuel ou en famille.",
        communes=("52011",),
        access=Service.Access.REFERRAL,
        languages=UA,
        capacity=30,
        capacity_unit="suivis simultanés",
        referral_how="Orientation par un service social ou un médecin (formulaire).",
        start=D(2022, 6, 7),
    ),
    ServiceSpec(
        "surya",
        "Accompagnement des victimes de la traite des êtres humains",
        "trafficking-exploitation",
        "trafficking-victim-support",
        "Accueil, accompagnement social, juridique et psychologique des victimes.",
        communes=AREA,
        access=Service.Access.REFERRAL,
        target_groups=("women-at-risk", "unaccompanied-minors", TP),
        referral_how="Orientation par la police, l'inspection sociale ou un service "
        "social.",
        start=D(2022, 3, 4),
    ),
    ServiceSpec(
        "oim",
        "Sensibilisation aux risques de traite et d'exploitation",
        "trafficking-exploitation",
        "risk-awareness",
        "Séances d'information pour les personnes déplacées et formations pour les "
        "professionnel·les.",
        communes=(WALLONIA,),
        delivery_mode=Service.DeliveryMode.MOBILE,
        languages=("fr", "en", "uk", "ru"),
        target_groups=("women-at-risk", "front-line-workers"),
        start=D(2022, 9, 1),
        end=D(2025, 12, 31),
        status=Service.Status.ENDED,
    ),
    ServiceSpec(
        "unhcr",
        "Information sur la protection temporaire en Belgique",
        "information-orientation",
        "digital-information",
        "Questions fréquentes et informations pratiques en ukrainien et en russe.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        access=Service.Access.WALK_IN,
        languages=("fr", "nl", "en", "uk", "ru"),
        start=D(2022, 3, 10),
    ),
    ServiceSpec(
        "uvcw",
        "Appui juridique aux CPAS",
        "income-social-assistance",
        "supplementary-social-aid",
        "Réponses aux questions des CPAS sur l'aide aux bénéficiaires de la "
        "protection temporaire.",
        communes=AREA,
        delivery_mode=Service.DeliveryMode.REMOTE,
        target_groups=("front-line-workers",),
        start=D(2022, 3, 21),
        published=False,
    ),
    # Fictitious organisations
    ServiceSpec(
        "ua-liege",
        "Groupe de parole en ukrainien",
        "mental-health",
        "psychosocial-support",
        "Rencontres hebdomadaires animées par une bénévole formée.",
        access=Service.Access.WALK_IN,
        languages=("uk", "ru"),
        target_groups=(TP, "women-at-risk", "older-people"),
        capacity=15,
        capacity_unit="personnes par séance",
        opening_hours="Samedi de 10 h à 12 h (fictif).",
        start=D(2022, 5, 7),
    ),
    ServiceSpec(
        "ua-liege",
        "Soutien scolaire et activités pour enfants",
        "education-childcare",
        "homework-support",
        "Aide aux devoirs en français et activités en ukrainien le mercredi.",
        languages=("uk", "fr"),
        target_groups=("children",),
        capacity=25,
        capacity_unit="enfants",
        start=D(2022, 9, 7),
    ),
    ServiceSpec(
        "ua-liege-verviers",
        "Permanence d'information en ukrainien et en russe",
        "information-orientation",
        "orientation-desks",
        "Aide aux démarches et orientation vers les services de la région verviétoise.",
        access=Service.Access.WALK_IN,
        languages=("uk", "ru", "fr"),
        status=Service.Status.SUSPENDED,
        start=D(2023, 1, 14),
    ),
    ServiceSpec(
        "ua-namur",
        "Accueil et orientation des nouveaux arrivants",
        "information-orientation",
        "orientation-desks",
        "Première information en ukrainien, accompagnement vers la commune et le CPAS.",
        access=Service.Access.WALK_IN,
        languages=("uk", "ru", "fr", "en"),
        start=D(2022, 3, 12),
    ),
    ServiceSpec(
        "ua-namur",
        "Collecte et distribution de matériel",
        "basic-needs",
        "material-aid",
        "Dons de vêtements, de matériel scolaire et d'articles d'hygiène.",
        access=Service.Access.WALK_IN,
        languages=("uk", "fr"),
        status=Service.Status.ENDED,
        start=D(2022, 3, 12),
        end=D(2023, 8, 31),
    ),
    ServiceSpec(
        "ili-charleroi",
        "Cours de français langue étrangère",
        "language-learning",
        "french-courses",
        "Cours de français pour adultes, niveaux alpha à A2, avec garderie.",
        languages=("fr",),
        capacity=60,
        capacity_unit="places",
        cost=Service.Cost.CONTRIBUTION,
        start=D(2022, 9, 12),
        funders=("spw-ias",),
    ),
    ServiceSpec(
        "ili-charleroi",
        "Atelier de citoyenneté",
        "information-orientation",
        "integration-pathway",
        "Formation à la citoyenneté du parcours d'intégration (60 heures).",
        languages=("fr", "uk"),
        capacity=20,
        capacity_unit="places par session",
        start=D(2023, 2, 6),
        funders=("spw-ias",),
    ),
    ServiceSpec(
        "familles-bw",
        "Mise en relation et soutien des familles hébergeuses",
        "housing",
        "host-family-accommodation",
        "Mise en relation, charte d'hébergement et soirées d'échange entre familles.",
        communes=AREA,
        languages=("fr", "en", "uk"),
        target_groups=("host-families",),
        status=Service.Status.ENDED,
        start=D(2022, 3, 8),
        end=D(2024, 6, 30),
    ),
    ServiceSpec(
        "centre-bastogne",
        "Hébergement collectif temporaire",
        "housing",
        "collective-accommodation",
        "Hébergement collectif avec repas, sur attribution par les services du "
        "Gouverneur.",
        access=Service.Access.REFERRAL,
        capacity=120,
        capacity_unit="places",
        status=Service.Status.ENDED,
        start=D(2022, 3, 25),
        end=D(2023, 9, 30),
        published=False,
        referral_how="Attribution par les services du Gouverneur.",
    ),
)


def service_specs() -> list[ServiceSpec]:
    return [*_municipal_services(), *_integration_services(), *OTHER_SERVICES]


# --------------------------------------------------------------------------
# Relations, bodies, assessments (all invented for the demonstration)
# --------------------------------------------------------------------------

R = Relation.Frequency
SURVEY = "Réunion de cadrage (exemple fictif)"


def relation_specs() -> list[RelationSpec]:
    specs = [
        RelationSpec(
            "spp-is",
            f"cpas-{key}",
            "funds",
            ("income-social-assistance",),
            R.QUARTERLY,
            True,
            D(2022, 3, 21),
            declared_by="target" if index % 3 else "source",
        )
        for index, (key, *_) in enumerate(MUNICIPALITIES)
    ]
    specs += [
        RelationSpec(
            "spw-ias",
            key,
            "funds",
            ("information-orientation", "language-learning"),
            R.YEARLY,
            True,
            D(2016, 1, 1),
        )
        for key in CRI_KEYS
    ]
    specs += [
        RelationSpec(
            key,
            "discri",
            "member-of",
            ("data-coordination",),
            R.MONTHLY,
            True,
            D(2018, 1, 1),
        )
        for key in CRI_KEYS
    ]
    specs += [
        RelationSpec(
            f"cpas-{key}",
            cri,
            "refers-to",
            ("information-orientation",),
            R.WEEKLY if index < 3 else R.MONTHLY,
            False,
            D(2022, 5, 2),
        )
        for index, (key, _, _, _, cri) in enumerate(MUNICIPALITIES)
        if cri and key not in ("tournai", "ottignies", "bastogne")
    ]
    specs += [
        RelationSpec(
            "nccn",
            key,
            "coordinates",
            ("housing", "data-coordination"),
            R.WEEKLY,
            True,
            D(2022, 3, 7),
            note="Pendant la phase d'urgence.",
        )
        for key in GOVERNORS
    ]
    specs += [
        RelationSpec(
            "spw-ias",
            "ili-charleroi",
            "funds",
            ("language-learning",),
            R.YEARLY,
            True,
            D(2022, 9, 1),
        ),
        RelationSpec(
            "spw-ias",
            "cpas-liege",
            "supervises",
            ("income-social-assistance",),
            R.YEARLY,
            True,
            D(2020, 1, 1),
        ),
        RelationSpec(
            "fedasil",
            "croix-rouge",
            "subcontracts",
            ("housing",),
            R.WEEKLY,
            True,
            D(2022, 3, 7),
        ),
        RelationSpec(
            "gov-liege",
            "ville-liege",
            "coordinates",
            ("housing",),
            R.MONTHLY,
            False,
            D(2022, 3, 18),
        ),
        RelationSpec(
            "gov-lux",
            "centre-bastogne",
            "coordinates",
            ("housing",),
            R.WEEKLY,
            True,
            D(2022, 3, 25),
        ),
        RelationSpec(
            "ua-liege",
            "cpas-liege",
            "refers-to",
            ("income-social-assistance", "information-orientation"),
            R.WEEKLY,
            False,
            D(2022, 4, 1),
        ),
        RelationSpec(
            "ua-namur",
            "ville-namur",
            "partners-with",
            ("social-cohesion",),
            R.MONTHLY,
            False,
            D(2022, 6, 1),
            declared_by="target",
        ),
        RelationSpec(
            "ili-charleroi",
            "cric",
            "partners-with",
            ("language-learning",),
            R.MONTHLY,
            True,
            D(2022, 9, 1),
        ),
        RelationSpec(
            "surya",
            "oim",
            "exchanges-information",
            ("trafficking-exploitation",),
            R.QUARTERLY,
            False,
            D(2022, 9, 1),
        ),
        RelationSpec(
            "mdm",
            "cpas-charleroi",
            "refers-to",
            ("health",),
            R.WEEKLY,
            False,
            D(2022, 4, 1),
        ),
        RelationSpec(
            "forem",
            "cripel",
            "partners-with",
            ("employment-training", "language-learning"),
            R.MONTHLY,
            True,
            D(2023, 1, 1),
            declared_by="",
            note="Relevée lors d'une réunion, pas encore confirmée.",
        ),
        RelationSpec(
            "oe",
            "ville-liege",
            "exchanges-information",
            ("legal-status",),
            R.AD_HOC,
            False,
            D(2022, 3, 10),
        ),
    ]
    return specs


ASSESSMENT_NOTE = "Évaluation d'exemple, fictive."
# (organisation, date, influence, interest, attitude, capacity, strategy)
ASSESSMENTS: tuple[tuple[str, str, int, int, str, int, str], ...] = (
    ("spw-ias", "2026-02-10", 5, 5, "champion", 5, "collaborate"),
    ("fedasil", "2026-02-10", 5, 3, "supportive", 4, "consult"),
    ("forem", "2026-02-10", 4, 4, "supportive", 4, "involve"),
    ("cpas-liege", "2025-09-15", 3, 4, "neutral", 2, "consult"),
    ("cpas-liege", "2026-02-10", 3, 5, "supportive", 3, "involve"),
    ("gov-liege", "2026-02-10", 4, 3, "neutral", 3, "consult"),
    ("ua-liege", "2026-02-10", 2, 5, "champion", 2, "empower"),
    ("croix-rouge", "2026-02-10", 4, 4, "supportive", 5, "collaborate"),
)

# Fictitious people: common first names, surnames that say they are made up.
FIRST_NAMES = [
    "Anne",
    "Luc",
    "Sophie",
    "Marc",
    "Nathalie",
    "Thomas",
    "Julie",
    "Pierre",
    "Claire",
    "David",
    "Émilie",
    "Nicolas",
    "Olena",
    "Taras",
    "Iryna",
    "Andriy",
    "Sarah",
    "Karim",
    "Lea",
    "Jonas",
]
SURNAMES = [
    "Exemple",
    "Démo",
    "Fictif",
    "Modèle",
    "Essai",
    "Maquette",
    "Témoin",
    "Specimen",
]
FUNCTIONS = {
    "cpas": "Assistant·e social·e référent·e",
    "commune": "Responsable du service Population",
    "regional-integration-centre": "Coordinateur·rice",
    "federal-agency": "Chargé·e de relations avec les partenaires",
    "regional-administration": "Attaché·e",
    "community-administration": "Attaché·e",
    "province": "Chargé·e de mission",
    "ukrainian-community-association": "Président·e",
}
FOCAL_POINTS = (
    ("focal.point@example.org", "Fanny Focale", "cpas-liege"),
    ("focal.point.b@example.org", "Fabien Focal", "cpas-namur"),
)


# --------------------------------------------------------------------------
# Builder
# --------------------------------------------------------------------------


class ReferenceDataMissing(Exception):
    """The territory or the vocabularies are not loaded (run load_reference)."""


@dataclass
class DemoSummary:
    created: Counter[str] = field(default_factory=Counter)
    totals: dict[str, int] = field(default_factory=dict)
    focal_points: list[tuple[User, bool, Organisation]] = field(default_factory=list)


def _ascii(text: str) -> str:
    return search_text([text]).replace(" ", "-")


class _Builder:
    def __init__(self, *, coordinator: User, history_user: User | None) -> None:
        self.coordinator = coordinator
        # Who the history names as the author of the demo's data.
        self.by = history_user or coordinator
        self.summary = DemoSummary()
        self.orgs: dict[str, Organisation] = {}
        self.levels = {t.code: t for t in InstitutionalLevel.objects.all()}
        self.sectors = {t.code: t for t in Sector.objects.all()}
        self.actor_types = {t.code: t for t in ActorType.objects.all()}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.target_groups = {t.code: t for t in TargetGroup.objects.all()}
        self.relation_types = {t.code: t for t in RelationType.objects.all()}
        self.regions = set(Region.objects.values_list("nis", flat=True))
        self.provinces = set(Province.objects.values_list("nis", flat=True))
        self.arrondissements = set(Arrondissement.objects.values_list("nis", flat=True))
        self.communes = {c.nis: c for c in Commune.objects.only("nis")}
        self.postal_codes: dict[str, str] = {}
        for code, nis in PostalCode.objects.order_by("-code").values_list(
            "code", "commune_id"
        ):
            self.postal_codes[nis] = code  # the lowest code wins

    def communes_for(self, tokens: Sequence[str]) -> list[Commune]:
        if "BE" in tokens:
            return list(Commune.objects.order_by("nis"))
        condition = Q(pk__in=[])
        for token in tokens:
            code, _, language = token.partition(":")
            if code in self.regions:
                part = Q(region_id=code)
            elif code in self.provinces:
                part = Q(province_id=code)
            elif code in self.arrondissements:
                part = Q(arrondissement_id=code)
            else:
                part = Q(nis=code)
            if language:
                part &= Q(language_area=language)
            condition |= part
        return list(Commune.objects.filter(condition).order_by("nis"))

    # Organisations -----------------------------------------------------

    def organisation(self, spec: OrgSpec) -> Organisation:
        existing = Organisation.objects.filter(
            Q(enterprise_number=spec.enterprise_number)
            if spec.enterprise_number
            else Q(name=spec.name)
        ).first()
        if existing is not None:
            return existing
        seat = self.communes.get(spec.seat)
        org = register_services.organisation_create(
            by=self.by,
            fields={
                "name": spec.name,
                "name_fr": spec.name_fr,
                "name_nl": spec.name_nl,
                "name_de": spec.name_de,
                "acronym": spec.acronym,
                "enterprise_number": spec.enterprise_number,
                "level": self.levels[spec.level],
                "sector": self.sectors[spec.sector],
                "actor_type": self.actor_types[spec.actor_type],
                "parent": self.orgs[spec.parent] if spec.parent else None,
                "postal_code": self.postal_codes.get(spec.seat, "") if seat else "",
                "commune": seat,
                "website": spec.website,
                "email": spec.email,
                "phone": spec.phone,
                "languages": list(spec.languages),
                "description": spec.description,
                "published": spec.published,
            },
            area_communes=self.communes_for(spec.area),
        )
        self.summary.created["organisations"] += 1
        return org

    # Services ----------------------------------------------------------

    def service(self, spec: ServiceSpec) -> None:
        org = self.orgs[spec.org]
        if Service.objects.filter(organisation=org, title=spec.title).exists():
            return
        if spec.communes == ("seat",):
            communes = [org.commune] if org.commune else []
        elif spec.communes == ("area",):
            communes = list(org.area_communes.order_by("nis"))
        else:
            communes = self.communes_for(spec.communes)
        register_services.service_create(
            by=self.by,
            fields={
                "organisation": org,
                "theme": self.themes[spec.theme],
                "subtheme": self.themes[spec.subtheme],
                "title": spec.title,
                "description": spec.description,
                "eligibility": spec.eligibility,
                "delivery_mode": spec.delivery_mode,
                "languages": list(spec.languages),
                "capacity": spec.capacity,
                "capacity_unit": spec.capacity_unit,
                "cost": spec.cost,
                "access": spec.access,
                "referral_how": spec.referral_how,
                "opening_hours": spec.opening_hours,
                "start_date": spec.start,
                "end_date": spec.end,
                "status": spec.status,
                "published": spec.published,
            },
            communes=communes,
            target_groups=[self.target_groups[c] for c in spec.target_groups],
            funders=[self.orgs[key] for key in spec.funders],
        )
        self.summary.created["services"] += 1

    # Relations, bodies, assessments, people ---------------------------

    def relation(self, spec: RelationSpec) -> None:
        source, target = self.orgs[spec.source], self.orgs[spec.target]
        relation_type = self.relation_types[spec.type]
        if Relation.objects.filter(
            source=source, target=target, type=relation_type
        ).exists():
            return
        declared_by = {"source": source, "target": target}.get(spec.declared_by)
        register_services.relation_create(
            by=self.by,
            fields={
                "source": source,
                "target": target,
                "type": relation_type,
                "frequency": spec.frequency,
                "formal": spec.formal,
                "since": spec.since,
                "declared_by": declared_by,
                "source_note": SURVEY,
                "note": spec.note,
            },
            themes=[self.themes[code] for code in spec.themes],
        )
        self.summary.created["relations"] += 1

    def assessment(self, spec: tuple[str, str, int, int, str, int, str]) -> None:
        key, assessed_on, influence, interest, attitude, capacity, strategy = spec
        organisation = self.orgs[key]
        date = datetime.date.fromisoformat(assessed_on)
        if Assessment.objects.filter(
            organisation=organisation, assessed_on=date
        ).exists():
            return
        register_services.assessment_create(
            by=self.coordinator,
            fields={
                "organisation": organisation,
                "assessed_on": date,
                "influence": influence,
                "interest": interest,
                "attitude": attitude,
                "capacity": capacity,
                "strategy": strategy,
                "note": ASSESSMENT_NOTE,
            },
        )
        self.summary.created["assessments"] += 1

    def contacts(self) -> None:
        focal_orgs = {key for _, _, key in FOCAL_POINTS}
        for index, spec in enumerate(organisation_specs()):
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            last = SURNAMES[index // len(FIRST_NAMES) % len(SURNAMES)]
            public = self.sectors[spec.sector].code == "public"
            self.contact(
                spec.key,
                name=f"{first} {last}",
                email=f"{_ascii(first)}.{_ascii(last)}@example.org",
                function=FUNCTIONS.get(spec.actor_type, "Chargé·e de projets"),
                phone=f"+32 0 000 {index // 100:02d} {index % 100:02d}",
                # The organisations of the focal-point accounts have them as their
                # focal points instead.
                is_focal_point=index % 2 == 0 and spec.key not in focal_orgs,
                legal_basis=(
                    Contact.LegalBasis.PUBLIC_TASK
                    if public
                    else Contact.LegalBasis.CONSENT
                    if index % 4
                    else Contact.LegalBasis.LEGITIMATE_INTEREST
                ),
                shared=index % 3 != 0,
                languages=list(spec.languages[:2]),
                index=index,
            )

    def contact(
        self, key: str, *, name: str, email: str, index: int, **fields: Any
    ) -> None:
        org = self.orgs[key]
        if Contact.objects.filter(organisation=org, email=email).exists():
            return
        consent = fields["legal_basis"] == Contact.LegalBasis.CONSENT
        register_services.contact_create(
            by=self.by,
            fields={
                "organisation": org,
                "name": name,
                "email": email,
                "consent_date": D(2025, 10, 1) + datetime.timedelta(days=index)
                if consent
                else None,
                "last_verified": D(2026, 3, 2) + datetime.timedelta(days=3 * index),
                **fields,
            },
        )
        self.summary.created["contacts"] += 1

    def focal_points(self) -> None:
        for number, (email, full_name, key) in enumerate(FOCAL_POINTS):
            org = self.orgs[key]
            user = User.objects.filter(email=email).first()
            created = user is None
            if user is None:
                user = User.objects.create_user(
                    email, DEMO_PASSWORD, full_name=full_name, role=Role.FOCAL_POINT
                )
            register_services.membership_add(user=user, organisation=org)
            self.contact(
                key,
                name=full_name,
                email=email,
                function="Point focal de la coordination",
                phone=f"+32 0 000 99 {number:02d}",
                is_focal_point=True,
                legal_basis=Contact.LegalBasis.PUBLIC_TASK,
                shared=True,
                languages=["fr"],
                index=number,
            )
            self.summary.focal_points.append((user, created, org))


def reference_data_missing() -> str | None:
    """Why the demo cannot be built yet, or None when the reference data is there."""
    if not Commune.objects.filter(region_id=WALLONIA).exists():
        return "the Walloon communes are not loaded"
    themes = {code for s in service_specs() for code in (s.theme, s.subtheme)}
    found = set(Theme.objects.filter(code__in=themes).values_list("code", flat=True))
    if found != themes:
        return f"themes are missing ({', '.join(sorted(themes - found))})"
    actor_types = {s.actor_type for s in organisation_specs()}
    if ActorType.objects.filter(code__in=actor_types).count() != len(actor_types):
        return "actor types are missing"
    if not RelationType.objects.filter(code="funds").exists():
        return "relation types are missing"
    return None


PARTS = (coordination_part, population_part, body_assessment_part)


@transaction.atomic
def demo_ecosystem_create(
    *, coordinator: User, history_user: User | None = None
) -> DemoSummary:
    """Create what is missing of the demo ecosystem; never change what exists.

    Organisations are matched by enterprise number, or by name when they have
    none; services by organisation and title; relations by source, target and
    type; bodies by name; assessments by organisation and date; contacts by
    organisation and e-mail. Raises ReferenceDataMissing before writing anything
    when load_reference has not run.
    """
    problem = reference_data_missing()
    if problem is not None:
        raise ReferenceDataMissing(problem)
    builder = _Builder(coordinator=coordinator, history_user=history_user)
    for spec in organisation_specs():
        builder.orgs[spec.key] = builder.organisation(spec)
    for service_spec in service_specs():
        builder.service(service_spec)
    for relation_spec in relation_specs():
        builder.relation(relation_spec)
    # Each app above the register adds its part.
    for part in PARTS:
        part(builder)
    for assessment_spec in ASSESSMENTS:
        builder.assessment(assessment_spec)
    builder.contacts()
    builder.focal_points()
    # The meetings' actions belong to the focal points' accounts.
    meetings_part(builder)
    # The round invites the focal points' organisations.
    consultations_part(builder)
    orgs = builder.orgs.values()
    builder.summary.totals = {
        "organisations": len(builder.orgs),
        "services": Service.objects.filter(organisation__in=orgs).count(),
        "relations": Relation.objects.filter(source__in=orgs).count(),
        "coordination bodies": CoordinationBody.objects.filter(
            name__in=[b.name for b in BODIES]
        ).count(),
        "contacts": Contact.objects.filter(organisation__in=orgs).count(),
        "assessments": Assessment.objects.filter(organisation__in=orgs).count(),
        "population figures": PopulationFigure.objects.filter(fictitious=True).count(),
        "body assessments": BodyAssessment.objects.filter(
            body__name__in=BODY_ASSESSMENTS
        ).count(),
        "meetings": Meeting.objects.filter(description=MEETING_NOTE).count(),
        "actions": Action.objects.filter(meeting__description=MEETING_NOTE).count(),
        "consultation rounds": Round.objects.filter(
            questionnaire__key=CONSULTATION_KEY
        ).count(),
        "consultation responses": ConsultationResponse.objects.filter(
            questionnaire__key=CONSULTATION_KEY, status="submitted"
        ).count(),
    }
    return builder.summary
