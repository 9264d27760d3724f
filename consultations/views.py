"""Pages of the questionnaires: the list, an XLSForm import, a version's
questions, and its XLSForm and XForm to download."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import can, current_user, permission_required
from consultations import binding, builder, results, selectors
from consultations.access import (
    get_questionnaire_for_user,
    get_response_for_user,
    get_round_for_user,
    invitation_for_key,
    own_organisation_ids,
    round_for_public_key,
)
from consultations.engine import Evaluation, Page, Spec, evaluation_run, spec_for
from consultations.exports import answers_pdf, results_pdf
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
from consultations.forms import (
    KIND_LABELS,
    AudienceForm,
    BindingsForm,
    BuilderForm,
    ChoiceAddForm,
    ChoiceForm,
    ImportForm,
    LanguageAddForm,
    QuestionAddForm,
    ResultFiltersForm,
    ReviewForm,
    RoundForm,
    RowForm,
    SettingsForm,
    TranslationForm,
)
from consultations.models import Adoption, Invitation, Questionnaire, Response, Round
from consultations.services import (
    EditConflict,
    ResponseConflict,
    answers_adopt,
    invitation_open,
    invitation_remove,
    invitations_add,
    questionnaire_edit,
    questionnaire_import,
    response_draft,
    response_reopen,
    response_save,
    response_submit,
    round_bindings_set,
    round_close,
    round_launch,
    round_publish,
    round_remind,
    round_update,
)
from consultations.services import round_create as round_create_service
from consultations.xlsform import XLSFormError, xform_write, xlsform_read, xlsform_write
from lib.forms import apply_service_errors
from lib.ratelimit import client_key, rate_limited
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
        if page.number != sheet.page:
            # Coming back by the link later opens the page last shown.
            sheet.save(sheet.answers, page.number)
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


# Rounds --------------------------------------------------------------------


@require_safe
@permission_required("consultations.view")
def index(request: HttpRequest) -> HttpResponse:
    """Coordinators: every round. Focal points: their organisations'
    invitations."""
    user = current_user(request)
    if can(user, "consultations.manage"):
        return render(
            request,
            "consultations/round_list.html",
            {
                "rounds": selectors.rounds(),
                "questionnaire_count": Questionnaire.objects.count(),
            },
        )
    return render(
        request,
        "consultations/my_invitations.html",
        {
            "invitations": selectors.invitations_for_organisations(
                own_organisation_ids(user)
            )
        },
    )


def _round_form_page(
    request: HttpRequest, form: RoundForm, round_: Round | None
) -> HttpResponse:
    return render(
        request,
        "consultations/round_form.html",
        {"form": form, "round": round_},
        status=400 if form.errors else 200,
    )


@GET_POST
@permission_required("consultations.manage")
def round_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    questionnaire = query_id(request.GET.get("questionnaire"))
    if questionnaire:
        initial["questionnaire"] = questionnaire
    form = RoundForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_ = round_create_service(
                by=current_user(request),
                fields=form.cleaned_data,
                public=form.cleaned_data["public"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Tour « %(title)s » créé.") % {"title": round_.title}
            )
            return redirect(round_)
    return _round_form_page(request, form, None)


@GET_POST
@permission_required("consultations.manage")
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(current_user(request), pk)
    form = RoundForm(
        request.POST if request.method == "POST" else None, instance=round_
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_update(
                round_=round_,
                fields=form.cleaned_data,
                public=form.cleaned_data["public"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Tour enregistré."))
            return redirect(round_)
    return _round_form_page(request, form, round_)


def _round_page(
    request: HttpRequest, round_: Round, audience: AudienceForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "consultations/round_detail.html",
        {
            "round": round_,
            "progress": selectors.round_progress(round_),
            "by_level": selectors.progress_by(round_, "level"),
            "by_province": selectors.progress_by(round_, "province"),
            "page": selectors.invitation_page(round_, request.GET.get("page")),
            "audience": audience,
            "public_url": request.build_absolute_uri(
                reverse("consultations:public", args=[round_.public_key])
            )
            if round_.public_key
            else "",
        },
        status=status,
    )


@require_safe
@permission_required("consultations.manage")
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(current_user(request), pk)
    return _round_page(request, round_, AudienceForm())


@require_POST
@permission_required("consultations.manage")
def round_invite(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(current_user(request), pk)
    form = AudienceForm(request.POST)
    if form.is_valid():
        try:
            added = invitations_add(round_=round_, audience=form.audience())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s invitation ajoutée.",
                    "%(count)s invitations ajoutées.",
                    added,
                )
                % {"count": added},
            )
            return redirect(round_)
    return _round_page(request, round_, form, status=400)


ROUND_ACTIONS = {"launch", "remind", "close", "publish", "unpublish"}


@require_POST
@permission_required("consultations.manage")
def round_action(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(current_user(request), pk)
    action = request.POST.get("action", "")
    if action not in ROUND_ACTIONS:
        messages.error(request, _("Action inconnue."))
        return redirect(round_)
    try:
        if action == "launch":
            round_launch(round_=round_)
            messages.success(request, _("Tour lancé : les invitations partent."))
        elif action == "remind":
            count = round_remind(round_=round_)
            messages.success(
                request,
                ngettext(
                    "%(count)s rappel envoyé.", "%(count)s rappels envoyés.", count
                )
                % {"count": count},
            )
        elif action == "close":
            round_close(round_=round_)
            messages.success(request, _("Tour clos."))
        else:
            round_publish(round_=round_, published=action == "publish")
            messages.success(
                request,
                _("Résultats publiés aux répondants.")
                if action == "publish"
                else _("Résultats retirés."),
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(round_)


@require_POST
@permission_required("consultations.manage")
def invitation_delete(
    request: HttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    round_ = get_round_for_user(current_user(request), pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, round=round_)
    try:
        invitation_remove(invitation=invitation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invitation retirée."))
    return redirect(round_)


def _copy(response: Response, language: str = "") -> dict[str, Any]:
    spec = spec_for(response.questionnaire)
    language = language or spec.language_for(get_language())
    evaluation = evaluation_run(spec, response.answers)
    return copy_context(evaluation, language)


@require_safe
@permission_required("consultations.view")
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    response = get_response_for_user(user, pk)
    round_ = response.round
    invitation = response.invitation
    shown_who = not round_.anonymous or not can(user, "consultations.manage")
    return render(
        request,
        "consultations/response_detail.html",
        {
            "response": response,
            "round": round_,
            "who": invitation if shown_who else None,
            "can_manage": can(user, "consultations.manage"),
            **_copy(response),
        },
    )


@require_POST
@permission_required("consultations.manage")
def response_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_response_for_user(current_user(request), pk)
    try:
        response_reopen(response=response, by=current_user(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Réponse rouverte : la personne peut la modifier par son lien "
                "et l'envoyer à nouveau."
            ),
        )
    return redirect("consultations:response_detail", response.pk)


def _pdf(response: Response) -> HttpResponse:
    invitation = response.invitation
    content = answers_pdf(
        {
            "round": response.round,
            "response": response,
            "organisation": invitation.organisation if invitation else None,
            **_copy(response),
        }
    )
    download = HttpResponse(content, content_type="application/pdf")
    download["Content-Disposition"] = (
        f'attachment; filename="reponses-{response.round.pk}-{response.pk}.pdf"'
    )
    return download


@require_safe
@permission_required("consultations.view")
def response_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_response_for_user(current_user(request), pk)
    if response.status != Response.Status.SUBMITTED:
        raise Http404
    return _pdf(response)


# Answering a round ----------------------------------------------------------


def _closed(request: HttpRequest, round_: Round) -> HttpResponse:
    return render(
        request, "consultations/answer/closed.html", {"round": round_}, status=403
    )


def _answer_sheet(
    request: HttpRequest, round_: Round, response: Response, url: str, done_url: str
) -> HttpResponse:
    spec = spec_for(response.questionnaire)

    def save(answers: dict[str, Any], page: int) -> None:
        response_save(response=response, answers=answers, page=page)

    def finish(evaluation: Evaluation, language: str) -> HttpResponse:
        try:
            response_submit(
                round_=round_,
                instance_id=response.instance_id,
                answers=evaluation.answers(),
                invitation=response.invitation,
                language=language,
            )
        except ResponseConflict:
            messages.error(request, _("Ces réponses ont déjà été envoyées."))
        return redirect(done_url)

    sheet = Sheet(
        spec=spec,
        title=round_.title,
        url=url,
        answers=response.answers,
        page=response.page,
        save=save,
        finish=finish,
        intro=round_.introduction,
        instance_id=response.instance_id,
    )
    return sheet_respond(request, sheet)


@login_not_required
@GET_POST
def answer(request: HttpRequest, key: str) -> HttpResponse:
    """The questionnaire through an invitation's link: no account needed."""
    invitation = invitation_for_key(key)
    round_ = invitation.round
    url = reverse("consultations:answer", args=[key])
    done_url = reverse("consultations:answer_done", args=[key])
    response = (
        Response.objects.filter(invitation=invitation)
        .select_related("questionnaire")
        .first()
    )
    if response is not None and response.status == Response.Status.SUBMITTED:
        return redirect(done_url)
    if not round_.is_open:
        return _closed(request, round_)
    invitation_open(invitation)
    if response is None:
        spec = spec_for(round_.questionnaire)
        response = response_draft(
            round_=round_,
            invitation=invitation,
            answers=evaluation_run(spec, {}, fresh=True).answers(),
        )
    return _answer_sheet(request, round_, response, url, done_url)


