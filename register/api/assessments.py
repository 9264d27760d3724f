"""Stakeholder assessments of organisations (influence, interest, attitude)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_auth import api_user
from lib.api import Id, PageNumbers
from lib.problems import problems
from register import services
from register.access import get_assessment_for_user
from register.models import (
    Assessment,
)
from register.refs import RegisterRefs
from register.schemas import (
    AssessmentFiltersIn,
    AssessmentIn,
    AssessmentOut,
)

router = Router()

# Assessments


@router.get(
    "/assessments",
    response={200: list[AssessmentOut], **problems(401, 403, 422)},
    operation_id="register_assessment_list",
    summary="List stakeholder assessments, newest first (not for focal points)",
)
@paginate(PageNumbers)
def list_assessments(
    request: HttpRequest, filters: Query[AssessmentFiltersIn]
) -> QuerySet[Assessment]:
    api_user(request, may="assessment.view")
    assessments = Assessment.objects.select_related("author")
    if filters.organisation is not None:
        assessments = assessments.filter(organisation_id=filters.organisation)
    return assessments.order_by("organisation_id", "-assessed_on", "-id")


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **problems(401, 403, 404)},
    operation_id="register_assessment_detail",
    summary="One stakeholder assessment",
)
def get_assessment(request: HttpRequest, assessment_id: Id) -> Assessment:
    return get_assessment_for_user(api_user(request), assessment_id)


@router.post(
    "/assessments",
    response={201: AssessmentOut, **problems(401, 403, 422)},
    operation_id="register_assessment_create",
    summary="Record a stakeholder assessment (coordinators); the series is kept",
)
def create_assessment(
    request: HttpRequest, payload: AssessmentIn
) -> Status[Assessment]:
    user = api_user(request, may="register.manage")
    refs = RegisterRefs(user)
    organisation = refs.organisation("organisation", payload.organisation)
    refs.check()
    fields = payload.model_dump()
    fields["organisation"] = organisation
    fields["assessed_on"] = fields["assessed_on"] or timezone.localdate()
    return Status(201, services.assessment_create(by=user, fields=fields))
