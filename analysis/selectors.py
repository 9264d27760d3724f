"""Reads of the sector analysis that its pages, its API and the bench share."""

from taxonomy.models import Theme
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
