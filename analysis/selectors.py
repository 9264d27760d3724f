"""Reads of the sector analysis that its pages, its API and the bench share."""

from collections.abc import Mapping

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