@login_not_required
@require_safe
def answer_done(request: HttpRequest, key: str) -> HttpResponse:
    invitation = invitation_for_key(key)
    response = (
        Response.objects.filter(invitation=invitation, status=Response.Status.SUBMITTED)
        .select_related("questionnaire", "round")
        .first()
    )
    if response is None:
        return redirect("consultations:answer", key)
    return render(
        request,
        "consultations/answer/done.html",
        {
            "round": invitation.round,
            "response": response,
            "invitation": invitation,
            "pdf_url": reverse("consultations:answer_pdf", args=[key]),
            **_copy(response),
        },
    )


@login_not_required
@require_safe
def answer_pdf(request: HttpRequest, key: str) -> HttpResponse:
    invitation = invitation_for_key(key)
    response = Response.objects.filter(
        invitation=invitation, status=Response.Status.SUBMITTED
    ).first()
    if response is None:
        raise Http404
    return _pdf(response)


PUBLIC_LIMIT = 30  # new answers per address and hour through a public link
PUBLIC_WINDOW = 3600


@login_not_required
@GET_POST
def public(request: HttpRequest, key: str) -> HttpResponse:
    """The questionnaire through a round's public link: anonymous; the draft
    is found again by this browser's session."""
    round_ = round_for_public_key(key)
    url = reverse("consultations:public", args=[key])
    session_key = f"consultations-public-{round_.pk}"
    response = None
    pk = request.session.get(session_key)
    if pk:
        response = (
            Response.objects.filter(pk=pk, round=round_)
            .select_related("questionnaire")
            .first()
        )
    if response is not None and response.status == Response.Status.SUBMITTED:
        return render(
            request,
            "consultations/answer/done.html",
            {"round": round_, "response": response, **_copy(response)},
        )
    if not round_.is_open:
        return _closed(request, round_)
    if response is None:
        if rate_limited(
            "consultations-public",
            client_key(request),
            limit=PUBLIC_LIMIT,
            window=PUBLIC_WINDOW,
        ):
            return render(
                request,
                "consultations/answer/closed.html",
                {"round": round_, "too_many": True},
                status=429,
            )
        spec = spec_for(round_.questionnaire)
        response = response_draft(
            round_=round_,
            invitation=None,
            answers=evaluation_run(spec, {}, fresh=True).answers(),
        )
        request.session[session_key] = response.pk
    return _answer_sheet(request, round_, response, url, url)


