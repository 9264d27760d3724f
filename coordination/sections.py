"""The sections of the body page that higher apps add (analysis: the body's
assessments), and coordination's own section of the organisation page: the
bodies an organisation convenes or sits on."""

from typing import Any

from django.db.models import Value
from django.utils.translation import gettext as _

from accounts.models import User
from coordination.models import BodyMember, CoordinationBody
from lib.collation import sort_key
from lib.sections import PageSections, ShownSection
from lib.urls import reverser
from register.models import Organisation
from register.sections import organisation_section

_body_page = PageSections()

# Register a section of the body page (a decorator on the function that reads
# its context from the user and the body; it returns None to show nothing to
# this user).
body_section = _body_page.section

# What a convenor row says in place of a member's role (no role is empty).
CONVENES = ""


def body_sections(user: User, body: CoordinationBody) -> list[ShownSection]:
    """The sections to show on a body's page, in order."""
    return _body_page.shown(user, body)


@organisation_section(
    key="bodies", template="coordination/organisation_bodies.html", order=50
)
def organisation_bodies(user: User, organisation: Organisation) -> dict[str, Any]:
    """Every role that reads the organisation page sees its bodies: those it
    convenes, then those it sits on with its role, each by name. One query for
    both (a page read often, where each query costs more to write than to run)."""
    seats = (
        BodyMember.objects.filter(organisation=organisation)
        .order_by()
        .values_list("body_id", "body__name", "role")
    )
    convened = (
        CoordinationBody.objects.filter(convenors=organisation)
        .order_by()
        .values_list("pk", "name", Value(CONVENES))
    )
    roles = dict(BodyMember.Role.choices)
    url = reverser("coordination:body_detail")
    rows = sorted(
        seats.union(convened, all=True).order_by(),
        key=lambda row: (row[2] != CONVENES, sort_key(row[1]), row[0]),
    )
    return {
        "bodies": [
            {
                "name": name,
                "url": url(pk),
                "role": _("le convoque") if role == CONVENES else roles.get(role, ""),
            }
            for pk, name, role in rows
        ]
    }
