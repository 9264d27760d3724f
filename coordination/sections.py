"""Coordination's section of the organisation page: the bodies it convenes or
sits on."""

from typing import Any

from accounts.models import User
from coordination.models import BodyMember, CoordinationBody
from register.models import Organisation
from register.sections import organisation_section


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