# Results -------------------------------------------------------------------


def _results_context(
    request: HttpRequest, round_: Round, *, published: bool = False
) -> dict[str, Any]:
    spec = spec_for(round_.questionnaire)
    language = spec.language_for(get_language())
    options = selectors.options_memo()
    choosing = [
        (node.name, node.text("label", language) or node.name)
        for node in spec.nodes.values()
        if node.kind in results.CHOOSING
    ]
    form = ResultFiltersForm(
        None if published else request.GET or None, questions=choosing
    )
    filters = form.filters() if form.is_bound else results.Filters()
    responses = results.submitted(round_, filters)
    total, questions = results.results_cached(
        round_,
        spec,
        responses,
        language=language,
        options=options,
        search="" if published else filters.q,
        filters_key=repr(filters.lookups()),
    )
    context: dict[str, Any] = {
        "round": round_,
        "form": form,
        "total": total,
        "questions": questions,
        "published": published,
        "query": request.GET.urlencode(),
    }
    if form.is_bound and form.is_valid() and form.cleaned_data.get("cross"):
        node = spec.nodes.get(form.cleaned_data["cross"])
        dimension = form.cleaned_data.get("by") or "level"
        if node is not None:
            choices, rows = results.crosstab(
                round_, spec, responses, node, dimension, language=language,
                options=options,
            )  # fmt: skip
            context["crosstab"] = {
                "question": node.text("label", language) or node.name,
                "dimension": dict(form.fields["by"].choices)[dimension],  # type: ignore[attr-defined]
                "choices": choices,
                "rows": rows,
            }
    return context


