"""Reads of the sector analysis that its pages, its API and the bench share."""

from collections.abc import Iterable, Mapping
from typing import Any

from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Term,
    Theme,
)
from taxonomy.selectors import terms_by_id


def main_themes() -> list[Theme]:
    """The main themes in use, in the vocabulary's order (from the cache)."""
    return sorted(
        (
            theme
            for theme in terms_by_id(Theme).values()
            if theme.parent_id is None and theme.is_active
        ),
        key=lambda theme: (theme.position, theme.code),
    )


# The vocabularies each analysis filters by, by filter name.
COVERAGE_VOCABULARIES: tuple[tuple[str, type[Term]], ...] = (
    ("theme", Theme),
    ("level", InstitutionalLevel),
    ("sector", Sector),
    ("actor_type", ActorType),
    ("target_group", TargetGroup),
)
NETWORK_VOCABULARIES: tuple[tuple[str, type[Term]], ...] = (
    ("relation_type", RelationType),
    ("theme", Theme),
    ("level", InstitutionalLevel),
)
BODY_VOCABULARIES: tuple[tuple[str, type[Term]], ...] = (
    ("theme", Theme),
    ("level", InstitutionalLevel),
)


def term_ids(
    codes: Mapping[str, str], vocabularies: tuple[tuple[str, type[Term]], ...]
) -> tuple[dict[str, int | None], list[str]]:
    """The ids of the codes given by filter name ('' or absent: None), from
    the cache, and the names of the filters whose code is unknown."""
    ids: dict[str, int | None] = {}
    unknown: list[str] = []
    for name, model in vocabularies:
        code = codes.get(name) or ""
        found = {term.code: pk for pk, term in terms_by_id(model).items()}
        ids[name] = found.get(code) if code else None
        if code and ids[name] is None:
            unknown.append(name)
    return ids, unknown


def terms_in_order(ids: Iterable[int], model: type[Term]) -> list[Any]:
    """The terms of these ids, in their vocabulary's order (from the cache)."""
    terms = terms_by_id(model)
    return sorted(
        (terms[pk] for pk in ids if pk in terms),
        key=lambda term: (term.position, term.code),
    )


def missing_levels(missing: Mapping[int, Iterable[int]]) -> list[tuple[Any, list[Any]]]:
    """The competent levels missing from a body, each with the themes it is
    competent for, in the vocabularies' order."""
    return [
        (level, terms_in_order(missing[level.pk], Theme))
        for level in terms_in_order(missing, InstitutionalLevel)
    ]
