"""Sections that higher apps add to the organisation page.

The register knows nothing of the apps above it: coordination (its bodies),
meetings (the engagement log) and the apps to come register a section here from
their AppConfig.ready(), and the organisation page shows each in turn."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from register.models import Organisation

SectionContext = Callable[[User, Organisation], dict[str, Any] | None]


@dataclass(frozen=True)
class OrganisationSection:
    key: str
    template: str
    context: SectionContext
    order: int = 100


@dataclass(frozen=True)
class ShownSection:
    key: str
    template: str
    context: dict[str, Any]


_SECTIONS: dict[str, OrganisationSection] = {}


def organisation_section(
    *, key: str, template: str, order: int = 100
) -> Callable[[SectionContext], SectionContext]:
    """Register a section of the organisation page (a decorator on the function
    that reads its context; it returns None to show nothing to this user)."""

    def register(context: SectionContext) -> SectionContext:
        _SECTIONS[key] = OrganisationSection(key, template, context, order)
        return context

    return register


def organisation_sections(user: User, organisation: Organisation) -> list[ShownSection]:
    """The sections to show on an organisation's page, in order."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.context(user, organisation)
        if context is not None:
            shown.append(ShownSection(section.key, section.template, context))
    return shown