@require_safe
@permission_required("consultations.manage")
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(current_user(request), pk)
    context = _results_context(request, round_)
    return render(
        request,
        "consultations/results.html",
        context,
        status=400 if context["form"].errors else 200,
    )


EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@require_safe
@permission_required("consultations.manage")
def round_results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    round_ = get_round_for_user(current_user(request), pk)
    if fmt not in EXPORT_TYPES:
        raise Http404
    spec = spec_for(round_.questionnaire)
    form = ResultFiltersForm(request.GET or None, questions=[])
    filters = form.filters() if form.is_bound else results.Filters()
    header, rows = results.export_rows(
        round_,
        spec,
        results.submitted(round_, filters),
        language=spec.language_for(get_language()),
        options=selectors.options_memo(),
    )
    content = (
        results.export_xlsx(header, rows)
        if fmt == "xlsx"
        else results.export_csv(header, rows)
    )
    return _download(content, EXPORT_TYPES[fmt], f"tour-{round_.pk}-reponses.{fmt}")


@require_safe
@permission_required("consultations.manage")
def round_results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(current_user(request), pk)
    content = results_pdf(_results_context(request, round_))
    return _download(content, "application/pdf", f"tour-{round_.pk}-resultats.pdf")


@login_not_required
@require_safe
def published_results(request: HttpRequest, key: str) -> HttpResponse:
    """The results a coordinator published, for those invited: the figures,
    without the free answers nor who gave them."""
    invitation = invitation_for_key(key)
    round_ = invitation.round
    if not round_.results_published:
        raise Http404
    return render(
        request,
        "consultations/results_published.html",
        _results_context(request, round_, published=True),
    )


# Answers into the register -------------------------------------------------


def _bindings_form(request: HttpRequest, round_: Round) -> BindingsForm:
    spec = spec_for(round_.questionnaire)
    language = spec.language_for(get_language())
    available = binding.targets()
    questions = [
        (
            node.name,
            f"{node.text('label', language) or node.name} ({node.name})",
            [(t.code, t.label) for t in binding.targets_for(node, available)],
        )
        for node in binding.bindable(spec)
    ]
    return BindingsForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial_bindings=round_.bindings,
    )


