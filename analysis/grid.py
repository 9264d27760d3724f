"""The influence/interest grid: each active organisation placed by its latest
assessment (influence and interest, from 1 to 5) in one of four quadrants,
with the engagement strategy the quadrant suggests; and the organisations not
yet assessed. Placed, counted and sorted by the database.

A score of 4 or 5 is high, 1 to 3 low:

- high influence, high interest: manage closely — collaborate;
- high influence, low interest: keep satisfied — consult;
- low influence, high interest: keep informed — involve;
- low influence, low interest: monitor — inform.
"""

from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from register.models import Assessment, Organisation

HIGH = 4
QUADRANTS = {
    "manage_closely": (_("Gérer de près"), Assessment.Strategy.COLLABORATE),
    "keep_satisfied": (_("Satisfaire"), Assessment.Strategy.CONSULT),
    "keep_informed": (_("Tenir informées"), Assessment.Strategy.INVOLVE),
    "monitor": (_("Suivre"), Assessment.Strategy.INFORM),
}
UNASSESSED = "unassessed"


def grid_organisations() -> QuerySet[Any]:
    """Active organisations with their latest assessment's scores, strategy
    and date, and their `quadrant` (UNASSESSED without an assessment)."""
    latest = Assessment.objects.filter(organisation=OuterRef("pk")).order_by(
        "-assessed_on", "-id"
    )
    high_influence = Q(influence__gte=HIGH)
    high_interest = Q(interest__gte=HIGH)
    return (
        Organisation.objects.active()
        .only("id", "name", "acronym")
        .annotate(
            influence=Subquery(latest.values("influence")[:1], IntegerField()),
            interest=Subquery(latest.values("interest")[:1], IntegerField()),
            strategy=Subquery(latest.values("strategy")[:1], CharField()),
            assessed_on=Subquery(latest.values("assessed_on")[:1]),
        )
        .annotate(
            quadrant=Case(
                When(influence__isnull=True, then=Value(UNASSESSED)),
                When(high_influence & high_interest, then=Value("manage_closely")),
                When(high_influence, then=Value("keep_satisfied")),
                When(high_interest, then=Value("keep_informed")),
                default=Value("monitor"),
                output_field=CharField(),
            )
        )
    )


def grid_counts() -> dict[str, int]:
    """How many organisations each quadrant holds, and how many are not yet
    assessed (one query)."""
    counts = dict.fromkeys([*QUADRANTS, UNASSESSED], 0)
    rows = (
        grid_organisations()
        .order_by()
        .values("quadrant")
        .annotate(organisations=Count("id"))
        .values_list("quadrant", "organisations")
    )
    counts.update({quadrant: int(number) for quadrant, number in rows})
    return counts


def quadrant_organisations(quadrant: str) -> QuerySet[Any]:
    """A quadrant's organisations, the most influential and interested first
    (those not yet assessed by name)."""
    rows = grid_organisations().filter(quadrant=quadrant)
    if quadrant == UNASSESSED:
        return rows.order_by("name", "id")
    return rows.order_by("-influence", "-interest", "name", "id")
