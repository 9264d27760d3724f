"""Scale data for benchmarks: synthetic organisations, services and relations.

Everything is generated from one `random.Random(seed)`, so the same sizes, seed and
starting database give the same data. Names say "Organisation synthétique NNNNN",
numbered after the organisations already there, so that a second run adds to the
first.

The data is written through the register's own bulk services
(`register.services.organisations_create_many`, `services_create_many`,
`relations_create_many`, `organisations_archive_many`): the same rules as a
person's data (register/rules.py: postal code and commune, archived
organisations, sub-theme of the theme, dates, enterprise number; the model's
field validators), the same search text (register/search.py) and a history row
per object, under the reason "Données synthétiques" and no author. They check
and insert a chunk at a time, in bulk, inside one transaction; organisations are
planned a chunk at a time with their services to bound memory. A generated
object that breaks a rule stops the whole build (ManyInvalid) and nothing is
written. The organisations drawn as archived are archived last, once their
services and relations exist, since nothing can be attached to an archived one
(for the same reason, with no new organisations, the new relations link the
active ones already there).
"""

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from django.db import models, transaction

from register.models import Organisation, Relation
from register.services import (
    NewOrganisation,
    NewRelation,
    NewService,
    organisations_archive_many,
    organisations_create_many,
    relations_create_many,
    services_create_many,
)
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Theme,
)
from territory.models import Arrondissement, Commune, Province

WALLONIA = "03000"
BATCH_SIZE = 5000
# Organisations planned, inserted and forgotten at a time (with their services).
CHUNK = 2000
MAX_SIZE = 10_000_000


class SyntheticDataError(ValueError):
    """The sizes asked for cannot be built (negative, impossible, no reference)."""


@dataclass(frozen=True)
class SyntheticSizes:
    organisations: int
    services_per_org: int
    relations: int
    communes_per_service: int = 2
    seed: int = 1


@dataclass
class SyntheticCounts:
    organisations: int = 0
    area_communes: int = 0
    services: int = 0
    service_communes: int = 0
    service_target_groups: int = 0
    relations: int = 0
    relation_themes: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


class Profile(NamedTuple):
    actor_type: str
    level: str
    sector: str
    weight: float
    area: str  # seat, near, arrondissement, province or region
    themes: tuple[str, ...]
    stem: str