@GET_POST
@permission_required("consultations.manage")
def round_register(request: HttpRequest, pk: int) -> HttpResponse:
    """Which questions feed the register, and the responses to review."""
    round_ = get_round_for_user(current_user(request), pk)
    form = _bindings_form(request, round_)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                round_bindings_set(round_=round_, bindings=form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Liaisons au registre enregistrées."))
                return redirect("consultations:round_register", round_.pk)
        status = 400
    return render(
        request,
        "consultations/round_register.html",
        {
            "round": round_,
            "form": form,
            "refusal": binding.why_not(round_),
            "page": selectors.register_reviews(round_, request.GET.get("page")),
        },
        status=status,
    )


@GET_POST
@permission_required("consultations.manage")
def response_register(request: HttpRequest, pk: int) -> HttpResponse:
    """A response's bound answers beside the register's current values; the
    coordinator writes those they accept into the register."""
    user = current_user(request)
    response = get_response_for_user(user, pk)
    round_ = response.round
    proposals = binding.proposals(response)
    form = ReviewForm(
        request.POST if request.method == "POST" else None, proposals=proposals
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            decisions = form.decisions()
            if not decisions:
                form.add_error(
                    None, _("Choisissez une décision pour au moins une réponse.")
                )
            else:
                try:
                    done = answers_adopt(
                        response=response, decisions=decisions, by=user
                    )
                except ValidationError as error:
                    apply_service_errors(
                        form,
                        error,
                        {name: f"decision-{name}" for name in round_.bindings},
                    )
                else:
                    accepted = sum(
                        1 for a in done if a.decision == Adoption.Decision.ACCEPTED
                    )
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s réponse écrite dans le registre.",
                            "%(count)s réponses écrites dans le registre.",
                            accepted,
                        )
                        % {"count": accepted},
                    )
                    return redirect("consultations:response_register", response.pk)
        status = 400
    organisation = binding.organisation_of(response)
    return render(
        request,
        "consultations/response_register.html",
        {
            "response": response,
            "round": round_,
            "organisation": organisation,
            "refusal": binding.why_not(round_, response),
            "form": form,
        },
        status=status,
    )


# The questionnaire builder -------------------------------------------------


def _builder_save(
    request: HttpRequest,
    questionnaire: Questionnaire,
    form: Any,
    edit: Callable[[], dict[str, Any]],
) -> HttpResponse | None:
    """Make the edit, keep it if the whole form is still valid, and go back
    to the builder (of the next version when this one is in use); None with
    the form's error when it cannot be kept."""
    saved = _builder_keep(request, questionnaire, form, edit)
    if saved is None:
        return None
    return redirect("consultations:questionnaire_builder", saved.pk)


def _builder_keep(
    request: HttpRequest,
    questionnaire: Questionnaire,
    form: Any,
    edit: Callable[[], dict[str, Any]],
) -> Questionnaire | None:
    try:
        definition = edit()
        saved = questionnaire_edit(
            questionnaire=questionnaire,
            definition=definition,
            by=current_user(request),
            digest=form.cleaned_data["digest"],
        )
    except builder.BuildError as error:
        form.add_error(None, str(error))
        return None
    except XLSFormError as error:
        form.add_error(
            None, _("Modification refusée : %(error)s") % {"error": str(error)}
        )
        return None
    except EditConflict:
        form.add_error(
            None,
            _(
                "Le questionnaire a changé depuis que vous l'avez ouvert : "
                "rechargez la page pour voir sa version actuelle."
            ),
        )
        return None
    if saved.pk != questionnaire.pk:
        messages.success(
            request,
            _(
                "La version %(old)s est en usage ou a des réponses : votre "
                "modification fait la version %(new)s, en brouillon."
            )
            % {"old": questionnaire.version, "new": saved.version},
        )
    else:
        messages.success(request, _("Modification enregistrée."))
    return saved


