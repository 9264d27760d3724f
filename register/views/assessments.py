"""Pages of the stakeholder assessments: the series, a new one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_safe,
)

from accounts.permissions import can, current_user, permission_required
from lib.forms import apply_service_errors
from lib.views import GET_POST
from register import services
from register.access import (
    get_organisation_for_user,
)
from register.forms import (
    AssessmentForm,
)
from register.models import Assessment


@require_safe
@permission_required("assessment.view")
def assessment_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk)
    assessments = (
        Assessment.objects.filter(organisation=organisation)
        .select_related("author")
        .order_by("-assessed_on", "-id")
    )
    return render(
        request,
        "register/assessment_list.html",
        {
            "organisation": organisation,
            "assessments": assessments,
            "can_assess": can(user, "register.manage") and not organisation.is_archived,
        },
    )


@GET_POST
@permission_required("register.manage")
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk, write=True)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_create(
                by=user,
                fields={"organisation": organisation, **form.assessment_fields()},
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("L'évaluation a été enregistrée."))
            return redirect("register:assessment_list", pk=organisation.pk)
    return render(
        request,
        "register/assessment_form.html",
        {"form": form, "organisation": organisation},
    )
