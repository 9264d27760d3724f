"""The analysis's section of a coordination body's page: the competent levels
missing from it, and (for those who read assessments) its latest assessment."""

from typing import Any

from accounts.models import User
from accounts.permissions import can
from analysis.bodies import body_levels
from analysis.models import BodyAssessment
from analysis.selectors import missing_levels
from coordination.models import CoordinationBody
from coordination.sections import body_section


@body_section(key="assessment", template="analysis/body_section.html", order=20)
def body_assessment_section(user: User, body: CoordinationBody) -> dict[str, Any]:
    context: dict[str, Any] = {
        "body": body,
        "missing": missing_levels(
            body_levels([body.pk], present=False)[body.pk].missing
        ),
        "scores": can(user, "assessment.view"),
    }
    if context["scores"]:
        latest = (
            BodyAssessment.objects.filter(body=body)
            .select_related("author")
            .order_by("-assessed_on", "-id")
            .first()
        )
        context["latest"] = latest
        context["criteria"] = [
            (label, getattr(latest, name, None))
            for name, label in zip(
                BodyAssessment.CRITERIA, BodyAssessment.criteria_labels(), strict=True
            )
        ]
        context["can_assess"] = (
            can(user, "register.manage")
            and body.status != CoordinationBody.Status.PROPOSED
        )
    return context
