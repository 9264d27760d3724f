"""Writes of the analysis: the assessments of coordination bodies. (Population
figures are the territory's: see territory.services.)"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from analysis.models import BodyAssessment
from coordination.models import CoordinationBody


def body_assessment_create(
    *, by: User, body: CoordinationBody, fields: Mapping[str, Any]
) -> BodyAssessment:
    """Record a new assessment of a body; earlier ones stay as the series. A
    proposed body does not exist yet: it cannot be assessed."""
    if body.status == CoordinationBody.Status.PROPOSED:
        raise ValidationError(
            _("Un organe proposé n'existe pas encore : il ne peut pas être évalué.")
        )
    assessment = BodyAssessment(body=body, author=by, **fields)
    assessment.full_clean()
    assessment.save()
    return assessment