# A realistic mix: many local actors, a few whose area is the whole region.
PROFILES: tuple[Profile, ...] = (
    Profile(
        "cpas",
        "municipal",
        "public",
        16,
        "seat",
        ("income-social-assistance", "housing", "basic-needs", "health"),
        "CPAS",
    ),
    Profile(
        "commune",
        "municipal",
        "public",
        12,
        "seat",
        ("legal-status", "social-cohesion", "information-orientation", "housing"),
        "Administration communale",
    ),
    Profile(
        "association",
        "non-governmental",
        "non-profit",
        18,
        "near",
        ("basic-needs", "social-cohesion", "mental-health", "legal-aid", "housing"),
        "Association",
    ),
    Profile(
        "ukrainian-community-association",
        "non-governmental",
        "community-based",
        6,
        "near",
        ("information-orientation", "social-cohesion", "mental-health", "basic-needs"),
        "Communauté ukrainienne",
    ),
    Profile(
        "local-integration-initiative",
        "non-governmental",
        "non-profit",
        7,
        "near",
        ("language-learning", "information-orientation", "legal-aid"),
        "Initiative locale d'intégration",
    ),
    Profile(
        "volunteer-group",
        "non-governmental",
        "community-based",
        5,
        "seat",
        ("basic-needs", "social-cohesion", "mobility"),
        "Collectif de bénévoles",
    ),
    Profile(
        "host-family-network",
        "non-governmental",
        "community-based",
        2,
        "arrondissement",
        ("housing",),
        "Réseau de familles hébergeuses",
    ),
    Profile(
        "faith-based-organisation",
        "non-governmental",
        "non-profit",
        3,
        "seat",
        ("basic-needs", "social-cohesion"),
        "Paroisse",
    ),
    Profile(
        "school",
        "community",
        "public",
        7,
        "seat",
        ("education-childcare", "language-learning"),
        "École",
    ),
    Profile(
        "adult-education",
        "community",
        "public",
        3,
        "arrondissement",
        ("language-learning", "employment-training"),
        "Centre de formation",
    ),
    Profile(
        "health-care-provider",
        "non-governmental",
        "non-profit",
        4,
        "arrondissement",
        ("health", "mental-health"),
        "Service de santé",
    ),
    Profile(
        "health-insurance-fund",
        "non-governmental",
        "non-profit",
        1,
        "province",
        ("health",),
        "Mutualité",
    ),
    Profile(
        "intermunicipal-body",
        "supra-local",
        "public",
        2,
        "arrondissement",
        ("data-coordination", "housing", "employment-training"),
        "Intercommunale",
    ),
    Profile(
        "police-justice",
        "supra-local",
        "public",
        1,
        "arrondissement",
        ("trafficking-exploitation", "gender-based-violence", "child-protection"),
        "Zone de police",
    ),
    Profile(
        "regional-integration-centre",
        "supra-local",
        "non-profit",
        0.5,
        "arrondissement",
        ("information-orientation", "language-learning", "legal-aid"),
        "Centre régional d'intégration",
    ),
    Profile(
        "company",
        "private",
        "private",
        2,
        "seat",
        ("employment-training",),
        "Entreprise",
    ),
    Profile(
        "private-operator",
        "private",
        "private",
        1,
        "seat",
        ("housing",),
        "Opérateur d'hébergement",
    ),
    Profile(
        "province",
        "provincial",
        "public",
        1,
        "province",
        ("housing", "data-coordination"),
        "Services provinciaux",
    ),
    Profile(
        "federation-network",
        "non-governmental",
        "non-profit",
        1,
        "region",
        ("data-coordination", "information-orientation"),
        "Fédération",
    ),
    Profile(
        "public-employment-service",
        "regional",
        "public",
        0.2,
        "region",
        ("employment-training", "language-learning"),
        "Service public de l'emploi",
    ),
    Profile(
        "regional-administration",
        "regional",
        "public",
        0.6,
        "region",
        ("data-coordination", "housing", "health", "income-social-assistance"),
        "Administration régionale",
    ),
    Profile(
        "community-administration",
        "community",
        "public",
        0.3,
        "region",
        ("education-childcare", "health"),
        "Administration communautaire",
    ),
    Profile(
        "federal-agency",
        "federal",
        "public",
        0.3,
        "region",
        ("legal-status", "housing", "income-social-assistance"),
        "Agence fédérale",
    ),
    Profile(
        "international-organisation",
        "international",
        "international",
        0.2,
        "region",
        ("trafficking-exploitation", "family-tracing", "information-orientation"),
        "Organisation internationale",
    ),
)
HUB_LEVELS = frozenset(
    {"international", "federal", "community", "regional", "provincial", "supra-local"}
)
# Bigger towns have more actors.
TOWN_WEIGHTS = {
    "62063": 14,  # Liège
    "52011": 14,  # Charleroi
    "92094": 9,  # Namur
    "53053": 7,  # Mons
    "58001": 5,  # La Louvière
    "57081": 5,  # Tournai
    "63079": 5,  # Verviers
    "54007": 4,  # Mouscron
    "62108": 3,  # Seraing
    "25112": 3,  # Wavre
    "81001": 3,  # Arlon
    "25121": 3,  # Ottignies-Louvain-la-Neuve
    "63023": 3,  # Eupen
}
TITLES: dict[str, tuple[str, ...]] = {
    "legal-status": (
        "Accompagnement des démarches de séjour",
        "Inscription au registre des étrangers",
        "Information sur la protection temporaire",
    ),
    "housing": (
        "Aide à la recherche d'un logement",
        "Hébergement d'urgence",
        "Accompagnement des familles hébergeuses",
    ),
    "income-social-assistance": (
        "Enquête sociale et revenu d'intégration",
        "Aides sociales complémentaires",
        "Information sur les allocations familiales",
    ),
    "employment-training": (
        "Accompagnement à la recherche d'emploi",
        "Formation professionnelle",
        "Équivalence des diplômes",
    ),
    "language-learning": (
        "Cours de français langue étrangère",
        "Table de conversation en français",
        "Cours d'alphabétisation",
    ),
    "education-childcare": (
        "Classes DASPA",
        "Soutien scolaire",
        "Accueil de la petite enfance",
    ),
    "health": (
        "Consultations médicales",
        "Affiliation à une mutualité",
        "Vaccination et prévention",
    ),
    "mental-health": (
        "Soutien psychosocial",
        "Groupe de parole",
        "Consultations psychologiques",
    ),
    "legal-aid": (
        "Permanence juridique",
        "Conseil en droit des étrangers",
        "Aide juridique de première ligne",
    ),
    "child-protection": (
        "Accompagnement des mineurs non accompagnés",
        "Aide à la jeunesse",
    ),
    "gender-based-violence": (
        "Écoute et accompagnement des victimes de violences",
        "Hébergement protégé",
    ),
    "trafficking-exploitation": (
        "Sensibilisation aux risques d'exploitation",
        "Accompagnement des victimes de la traite",
    ),
    "family-tracing": ("Rétablissement des liens familiaux",),
    "information-orientation": (
        "Parcours d'intégration",
        "Permanence d'information et d'orientation",
        "Interprétariat social",
    ),
    "social-cohesion": (
        "Activités de rencontre et d'entraide",
        "Activités sportives",
        "Bénévolat et engagement citoyen",
    ),
    "basic-needs": ("Aide alimentaire", "Vestiaire solidaire", "Aide matérielle"),
    "mobility": (
        "Information sur les transports en commun",
        "Échange du permis de conduire",
    ),
    "data-coordination": ("Concertation locale des acteurs", "Suivi statistique"),
}
RELATION_WEIGHTS = {
    "partners-with": 25,
    "refers-to": 25,
    "exchanges-information": 20,
    "coordinates": 8,
    "funds": 8,
    "member-of": 8,
    "supervises": 3,
    "subcontracts": 3,
}
CAPACITY_UNITS = ("places", "personnes par mois", "élèves", "participants")
ORGANISATION_NOTE = "Organisation synthétique pour les essais de charge."
SYNTHETIC_NOTE = "Service synthétique pour les essais de charge."
START = datetime.date(2022, 3, 4)
PLANNED_START = datetime.date(2027, 1, 4)
# The reason the history gives for every synthetic row.
HISTORY_REASON = "Données synthétiques"


