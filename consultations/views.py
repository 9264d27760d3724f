"""Pages of the questionnaires: the list, an XLSForm import, a version's
questions, and its XLSForm and XForm to download."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import current_user, permission_required
from consultations import selectors
from consultations.access import get_questionnaire_for_user
from consultations.engine import Evaluation, Page, Spec, evaluation_run, spec_for
from consultations.filling import (
    all_errors,
    copy_rows,
    first_page_with,
    page_apply,
    page_errors,
    page_fields,
    page_items,
    pages_shown,
    repeat_change,
)
from consultations.forms import ImportForm
from consultations.services import questionnaire_import
from consultations.xlsform import XLSFormError, xform_write, xlsform_read, xlsform_write
from lib.views import GET_POST, query_id, render_page_or_partial


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


# Answering -----------------------------------------------------------------


@dataclass
class Sheet:
    """A questionnaire being answered, wherever its answers are kept: the
    coordinator's preview (the session), an invitation or the public link
    (a draft response)."""

    spec: Spec
    title: str
    url: str
    answers: dict[str, Any]
    page: int
    save: Callable[[dict[str, Any], int], None]
    finish: Callable[[Evaluation, str], HttpResponse]
    intro: str = ""
    preview: bool = False
    instance_id: str = ""


def _page(pages: list[Page], number: int | None) -> Page:
    for page in pages:
        if page.number == number:
            return page
    later = [page for page in pages if number is not None and page.number > number]
    return later[0] if later else pages[-1] if number else pages[0]


def _sheet_render(
    request: HttpRequest,
    sheet: Sheet,
    evaluation: Evaluation,
    page: Page,
    *,
    language: str,
    options: Callable[[str], list[tuple[str, str]]],
    errors: dict[str, str] | None = None,
    raw: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = pages_shown(evaluation)
    position = shown.index(page) + 1 if page in shown else 1
    errors = errors or {}
    items = page_items(evaluation, page, language, options, errors, raw)
    labels = {
        one.key: one.node.text("label", language) or one.node.name
        for one in evaluation.fields.values()
    }
    context = {
        "sheet": sheet,
        "page": page,
        "items": items,
        "position": position,
        "page_count": len(shown),
        "is_first": position == 1,
        "is_last": position == len(shown),
        "error_list": [
            (evaluation.fields[key].html_id, labels.get(key, key), message)
            for key, message in errors.items()
            if key in evaluation.fields
        ],
        "form_language": language,
        "missing_language": get_language() not in sheet.spec.language_codes()
        and bool(sheet.spec.languages),
    }
    response = render_page_or_partial(
        request, "consultations/answer/page.html", "sheet", context
    )
    response.status_code = status
    return response


def sheet_respond(request: HttpRequest, sheet: Sheet) -> HttpResponse:
    """A page of the questionnaire (GET), or what a page's buttons do
    (POST): next and back save the page, "add" and "remove" change a
    repeat, the last page's button submits, and htmx's refresh saves and
    shows what the answers change (relevance, calculations, choices)."""
    spec = sheet.spec
    language = spec.language_for(get_language())
    options = selectors.options_memo()
    if request.method != "POST":
        evaluation = evaluation_run(spec, sheet.answers)
        requested = query_id(request.GET.get("page")) or sheet.page
        page = _page(pages_shown(evaluation), requested)
        return _sheet_render(
            request, sheet, evaluation, page, language=language, options=options
        )
    evaluation = evaluation_run(spec, sheet.answers)
    shown = pages_shown(evaluation)
    page = _page(shown, query_id(request.POST.get("page")))
    applied = page_apply(spec, sheet.answers, page, request.POST, language, options)
    answers = applied.evaluation.answers()
    action = request.POST.get("action", "next")
    htmx = getattr(request, "htmx", None)
    if action.startswith(("add:", "remove:")):
        changed = dict(applied.answers)
        if repeat_change(changed, action):
            answers = evaluation_run(spec, changed).answers()
            # Keep the empty instance just added: answers() drops it.
            if action.startswith("add:"):
                answers = _with_instances(changed, answers)
        sheet.save(answers, page.number)
        evaluation = evaluation_run(spec, answers)
        return _sheet_render(
            request,
            sheet,
            evaluation,
            _page(pages_shown(evaluation), page.number),
            language=language,
            options=options,
            errors=applied.errors,
            raw=applied.raw,
        )
    answers = _with_instances(applied.answers, answers)
    sheet.save(answers, page.number)
    evaluation = evaluation_run(spec, answers)
    shown = pages_shown(evaluation)
    if htmx or action == "refresh":
        # As the person answers: only what they typed wrong, not what is
        # still to answer.
        errors = {
            key: message
            for key, message in page_errors(evaluation, page, language).items()
            if evaluation.fields[key].value
        } | applied.errors
        return _sheet_render(
            request,
            sheet,
            evaluation,
            _page(shown, page.number),
            language=language,
            options=options,
            errors=errors,
            raw=applied.raw,
        )
    if action == "back":
        earlier = [p for p in shown if p.number < page.number]
        target = earlier[-1] if earlier else _page(shown, page.number)
        return redirect(f"{sheet.url}?page={target.number}")
    errors = page_errors(evaluation, page, language) | applied.errors
    if action == "save" or errors:
        if action == "save":
            messages.success(
                request,
                _(
                    "Vos réponses sont enregistrées. Revenez par le même lien "
                    "pour continuer."
                )
                if not sheet.preview
                else _("Réponses gardées pour cet aperçu."),
            )
        return _sheet_render(
            request,
            sheet,
            evaluation,
            _page(shown, page.number),
            language=language,
            options=options,
            errors=errors if action != "save" else applied.errors,
            raw=applied.raw,
            status=400 if errors and action != "save" else 200,
        )
    later = [p for p in shown if p.number > page.number]
    if action == "submit" or not later:
        errors = all_errors(evaluation, language)
        if errors:
            first = first_page_with(evaluation, errors) or page.number
            target = _page(shown, first)
            return _sheet_render(
                request,
                sheet,
                evaluation,
                target,
                language=language,
                options=options,
                errors={
                    k: v for k, v in errors.items() if k in _keys(evaluation, target)
                },
                status=400,
            )
        return sheet.finish(evaluation, language)
    return redirect(f"{sheet.url}?page={later[0].number}")


def _keys(evaluation: Evaluation, page: Page) -> set[str]:
    return {one.key for one in page_fields(evaluation, page)}


def _with_instances(source: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """`answers` keeping the repeat instances `source` has, even empty ones
    (the person added them and has not answered yet)."""
    merged = dict(answers)
    for name, value in source.items():
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) for v in value)
        ):
            found = merged.get(name)
            kept: list[Any] = found if isinstance(found, list) else []
            merged[name] = [
                _with_instances(entry, kept[index] if index < len(kept) else {})
                for index, entry in enumerate(value)
            ]
    return merged


def copy_context(evaluation: Evaluation, language: str) -> dict[str, Any]:
    return {"rows": copy_rows(evaluation, language, selectors.options_memo())}


@GET_POST
@permission_required("consultations.manage")
def questionnaire_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire as a respondent meets it; answers are kept in the
    session and never stored."""
    questionnaire = get_questionnaire_for_user(current_user(request), pk)
    key = f"consultations-preview-{questionnaire.pk}"
    spec = spec_for(questionnaire)
    stored = request.session.get(key) or {}
    if request.GET.get("reset") or not stored:
        stored = {"answers": evaluation_run(spec, {}, fresh=True).answers(), "page": 1}
        request.session[key] = stored

    def save(answers: dict[str, Any], page: int) -> None:
        request.session[key] = {"answers": answers, "page": page}

    def finish(evaluation: Evaluation, language: str) -> HttpResponse:
        request.session.pop(key, None)
        return render(
            request,
            "consultations/answer/preview_done.html",
            {"questionnaire": questionnaire, **copy_context(evaluation, language)},
        )

    sheet = Sheet(
        spec=spec,
        title=questionnaire.title,
        url=reverse("consultations:questionnaire_preview", args=[questionnaire.pk]),
        answers=stored.get("answers") or {},
        page=stored.get("page") or 1,
        save=save,
        finish=finish,
        preview=True,
    )
    return sheet_respond(request, sheet)
