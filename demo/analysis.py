"""The analysis's part of the demo: assessments of some coordination bodies (all
fictitious); the others are left to assess."""

import datetime
from typing import Any

from analysis import services as analysis_services
from analysis.models import BodyAssessment
from coordination.models import CoordinationBody

NOTE = "Évaluation d'exemple : les notes sont fictives."

# Body name: (date, the five scores in BodyAssessment.CRITERIA's order).
BODY_ASSESSMENTS: dict[str, tuple[tuple[datetime.date, tuple[int, ...]], ...]] = {
    "Task force Ukraine — Wallonie": (
        (datetime.date(2024, 6, 30), (4, 3, 3, 3, 3)),
        (datetime.date(2025, 6, 30), (4, 4, 3, 4, 4)),
    ),
    "Plateforme provinciale d'accueil — Liège": (
        (datetime.date(2025, 3, 31), (3, 4, 2, 3, 3)),
    ),
    "Comité de concertation CPAS — Hainaut": (
        (datetime.date(2025, 3, 31), (2, 3, 2, 2, 2)),
    ),
    "Groupe de travail Santé mentale et soutien psychosocial": (
        (datetime.date(2025, 5, 15), (3, 2, 3, 2, 1)),
    ),
}


def body_assessment_part(builder: Any) -> None:
    """The assessments of the demo's bodies that have none yet."""
    bodies = CoordinationBody.objects.filter(name__in=BODY_ASSESSMENTS).exclude(
        assessments__isnull=False
    )
    for body in bodies:
        for day, scores in BODY_ASSESSMENTS[body.name]:
            analysis_services.body_assessment_create(
                by=builder.by,
                body=body,
                fields={
                    **dict(zip(BodyAssessment.CRITERIA, scores, strict=True)),
                    "assessed_on": day,
                    "note": NOTE,
                },
            )
            builder.summary.created["body assessments"] += 1