def _weighted[T](rng: random.Random, weights: dict[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Reference:
    """The territory and vocabularies, as plain ids, loaded once."""

    def __init__(self) -> None:
        communes = list(
            Commune.objects.filter(region_id=WALLONIA)
            .order_by("nis")
            .values_list(
                "nis", "name_fr", "arrondissement_id", "province_id", "language_area"
            )
        ) or list(
            Commune.objects.order_by("nis").values_list(
                "nis", "name_fr", "arrondissement_id", "province_id", "language_area"
            )
        )
        if not communes:
            raise SyntheticDataError(
                "No commune is loaded: run `manage.py load_reference` first."
            )
        self.communes = [row[0] for row in communes]
        self.commune_names = {row[0]: row[1] for row in communes}
        self.commune_arrondissement = {row[0]: row[2] for row in communes}
        self.commune_province = {row[0]: row[3] for row in communes}
        self.german = {row[0] for row in communes if row[4] == "de"}
        self.commune_weights = [TOWN_WEIGHTS.get(nis, 1) for nis in self.communes]
        self.by_arrondissement: dict[str, list[str]] = defaultdict(list)
        self.by_province: dict[str, list[str]] = defaultdict(list)
        for nis, _, arrondissement, province, _ in communes:
            self.by_arrondissement[arrondissement].append(nis)
            self.by_province[province].append(nis)
        self.arrondissement_names = dict(
            Arrondissement.objects.values_list("nis", "name_fr")
        )
        self.province_names = dict(Province.objects.values_list("nis", "name_fr"))

        self.levels = self._codes(InstitutionalLevel, {p.level for p in PROFILES})
        self.sectors = self._codes(Sector, {p.sector for p in PROFILES})
        self.actor_types = self._codes(ActorType, {p.actor_type for p in PROFILES})
        self.relation_types = self._codes(RelationType, set(RELATION_WEIGHTS))
        self.target_groups = list(
            TargetGroup.objects.order_by("code").values_list("code", "id")
        )
        if not self.target_groups:
            raise SyntheticDataError(
                "The vocabularies are not loaded: run `manage.py load_reference` first."
            )
        themes = list(
            Theme.objects.order_by("position", "code").values_list(
                "id", "code", "name_fr", "parent_id"
            )
        )
        self.themes = {
            code: (id_, name) for id_, code, name, parent in themes if not parent
        }
        self.subthemes: dict[int, list[int]] = defaultdict(list)
        for id_, _, _, parent in themes:
            if parent:
                self.subthemes[parent].append(id_)
        missing = {code for p in PROFILES for code in p.themes} - set(self.themes)
        if missing:
            raise SyntheticDataError(
                f"Themes are missing ({', '.join(sorted(missing))}): run "
                "`manage.py load_reference` first."
            )

    @staticmethod
    def _codes(model: type[models.Model], codes: set[str]) -> dict[str, int]:
        found: dict[str, int] = dict(
            model._default_manager.filter(code__in=codes).values_list("code", "id")
        )
        if set(found) != codes:
            raise SyntheticDataError(
                f"{model._meta.verbose_name_plural} are missing "
                f"({', '.join(sorted(codes - set(found)))}): run "
                "`manage.py load_reference` first."
            )
        return found


def validate_sizes(sizes: SyntheticSizes, *, commune_count: int | None = None) -> None:
    """Raise SyntheticDataError for sizes that cannot be built."""
    for name in (
        "organisations",
        "services_per_org",
        "relations",
        "communes_per_service",
    ):
        value = getattr(sizes, name)
        if value < 0:
            raise SyntheticDataError(f"--{name.replace('_', '-')} must be 0 or more.")
        if value > MAX_SIZE:
            raise SyntheticDataError(
                f"--{name.replace('_', '-')} must be at most {MAX_SIZE:,}."
            )
    if commune_count is not None and sizes.communes_per_service > commune_count:
        raise SyntheticDataError(
            f"--communes-per-service must be at most {commune_count}, the number of "
            "communes loaded."
        )


class _Builder:
    def __init__(
        self,
        sizes: SyntheticSizes,
        reference: _Reference,
        *,
        batch_size: int,
        progress: Callable[[str], None],
    ) -> None:
        self.sizes = sizes
        self.ref = reference
        # Reproducible test data, not secrets.
        self.rng = random.Random(sizes.seed)  # noqa: S311
        self.batch_size = batch_size
        self.progress = progress
        self.counts = SyntheticCounts()
        self.new_ids: list[int] = []
        self.hub_ids: list[int] = []
        # Archived once their services and relations exist: nothing can be
        # attached to an archived organisation.
        self.archived_ids: list[int] = []
        self.profile_weights = [p.weight for p in PROFILES]
        self.theme_codes = list(reference.themes)

    # Organisations and their services ---------------------------------

    def area(self, profile: Profile, seat: str) -> tuple[list[str], str]:
        """The communes an organisation works in, and the place its name shows."""
        ref = self.ref
        arrondissement = ref.commune_arrondissement[seat]
        province = ref.commune_province[seat]
        if profile.area == "region":
            return ref.communes, "Wallonie"
        if profile.area == "province" and province:
            return ref.by_province[province], ref.province_names.get(province, "")
        if profile.area in ("province", "arrondissement"):
            return (
                ref.by_arrondissement[arrondissement],
                ref.arrondissement_names.get(arrondissement, ""),
            )
        if profile.area == "near":
            others = [c for c in ref.by_arrondissement[arrondissement] if c != seat]
            extra = self.rng.sample(others, min(len(others), self.rng.randint(0, 3)))
            return [seat, *extra], ref.commune_names[seat]
        return [seat], ref.commune_names[seat]

    def service_communes(self, area: list[str], seat: str) -> list[str]:
        wanted = self.sizes.communes_per_service
        if wanted <= len(area):
            return self.rng.sample(area, wanted)
        picked = list(area)
        for pool in (
            self.ref.by_arrondissement[self.ref.commune_arrondissement[seat]],
            self.ref.by_province[self.ref.commune_province[seat]],
            self.ref.communes,
        ):
            others = [c for c in pool if c not in picked]
            picked += self.rng.sample(others, min(len(others), wanted - len(picked)))
            if len(picked) == wanted:
                break
        return picked

    def plan_service(
        self, profile: Profile, area: list[str], seat: str
    ) -> dict[str, Any]:
        rng = self.rng
        code = (
            rng.choice(profile.themes)
            if rng.random() < 0.75
            else rng.choice(self.theme_codes)
        )
        theme_id, theme_name = self.ref.themes[code]
        subthemes = self.ref.subthemes.get(theme_id)
        status = _weighted(
            rng, {"ongoing": 70, "ended": 15, "planned": 8, "suspended": 7}
        )
        if status == "planned":
            start = PLANNED_START + datetime.timedelta(days=rng.randint(0, 180))
        else:
            start = START + datetime.timedelta(days=rng.randint(0, 1500))
        end = None
        if status == "ended" or rng.random() < 0.15:
            end = start + datetime.timedelta(days=rng.randint(30, 700))
        languages = ["de", "fr"] if seat in self.ref.german else ["fr"]
        languages += [code for code in ("uk", "ru", "en") if rng.random() < 0.3]
        has_capacity = rng.random() < 0.4
        groups = [
            "all-temporary-protection"
            if rng.random() < 0.55
            else rng.choice(self.ref.target_groups)[0]
        ]
        if rng.random() < 0.3:
            groups.append(rng.choice(self.ref.target_groups)[0])
        return {
            "theme_id": theme_id,
            "subtheme_id": (
                rng.choice(subthemes) if subthemes and rng.random() < 0.8 else None
            ),
            "title": rng.choice(TITLES.get(code, (theme_name,))),
            "description": f"{theme_name}. {SYNTHETIC_NOTE}",
            "status": status,
            "start_date": start,
            "end_date": end,
            "delivery_mode": _weighted(
                rng, {"on_site": 60, "remote": 15, "mobile": 10, "mixed": 15}
            ),
            "access": _weighted(
                rng, {"appointment": 50, "walk_in": 30, "referral": 20}
            ),
            "cost": _weighted(rng, {"free": 80, "contribution": 15, "paid": 5}),
            "languages": languages,
            "capacity": rng.randint(5, 300) if has_capacity else None,
            "capacity_unit": rng.choice(CAPACITY_UNITS) if has_capacity else "",
            "published": rng.random() < 0.55,
            "communes": self.service_communes(area, seat),
            "target_groups": dict.fromkeys(groups),
        }

    def organisations(self, first_number: int) -> None:
        ref, rng, sizes = self.ref, self.rng, self.sizes
        profiles = rng.choices(
            PROFILES, weights=self.profile_weights, k=sizes.organisations
        )
        seats = rng.choices(
            ref.communes, weights=ref.commune_weights, k=sizes.organisations
        )
        for chunk_start in range(0, sizes.organisations, CHUNK):
            plans = []
            orgs = []
            archived = []
            for index in range(
                chunk_start, min(chunk_start + CHUNK, sizes.organisations)
            ):
                profile, seat = profiles[index], seats[index]
                number = first_number + index
                area, place = self.area(profile, seat)
                services = [
                    self.plan_service(profile, area, seat)
                    for _ in range(sizes.services_per_org)
                ]
                name = (
                    f"Organisation synthétique {number:05d} — {profile.stem} ({place})"
                )
                acronym = f"OS{number:05d}" if rng.random() < 0.1 else ""
                languages = ["de", "fr"] if seat in ref.german else ["fr"]
                if rng.random() < 0.3:
                    languages.append(rng.choice(("uk", "ru", "en", "nl")))
                archived.append(rng.random() < 0.03)
                orgs.append(
                    NewOrganisation(
                        fields={
                            "name": name,
                            "acronym": acronym,
                            "external_id": f"synthetique-{number:05d}",
                            "level_id": ref.levels[profile.level],
                            "sector_id": ref.sectors[profile.sector],
                            "actor_type_id": ref.actor_types[profile.actor_type],
                            "commune_id": seat,
                            "languages": languages,
                            "description": ORGANISATION_NOTE,
                            "published": rng.random() < 0.6,
                        },
                        area_communes=area,
                    )
                )
                plans.append((profile, services))
            created = organisations_create_many(
                by=None,
                organisations=orgs,
                reason=HISTORY_REASON,
                batch_size=self.batch_size,
            )
            self.counts.organisations += len(created)
            self.counts.area_communes += sum(len(org.area_communes) for org in orgs)
            self.archived_ids += [
                org.pk for org, flag in zip(created, archived, strict=True) if flag
            ]
            self._services(created, plans)
            self.progress(
                f"  {self.counts.organisations:,} organisations, "
                f"{self.counts.services:,} services"
            )

    def _services(
        self,
        orgs: list[Organisation],
        plans: list[tuple[Profile, list[dict[str, Any]]]],
    ) -> None:
        tg_ids = dict(self.ref.target_groups)
        services: list[NewService] = []
        for org, (profile, service_plans) in zip(orgs, plans, strict=True):
            self.new_ids.append(org.pk)
            if (
                profile.level in HUB_LEVELS
                or profile.actor_type == "federation-network"
            ):
                self.hub_ids.append(org.pk)
            for plan in service_plans:
                fields = {
                    k: v
                    for k, v in plan.items()
                    if k not in ("communes", "target_groups")
                }
                services.append(
                    NewService(
                        fields={"organisation_id": org.pk, **fields},
                        communes=plan["communes"],
                        target_groups=[tg_ids[code] for code in plan["target_groups"]],
                    )
                )
        services_create_many(
            by=None,
            services=services,
            reason=HISTORY_REASON,
            batch_size=self.batch_size,
        )
        self.counts.services += len(services)
        self.counts.service_communes += sum(len(s.communes) for s in services)
        self.counts.service_target_groups += sum(len(s.target_groups) for s in services)

    # Relations ----------------------------------------------------------

    def relations(self) -> None:
        wanted = self.sizes.relations
        if wanted == 0:
            return
        rng = self.rng
        pool = self.new_ids
        taken: set[tuple[int, int, int]] = set()
        if not pool:
            # Nothing new: relate the active organisations already there.
            pool = list(
                Organisation.objects.active()
                .order_by("id")
                .values_list("id", flat=True)
            )
            taken = set(
                _between_active().values_list("source_id", "target_id", "type_id")
            )
        hubs = self.hub_ids or pool
        types = self.ref.relation_types
        type_ids = [types[code] for code in RELATION_WEIGHTS]
        type_weights = list(RELATION_WEIGHTS.values())
        possible = _check_relations_possible(wanted, len(pool), len(taken))
        triples: list[tuple[int, int, int]]
        if wanted * 2 > possible:
            # Dense: draw from every possible triple.
            everything = [
                (s, t, k)
                for s in pool
                for t in pool
                if s != t
                for k in type_ids
                if (s, t, k) not in taken
            ]
            triples = rng.sample(everything, wanted)
        else:
            triples = []
            while len(triples) < wanted:
                source = rng.choice(pool)
                target = rng.choice(hubs) if rng.random() < 0.35 else rng.choice(pool)
                kind = rng.choices(type_ids, weights=type_weights)[0]
                triple = (source, target, kind)
                if source == target or triple in taken:
                    continue
                taken.add(triple)
                triples.append(triple)
        frequencies = [choice for choice, _ in Relation.Frequency.choices]
        theme_ids = [id_ for id_, _ in self.ref.themes.values()]
        relations = []
        for source, target, kind in triples:
            declared = rng.random()
            fields = {
                "source_id": source,
                "target_id": target,
                "type_id": kind,
                "frequency": rng.choice(frequencies),
                "formal": rng.random() < 0.3,
                "since": datetime.date(2015, 1, 1)
                + datetime.timedelta(days=rng.randint(0, 4200)),
                "declared_by_id": (
                    source if declared < 0.7 else target if declared < 0.9 else None
                ),
                "source_note": "Données synthétiques",
            }
            theme = rng.choice(theme_ids) if rng.random() < 0.5 else None
            relations.append(
                NewRelation(fields=fields, themes=() if theme is None else (theme,))
            )
        relations_create_many(
            by=None,
            relations=relations,
            reason=HISTORY_REASON,
            batch_size=self.batch_size,
        )
        self.counts.relations = len(relations)
        self.counts.relation_themes = sum(len(r.themes) for r in relations)
        self.progress(f"  {len(relations):,} relations")

    def archive(self) -> None:
        organisations_archive_many(
            by=None, organisation_ids=self.archived_ids, reason=HISTORY_REASON
        )


def _between_active() -> "models.QuerySet[Relation]":
    """The relations whose two organisations are active."""
    return Relation.objects.filter(
        source__status=Organisation.Status.ACTIVE,
        target__status=Organisation.Status.ACTIVE,
    )


def synthetic_build(
    sizes: SyntheticSizes,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
) -> SyntheticCounts:
    """Add synthetic organisations, services, service communes and relations.

    All or nothing, in one transaction. Raises SyntheticDataError, before writing
    anything, for negative or impossible sizes or missing reference data.
    """
    validate_sizes(sizes)
    started = time.perf_counter()
    with transaction.atomic():
        reference = _Reference()
        validate_sizes(sizes, commune_count=len(reference.communes))
        if sizes.relations:
            # New relations link the new organisations, or the existing ones when
            # there are none.
            pool = sizes.organisations or Organisation.objects.active().count()
            taken = 0 if sizes.organisations else _between_active().count()
            _check_relations_possible(sizes.relations, pool, taken)
        builder = _Builder(
            sizes, reference, batch_size=batch_size, progress=progress or _silent
        )
        builder.organisations(Organisation.objects.count() + 1)
        builder.relations()
        builder.archive()
    builder.counts.seconds = round(time.perf_counter() - started, 2)
    return builder.counts


def _check_relations_possible(wanted: int, pool: int, taken: int) -> int:
    possible = pool * (pool - 1) * len(RELATION_WEIGHTS) - taken
    if wanted > possible:
        raise SyntheticDataError(
            f"Cannot create {wanted:,} relations between {pool:,} organisations: at "
            f"most {max(possible, 0):,} distinct (source, target, type) are possible."
        )
    return possible


def _silent(message: str) -> None:
    pass


def sizes_scaled(base: SyntheticSizes, scale: float) -> SyntheticSizes:
    """The sizes multiplied by a factor (for quick benchmark runs)."""
    if scale <= 0:
        raise SyntheticDataError("The scale must be greater than 0.")
    return SyntheticSizes(
        organisations=max(2, round(base.organisations * scale)),
        services_per_org=base.services_per_org,
        relations=round(base.relations * scale),
        communes_per_service=base.communes_per_service,
        seed=base.seed,
    )
