"""Sections that higher apps add to the organisation page.

The register knows nothing of the apps above it: coordination (its bodies),
meetings (the engagement log) and the apps to come register a section here from
their AppConfig.ready(), and the organisation page shows each in turn."""

from accounts.models import User
from lib.sections import PageSections, ShownSection
from register.models import Organisation

_page = PageSections()

# Register a section of the organisation page (a decorator on the function
# that reads its context from the user and the organisation; it returns None
# to show nothing to this user).
organisation_section = _page.section


def organisation_sections(user: User, organisation: Organisation) -> list[ShownSection]:
    """The sections to show on an organisation's page, in order."""
    return _page.shown(user, organisation)
