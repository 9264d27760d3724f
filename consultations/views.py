"""Pages of the questionnaires: the list, an XLSForm import, a version's
questions, and its XLSForm and XForm to download."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import current_user, permission_required
from consultations import selectors
from consultations.access import get_questionnaire_for_user
from consultations.forms import ImportForm
from consultations.services import questionnaire_import
from consultations.xlsform import XLSFormError, xform_write, xlsform_read, xlsform_write
from lib.views import GET_POST


@require_safe
@permission_required("consultations.manage")
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "consultations/questionnaire_list.html",
        {"questionnaires": selectors.latest_questionnaires()},
    )


@GET_POST
@permission_required("consultations.manage")
def questionnaire_import_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ImportForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    checked = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = xlsform_read(upload.read(), upload.name or "")
        except XLSFormError as error:
            form.add_error("file", str(error))
        else:
            if form.cleaned_data["dry_run"]:
                # Checked: the form comes back ready to import it.
                form = ImportForm(initial={"key": form.cleaned_data["key"]})
            else:
                questionnaire = questionnaire_import(
                    form=checked, by=user, key=form.cleaned_data["key"]
                )
                messages.success(
                    request,
                    _("Questionnaire « %(title)s » importé (version %(version)s).")
                    % {"title": questionnaire.title, "version": questionnaire.version},
                )
                return redirect("consultations:questionnaire_detail", questionnaire.pk)
    return render(
        request,
        "consultations/questionnaire_import.html",
        {"form": form, "checked": checked},
        status=400 if form.errors else 200,
    )


@require_safe
@permission_required("consultations.manage")
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(current_user(request), pk)
    return render(
        request,
        "consultations/questionnaire_detail.html",
        {"questionnaire": questionnaire, **selectors.as_context(questionnaire)},
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@permission_required("consultations.manage")
def questionnaire_xlsform(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(current_user(request), pk)
    return _download(
        xlsform_write(questionnaire.definition),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{questionnaire.key}-v{questionnaire.version}.xlsx",
    )


@require_safe
@permission_required("consultations.manage")
def questionnaire_xform(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(current_user(request), pk)
    return _download(
        xform_write(questionnaire.definition).encode(),
        "application/xml",
        f"{questionnaire.key}-v{questionnaire.version}.xml",
    )
