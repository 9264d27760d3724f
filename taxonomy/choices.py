"""Choices of vocabulary terms for the forms of every app."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from taxonomy.models import Term, Theme

Choices = list[tuple[Any, Any]]


def usable_terms[T: Term](
    model: type[T], current: Iterable[int | None] = ()
) -> QuerySet[T]:
    """The terms in use, plus those already on the object (a retired term stays)."""
    kept = [pk for pk in current if pk is not None]
    return model._default_manager.filter(Q(is_active=True) | Q(pk__in=kept))


def grouped_themes(
    themes: Iterable[Theme], *, value: str = "pk", whole_theme: bool = True
) -> Choices:
    """Select options grouped by main theme: the main theme itself first (when
    `whole_theme`), then its sub-themes."""
    themes = list(themes)
    children: dict[int, list[Theme]] = {}
    for theme in themes:
        if theme.parent_id is not None:
            children.setdefault(theme.parent_id, []).append(theme)
    groups: Choices = []
    for theme in themes:
        if theme.parent_id is not None:
            continue
        options = [
            (getattr(sub, value), sub.name) for sub in children.get(theme.pk, [])
        ]
        if whole_theme:
            label = gettext("%(theme)s (tout le thème)") % {"theme": theme.name}
            options.insert(0, (getattr(theme, value), label))
        if options:
            groups.append((theme.name, options))
    return groups
