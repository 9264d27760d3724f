"""Coordination's section of the organisation page: the bodies it convenes or
sits on."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, Subquery

from accounts.models import User
from coordination.models import BodyMember, CoordinationBody
from register.models import Organisation
from register.sections import organisation_section


@organisation_section(
    key="bodies", template="coordination/organisation_bodies.html", order=50
)
def organisation_bodies(user: User, organisation: Organisation) -> dict[str, Any]:
    """Every role that reads the organisation page sees its bodies: those it
    convenes and those it sits on with its role, in one query."""
    role = BodyMember.objects.filter(
        body=OuterRef("pk"), organisation=organisation
    ).values("role")[:1]
    convenes = CoordinationBody.convenors.through.objects.filter(
        coordinationbody_id=OuterRef("pk"), organisation_id=organisation.pk
    )
    bodies = list(
        CoordinationBody.objects.annotate(
            member_role=Subquery(role), convenes=Exists(convenes)
        )
        .filter(Q(member_role__isnull=False) | Q(convenes=True))
        .only("id", "name")
        .order_by("name")
    )
    return {
        "memberships": [
            BodyMember(body=body, organisation=organisation, role=body.member_role)
            for body in bodies
            if body.member_role is not None
        ],
        "convened": [body for body in bodies if body.convenes],
    }