def _builder_form_page(
    request: HttpRequest,
    questionnaire: Questionnaire,
    form: Any,
    edit: Callable[[], dict[str, Any]],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A builder page of one form: the edit kept on a valid POST, else the
    page again with what is wrong."""
    if request.method == "POST" and form.is_valid():
        done = _builder_save(request, questionnaire, form, edit)
        if done is not None:
            return done
    return render(
        request,
        template,
        {"questionnaire": questionnaire, "form": form, **context},
        status=400 if form.errors else 200,
    )


def _builder_context(questionnaire: Questionnaire, **forms: Any) -> dict[str, Any]:
    definition = questionnaire.definition
    languages = builder.languages(definition)
    digest = builder.digest(definition)
    rows = builder.depth_rows(definition)
    lists: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for index, choice in enumerate(definition.get("choices", [])):
        lists.setdefault(choice.get("list_name", ""), []).append((index, choice))
    language = languages[0]
    choice_lists = [
        (
            name,
            [
                (index, choice.get("name", ""), builder.text(choice, "label", language))
                for index, choice in entries
            ],
        )
        for name, entries in lists.items()
    ]
    initial = {"digest": digest}
    defaults = {
        "settings_form": SettingsForm(
            prefix="settings",
            initial={
                **initial,
                "title": definition.get("settings", {}).get("form_title", ""),
                "default_language": languages[0],
            },
            languages=languages,
        ),
        "add_form": QuestionAddForm(prefix="question", initial=initial, rows=rows),
        "choice_form": ChoiceAddForm(
            prefix="choice", initial=initial, lists=list(lists)
        ),
        "language_form": LanguageAddForm(
            prefix="language", initial=initial, untranslated=languages == [""]
        ),
    }
    return {
        "questionnaire": questionnaire,
        "rows": rows,
        "choice_lists": choice_lists,
        "form_languages": [lang for lang in languages if lang],
        "untranslated": languages == [""],
        "digest": digest,
        "kinds": KIND_LABELS,
        "latest_version": selectors.versions(questionnaire).aggregate(v=Max("version"))[
            "v"
        ],
        **defaults,
        **forms,
    }


BUILDER_OPS = {
    "settings", "add", "up", "down", "delete", "choice-add", "choice-up",
    "choice-down", "choice-delete", "language",
}  # fmt: skip


@GET_POST
@permission_required("consultations.manage")
def questionnaire_builder(request: HttpRequest, pk: int) -> HttpResponse:
    """The builder: the form's settings, languages, questions and choices,
    each changed by a small form; every change is checked as an import is."""
    questionnaire = get_questionnaire_for_user(current_user(request), pk)
    if request.method == "GET":
        return render(
            request,
            "consultations/builder.html",
            _builder_context(questionnaire),
        )
    op = request.POST.get("op", "")
    definition = questionnaire.definition
    languages = builder.languages(definition)
    form: Any
    edit: Callable[[], dict[str, Any]]
    raw = request.POST.get("row", "")
    row = int(raw) if raw.isascii() and raw.isdecimal() and len(raw) < 7 else None
    if op == "settings":
        form = SettingsForm(request.POST, prefix="settings", languages=languages)
        key = "settings_form"

        def edit() -> dict[str, Any]:
            return builder.settings_update(
                definition,
                title=form.cleaned_data["title"],
                default_language=form.cleaned_data["default_language"],
            )
    elif op == "add":
        form = QuestionAddForm(
            request.POST, prefix="question", rows=builder.depth_rows(definition)
        )
        key = "add_form"

        def edit() -> dict[str, Any]:
            data = form.cleaned_data
            return builder.question_add(
                definition,
                kind=data["kind"],
                name=data["name"],
                label=data["label"],
                choices=data["choices"],
                after=data["after"],
            )
    elif op == "choice-add":
        form = ChoiceAddForm(
            request.POST,
            prefix="choice",
            lists=sorted(
                {c.get("list_name", "") for c in definition.get("choices", [])}
            ),
        )
        key = "choice_form"

        def edit() -> dict[str, Any]:
            data = form.cleaned_data
            return builder.choice_add(
                definition,
                list_name=data["list_name"],
                name=data["name"],
                label=data["label"],
            )
    elif op == "language":
        form = LanguageAddForm(
            request.POST, prefix="language", untranslated=languages == [""]
        )
        key = "language_form"
        if form.is_valid():
            language = " ".join(form.cleaned_data["language"].split())
            try:
                named = builder.language_add(
                    definition, language, form.cleaned_data.get("current", "")
                )
            except builder.BuildError as error:
                form.add_error(None, str(error))
            else:
                # A new language has no text yet: its translations give it
                # some. Texts that named no language are named first.
                target: Questionnaire | None = questionnaire
                if named != definition:
                    target = _builder_keep(request, questionnaire, form, lambda: named)
                if target is not None:
                    return redirect(
                        reverse(
                            "consultations:questionnaire_translations", args=[target.pk]
                        )
                        + "?"
                        + urlencode({"langue": language})
                    )
        return render(
            request,
            "consultations/builder.html",
            _builder_context(questionnaire, language_form=form),
            status=400,
        )
    elif op in BUILDER_OPS and row is not None:
        form = BuilderForm(request.POST)
        key = "row_form"
        moves: dict[str, Callable[[], dict[str, Any]]] = {
            "up": lambda: builder.row_move(definition, row, -1),
            "down": lambda: builder.row_move(definition, row, 1),
            "delete": lambda: builder.row_delete(definition, row),
            "choice-up": lambda: builder.choice_move(definition, row, -1),
            "choice-down": lambda: builder.choice_move(definition, row, 1),
            "choice-delete": lambda: builder.choice_delete(definition, row),
        }
        edit = moves[op]
    else:
        messages.error(request, _("Action inconnue."))
        return redirect("consultations:questionnaire_builder", questionnaire.pk)
    if form.is_valid():
        done = _builder_save(request, questionnaire, form, edit)
        if done is not None:
            return done
    if key == "row_form":
        for refusal in form.non_field_errors() or [_("Action refusée.")]:
            messages.error(request, refusal)
        return redirect("consultations:questionnaire_builder", questionnaire.pk)
    return render(
        request,
        "consultations/builder.html",
        _builder_context(questionnaire, **{key: form}),
        status=400,
    )


@GET_POST
@permission_required("consultations.manage")
def questionnaire_row(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """One question's (or group's) columns: its texts in each language and
    its logic."""
    questionnaire = get_questionnaire_for_user(current_user(request), pk)
    definition = questionnaire.definition
    survey = definition.get("survey", [])
    if not 0 <= index < len(survey):
        raise Http404
    languages = builder.languages(definition)
    form = RowForm(
        request.POST if request.method == "POST" else None,
        row=survey[index],
        languages=languages,
        initial={"digest": builder.digest(definition)},
    )
    return _builder_form_page(
        request,
        questionnaire,
        form,
        lambda: builder.row_update(definition, index, form.values()),
        "consultations/builder_row.html",
        {"row": survey[index], "number": index + 2},
    )


@GET_POST
@permission_required("consultations.manage")
def questionnaire_choice(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    questionnaire = get_questionnaire_for_user(current_user(request), pk)
    definition = questionnaire.definition
    choices = definition.get("choices", [])
    if not 0 <= index < len(choices):
        raise Http404
    form = ChoiceForm(
        request.POST if request.method == "POST" else None,
        choice=choices[index],
        languages=builder.languages(definition),
        initial={"digest": builder.digest(definition)},
    )
    return _builder_form_page(
        request,
        questionnaire,
        form,
        lambda: builder.choice_update(definition, index, form.values()),
        "consultations/builder_choice.html",
        {"choice": choices[index]},
    )


@GET_POST
@permission_required("consultations.manage")
def questionnaire_translations(request: HttpRequest, pk: int) -> HttpResponse:
    """Every text of the form in one language, beside the default language's."""
    questionnaire = get_questionnaire_for_user(current_user(request), pk)
    definition = questionnaire.definition
    languages = [lang for lang in builder.languages(definition) if lang]
    target = " ".join(request.GET.get("langue", "").split())
    if not languages or not (
        target in languages[1:] or builder.language_name_valid(target)
    ):
        target = languages[1] if len(languages) > 1 else ""
    if not target or target == languages[0]:
        messages.error(
            request, _("Ajoutez d'abord une langue au questionnaire pour le traduire.")
        )
        return redirect("consultations:questionnaire_builder", questionnaire.pk)
    source = languages[0]
    entries = []
    for sheet in ("survey", "choices"):
        for index, row in enumerate(definition.get(sheet, [])):
            where = row.get("name", "") or row.get("type", "")
            if sheet == "choices":
                where = f"{row.get('list_name', '')} / {row.get('name', '')}"
            for base in builder.TEXT_COLUMNS:
                original = builder.text(row, base, source)
                if original:
                    entries.append(
                        (
                            sheet,
                            index,
                            base,
                            where,
                            original,
                            builder.text(row, base, target),
                        )
                    )
    form = TranslationForm(
        request.POST if request.method == "POST" else None,
        entries=entries,
        initial={"digest": builder.digest(definition)},
    )
    return _builder_form_page(
        request,
        questionnaire,
        form,
        lambda: builder.translations_set(definition, target, form.texts()),
        "consultations/builder_translations.html",
        {
            "source": source,
            "target": target,
            "targets": sorted({*languages[1:], target}),
        },
    )
