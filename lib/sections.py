"""Sections that higher apps add to a lower app's page.

A lower app knows nothing of the apps above it: it exposes a `PageSections`
for a page, the apps above register a section on it from their
AppConfig.ready(), and the page shows each section in turn."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# The function that reads a section's context for a user and the page's
# object; it returns None to show nothing to this user.
SectionContext = Callable[[Any, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    context: SectionContext
    order: int = 100


@dataclass(frozen=True)
class ShownSection:
    key: str
    template: str
    context: dict[str, Any]


class PageSections:
    """The sections registered on one page, shown in their order."""

    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def section(
        self, *, key: str, template: str, order: int = 100
    ) -> Callable[[SectionContext], SectionContext]:
        """Register a section (a decorator on the function that reads its
        context); registering a key again replaces it."""

        def register(context: SectionContext) -> SectionContext:
            self._sections[key] = Section(key, template, context, order)
            return context

        return register

    def shown(self, user: Any, obj: Any) -> list[ShownSection]:
        """The sections to show this user on the page of `obj`, in order."""
        shown = []
        for section in sorted(self._sections.values(), key=lambda s: (s.order, s.key)):
            context = section.context(user, obj)
            if context is not None:
                shown.append(ShownSection(section.key, section.template, context))
        return shown
