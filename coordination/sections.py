"""The sections of the body page that higher apps add (analysis: the body's
assessments), and coordination's own section of the organisation page: the
bodies an organisation convenes or sits on."""

from typing import Any

from accounts.models import User
from coordination.models import BodyMember, CoordinationBody
from lib.sections import PageSections, ShownSection
from register.models import Organisation
from register.sections import organisation_section

_body_page = PageSections()

# Register a section of the body page (a decorator on the function that reads
# its context from the user and the body; it returns None to show nothing to
# this user).
body_section = _body_page.section


def body_sections(user: User, body: CoordinationBody) -> list[ShownSection]:
    """The sections to show on a body's page, in order."""
    return _body_page.shown(user, body)


@organisation_section(
    key="bodies", template="coordination/organisation_bodies.html", order=50
)
def organisation_bodies(user: User, organisation: Organisation) -> dict[str, Any]:
    """Every role that reads the organisation page sees its bodies."""
    return {
        "memberships": list(
            BodyMember.objects.filter(organisation=organisation)
            .select_related("body")
            .only("id", "body_id", "organisation_id", "role", "body__id", "body__name")
            .order_by("body__name")
        ),
        "convened": list(
            CoordinationBody.objects.filter(convenors=organisation)
            .only("id", "name")
            .order_by("name")
        ),
    }
