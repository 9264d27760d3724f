"""Writes to the vocabularies: the seed loader.

The seed lives in `taxonomy/data/*.json`, one file per vocabulary, written by hand
with the names in every language. Administrators own the terms once they exist.
"""

import json
from pathlib import Path
from typing import Any, NotRequired, TypedDict, cast

from django.db import transaction

from taxonomy.models import (
    ActorType,
    Competence,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Term,
    Theme,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

# Seed positions leave room for administrators to insert terms in between.
POSITION_STEP = 10


class TermSeed(TypedDict):
    code: str
    names: dict[str, str]
    description: NotRequired[str]
    inverse_names: NotRequired[dict[str, str]]
    subthemes: NotRequired[list["TermSeed"]]


class CompetenceSeed(TypedDict):
    theme: str
    level: str
    kind: str
    legal_basis: str
    note: str


def seed_read(name: str) -> Any:
    """The parsed content of one seed file of `taxonomy/data/`."""
    with (DATA_DIR / name).open(encoding="utf-8") as file:
        return json.load(file)


def vocabularies_load() -> dict[str, int]:
    """Load the seed vocabularies and competences; safe to run again.

    The rule that keeps administrators' edits: a term whose code is missing is
    created with the seed's names, description and position; a term that exists
    keeps everything an administrator set, and only its empty names (a missing
    translation) are filled from the seed. A seeded sub-theme is linked to its
    parent when it is created, never moved afterwards. A competence is created
    when its (level, theme) pair is missing and never changed afterwards.

    Runs in one transaction and returns the number of terms of each vocabulary
    now in the database (including terms administrators added).
    """
    with transaction.atomic():
        _terms_load(
            InstitutionalLevel, _in_order(seed_read("institutional_levels.json"))
        )
        _terms_load(Sector, _in_order(seed_read("sectors.json")))
        _terms_load(ActorType, _in_order(seed_read("actor_types.json")))
        themes = cast(list[TermSeed], seed_read("themes.json"))
        parents = cast(dict[str, Theme], _terms_load(Theme, _in_order(themes)))
        _terms_load(
            Theme,
            [
                (subtheme, position, parents[seed["code"]])
                for seed in themes
                for subtheme, position, _ in _in_order(seed.get("subthemes", []))
            ],
        )
        _terms_load(TargetGroup, _in_order(seed_read("target_groups.json")))
        _terms_load(RelationType, _in_order(seed_read("relation_types.json")))
        _competences_load(seed_read("competences.json"))
    return {
        "levels": InstitutionalLevel.objects.count(),
        "sectors": Sector.objects.count(),
        "actor types": ActorType.objects.count(),
        "themes": Theme.objects.filter(parent__isnull=True).count(),
        "sub-themes": Theme.objects.filter(parent__isnull=False).count(),
        "target groups": TargetGroup.objects.count(),
        "relation types": RelationType.objects.count(),
        "competences": Competence.objects.count(),
    }


def _seed_names(seed: TermSeed) -> dict[str, str]:
    """The seed's names as model field values (`name_fr`, `inverse_name_fr`…)."""
    values = {f"name_{language}": name for language, name in seed["names"].items()}
    for language, name in seed.get("inverse_names", {}).items():
        values[f"inverse_name_{language}"] = name
    return values


# A seed term, its position and its parent theme (for a sub-theme).
SeedItem = tuple[TermSeed, int, Theme | None]


def _in_order(seeds: list[TermSeed]) -> list[SeedItem]:
    return [
        (seed, index * POSITION_STEP, None) for index, seed in enumerate(seeds, start=1)
    ]


def _terms_load(model: type[Term], items: list[SeedItem]) -> dict[str, Term]:
    """Create the missing terms, fill the empty names of the others; return every
    seeded term by code."""
    existing = model._default_manager.in_bulk(
        [seed["code"] for seed, _, _ in items], field_name="code"
    )
    created: list[Term] = []
    filled: list[Term] = []
    filled_fields: set[str] = set()
    for seed, position, parent in items:
        names = _seed_names(seed)
        term = existing.get(seed["code"])
        if term is None:
            extra = {"parent": parent} if parent is not None else {}
            created.append(
                model(
                    code=seed["code"],
                    description=seed.get("description", ""),
                    position=position,
                    **names,
                    **extra,
                )
            )
            continue
        blank = [field for field, value in names.items() if not getattr(term, field)]
        for field in blank:
            setattr(term, field, names[field])
        if blank:
            filled.append(term)
            filled_fields.update(blank)
    # The primary keys of created rows are set (PostgreSQL and SQLite return them).
    model._default_manager.bulk_create(created)
    if filled:
        model._default_manager.bulk_update(filled, sorted(filled_fields))
    return {**existing, **{term.code: term for term in created}}


def _competences_load(seeds: list[CompetenceSeed]) -> None:
    levels = InstitutionalLevel.objects.in_bulk(
        {seed["level"] for seed in seeds}, field_name="code"
    )
    themes = Theme.objects.in_bulk({seed["theme"] for seed in seeds}, field_name="code")
    existing = set(
        Competence.objects.order_by().values_list("level__code", "theme__code")
    )
    kinds = set(Competence.Kind.values)
    created = []
    for seed in seeds:
        if seed["kind"] not in kinds:
            raise ValueError(f"Unknown competence kind {seed['kind']!r} in the seed.")
        if seed["level"] not in levels or seed["theme"] not in themes:
            raise ValueError(
                f"The competence seed names an unknown level or theme: "
                f"{seed['level']!r}, {seed['theme']!r}."
            )
        if (seed["level"], seed["theme"]) in existing:
            continue
        created.append(
            Competence(
                level=levels[seed["level"]],
                theme=themes[seed["theme"]],
                kind=seed["kind"],
                legal_basis=seed["legal_basis"],
                note=seed["note"],
            )
        )
    Competence.objects.bulk_create(created)
