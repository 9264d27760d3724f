"""Pages of the meetings: the calendar, a meeting and what follows it (its
invitations, attendance, minutes, decisions, actions and documents), the
answer link that works without an account, and the calendar feeds."""

import contextlib
import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import current_user, permission_required, require
from coordination.models import CoordinationBody
from lib.forms import apply_service_errors
from lib.versioning import VersionConflict
from lib.views import GET_POST, posted_version, query_id
from meetings import documents, exports, selectors, services
from meetings.access import (
    can_manage_meetings,
    can_see_body_meetings,
    can_update_action,
    get_action_for_user,
    get_meeting_for_user,
    meetings_for_user,
    people_shown,
    person_shown,
    visible_body_ids,
)
from meetings.calendar import calendar_build
from meetings.feeds import feed_create, feed_from_token, feed_meetings, feed_revoke
from meetings.forms import (
    ActionForm,
    AnswerForm,
    AttendanceFormSet,
    CopyForm,
    DecisionForm,
    MeetingForm,
    MinutesForm,
    PersonInviteForm,
    ProgressForm,
    SeriesForm,
)
from meetings.links import invitation_from_token
from meetings.models import Action, Document, Invitation, Meeting, Minutes
from meetings.services import AttendanceRow, Invitee
from register.models import Organisation
from taxonomy.models import Theme

ACTIONS_PER_PAGE = 50
MONTHS_AROUND = 1200  # 100 years either way: the calendar's bounds


def _month(value: str | None, today: datetime.date) -> tuple[int, int]:
    """`2026-10` as (2026, 10); anything else: this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        datetime.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not 1900 <= year <= 2200:
        return today.year, today.month
    return year, month


def _shift(year: int, month: int, months: int) -> str:
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@require_safe
@permission_required("meetings.view")
def meeting_calendar(request: HttpRequest) -> HttpResponse:
    """The month (a table of weeks) or the list of meetings from a month on."""
    user = current_user(request)
    today = timezone.localdate()
    year, month = _month(request.GET.get("mois"), today)
    body_id = query_id(request.GET.get("organe"))
    view = "liste" if request.GET.get("vue") == "liste" else "mois"
    bodies = CoordinationBody.objects.filter(
        pk__in=meetings_for_user(user).exclude(body=None).values("body_id")
    ).only("id", "name")
    context: dict[str, Any] = {
        "view": view,
        "month": datetime.date(year, month, 1),
        "month_code": f"{year:04d}-{month:02d}",
        "previous": _shift(year, month, -1),
        "next": _shift(year, month, 1),
        "today": today,
        "body_id": body_id,
        "bodies": bodies,
        "can_manage": can_manage_meetings(user),
    }
    if view == "liste":
        rows = selectors.meetings_between(
            user, start=datetime.date(year, month, 1), end=None, body_id=body_id
        )
        context["page"] = Paginator(rows, ACTIONS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    else:
        context["weeks"] = selectors.month_weeks(user, year, month, body_id=body_id)
    return render(request, "meetings/calendar.html", context)


def _invitees(form: MeetingForm) -> list[Invitee]:
    return [
        Invitee(organisation)
        for organisation in form.cleaned_data.get("invitees") or []
    ]


@GET_POST
@permission_required("meetings.manage")
def meeting_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    initial: dict[str, Any] = {"kind": Meeting.Kind.SCOPING, "languages": ["fr"]}
    body = None
    body_id = query_id(request.GET.get("organe"))
    if body_id is not None:
        body = CoordinationBody.objects.filter(pk=body_id).first()
    if body is not None:
        initial |= {
            "body": body,
            "kind": Meeting.Kind.PLENARY,
            "invitees": [
                invitee.organisation for invitee in services.body_invitees(body)
            ],
        }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                by=user,
                fields=form.meeting_fields(),
                agenda=form.cleaned_data["agenda"],
                invitees=_invitees(form),
                send=form.cleaned_data["send"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("La réunion « %(title)s » est planifiée.") % {"title": meeting.title},
            )
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form})


@require_safe
@permission_required("meetings.view")
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, queryset=selectors.meeting_detail_rows())
    manage = can_manage_meetings(user)
    minutes = list(meeting.minutes.all())
    shown = people_shown(user)
    invitations = list(meeting.invitations.all())
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "can_manage": manage,
            "invitations": [
                (invitation, person_shown(shown, invitation.organisation_id))
                for invitation in invitations
            ],
            "attendance": [
                (row, person_shown(shown, row.organisation_id))
                for row in meeting.attendance.all()
            ],
            "answers": _answer_counts(invitations),
            "minutes": minutes[0] if minutes else None,
            "older_minutes": minutes[1:],
            "decision_form": DecisionForm() if manage else None,
            "person_form": PersonInviteForm() if manage else None,
            "upload_types": ", ".join(e[1:] for e in documents.EXTENSIONS),
            "upload_max": settings.MEETING_DOCUMENT_MAX_BYTES,
            "today": timezone.localdate(),
        },
    )


def _answer_counts(invitations: list[Invitation]) -> dict[str, int]:
    counts = {choice.value: 0 for choice in Invitation.Answer}
    for invitation in invitations:
        counts[invitation.answer] += 1
    return counts


@GET_POST
@permission_required("meetings.manage")
def meeting_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    form = MeetingForm(request.POST or None, instance=meeting)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                meeting,
                by=user,
                version=form.cleaned_data.get("version"),
                fields=form.meeting_fields(),
                agenda=form.cleaned_data["agenda"],
                invitees=_invitees(form),
                send=form.cleaned_data["send"],
            )
        except VersionConflict:
            conflict = True
            form.add_error(
                None,
                _(
                    "Quelqu'un d'autre a modifié cette réunion entre-temps : "
                    "rechargez la page pour voir ses changements, "
                    "puis refaites les vôtres."
                ),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("La réunion est enregistrée."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "meeting": meeting, "conflict": conflict},
        status=409 if conflict else 200,
    )


@GET_POST
@permission_required("meetings.manage")
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    if request.method == "POST":
        try:
            services.meeting_cancel(meeting, by=user, version=posted_version(request))
        except VersionConflict:
            messages.error(
                request,
                _("La réunion a changé entre-temps : vérifiez-la avant de l'annuler."),
            )
            return redirect(meeting)
        messages.success(
            request,
            _("La réunion est annulée ; les invité·es en sont averti·es."),
        )
        return redirect(meeting)
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting})


@GET_POST
@permission_required("meetings.manage")
def meeting_copy(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    copy_form = CopyForm(
        request.POST if "copy" in request.POST else None, prefix="copy"
    )
    series_form = SeriesForm(
        request.POST if "series" in request.POST else None, prefix="series"
    )
    if request.method == "POST" and "copy" in request.POST and copy_form.is_valid():
        copy = services.meeting_copy(
            meeting, by=user, starts_at=copy_form.cleaned_data["starts_at"]
        )
        messages.success(
            request, _("Copie planifiée : vérifiez-la, puis envoyez les invitations.")
        )
        return redirect(copy)
    if request.method == "POST" and "series" in request.POST and series_form.is_valid():
        try:
            made = services.meeting_series(
                meeting,
                by=user,
                cadence=series_form.cleaned_data["cadence"],
                count=series_form.cleaned_data["count"],
            )
        except ValidationError as error:
            apply_service_errors(series_form, error)
        else:
            messages.success(
                request,
                _(
                    "%(count)s réunions planifiées ; leurs invitations ne sont "
                    "pas encore envoyées."
                )
                % {"count": len(made)},
            )
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_copy.html",
        {"meeting": meeting, "copy_form": copy_form, "series_form": series_form},
    )


@require_POST
@permission_required("meetings.manage")
def invitations_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    with transaction.atomic():
        count = services.invitations_send(meeting)
    if count:
        messages.success(
            request, _("%(count)s invitation(s) en cours d'envoi.") % {"count": count}
        )
    else:
        messages.info(request, _("Toutes les invitations ont déjà été envoyées."))
    return redirect(f"{meeting.get_absolute_url()}#invitations")


@require_POST
@permission_required("meetings.manage")
def invitation_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    form = PersonInviteForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.meeting_update(
                    meeting,
                    by=user,
                    version=None,
                    fields={},
                    invitees=[
                        Invitee(
                            form.cleaned_data["organisation"],
                            name=form.cleaned_data["name"],
                            email=form.cleaned_data["email"],
                        )
                    ],
                    send=False,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation ajoutée : envoyez-la quand vous êtes prêt·e.")
            )
            return redirect(f"{meeting.get_absolute_url()}#invitations")
    return render(
        request,
        "meetings/person_invite.html",
        {"meeting": meeting, "form": form},
        status=400,
    )


@require_safe
@permission_required("meetings.view")
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(current_user(request), pk)
    content = calendar_build(
        [(meeting, request.build_absolute_uri(meeting.get_absolute_url()))]
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
    return response


@login_not_required
@GET_POST
def invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's personal page: the meeting, and their answer."""
    invitation = invitation_from_token(token)
    if invitation is None:
        raise Http404("No invitation has this link.")
    now = timezone.now()
    is_open = services.answer_is_open(invitation, now=now)
    if not is_open:
        # Once over, cancelled or delegated, the link tells only that: the
        # place, the online link and the agenda are no longer anybody's.
        return render(
            request,
            "meetings/invitation_closed.html",
            {"invitation": invitation},
            status=200 if invitation.answer == Invitation.Answer.DELEGATED else 410,
        )
    form = AnswerForm(request.POST or None)
    delegate = None
    if request.method == "POST" and form.is_valid():
        try:
            delegate = services.invitation_answer(
                invitation,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
                delegate_name=form.cleaned_data["delegate_name"],
                delegate_email=form.cleaned_data["delegate_email"],
                now=now,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            invitation.refresh_from_db()
            return render(
                request,
                "meetings/invitation_answer.html",
                {"invitation": invitation, "answered": True, "delegate": delegate},
            )
    elif request.method != "POST":
        services.invitation_open(invitation)
    return render(
        request,
        "meetings/invitation_answer.html",
        {
            "invitation": invitation,
            "form": form,
            "agenda": list(invitation.meeting.agenda.all()),
        },
        status=400 if form.errors else 200,
    )


@GET_POST
@permission_required("meetings.manage")
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    initial = [
        {"organisation": row.organisation, "name": row.name, "presence": row.presence}
        for row in meeting.attendance.select_related("organisation")
    ] or [
        {
            "organisation": invitation.organisation,
            "name": invitation.name,
            "presence": "excused"
            if invitation.answer == Invitation.Answer.DECLINED
            else "",
        }
        for invitation in meeting.invitations.select_related("organisation").exclude(
            answer=Invitation.Answer.DELEGATED
        )
    ]
    formset = AttendanceFormSet(
        request.POST or None, initial=initial, prefix="attendance"
    )
    error = None
    if request.method == "POST" and formset.is_valid():
        rows = [
            AttendanceRow(
                form.cleaned_data["organisation"],
                form.cleaned_data.get("name", ""),
                form.cleaned_data["presence"],
            )
            for form in formset
            if form.cleaned_data.get("organisation")
        ]
        try:
            services.attendance_record(meeting, by=user, rows=rows)
        except ValidationError as problem:
            error = problem.messages
        else:
            messages.success(request, _("Les présences sont enregistrées."))
            return redirect(f"{meeting.get_absolute_url()}#attendance")
    return render(
        request,
        "meetings/attendance_form.html",
        {"meeting": meeting, "formset": formset, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@GET_POST
@permission_required("meetings.manage")
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    latest = meeting.minutes.order_by("-number").first()
    form = MinutesForm(
        request.POST or None,
        initial={
            "text": latest.text if latest else "",
            "number": latest.number if latest else 0,
            "revision": latest.revision if latest else 0,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            minutes = services.minutes_save(
                meeting,
                by=user,
                text=form.cleaned_data["text"],
                number=form.cleaned_data["number"],
                revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Projet de procès-verbal enregistré (version %(number)s).")
                % {"number": minutes.number},
            )
            return redirect(f"{meeting.get_absolute_url()}#minutes")
    return render(
        request,
        "meetings/minutes_form.html",
        {"meeting": meeting, "form": form, "latest": latest},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required("meetings.manage")
def minutes_approve(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    minutes = get_object_or_404(Minutes, meeting=meeting, number=number)
    try:
        # The text the approver read, shown with the button.
        services.minutes_approve(
            minutes, by=user, revision=query_id(request.POST.get("revision"))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Le procès-verbal est approuvé : il ne change plus que par "
                "une nouvelle version."
            ),
        )
    return redirect(f"{meeting.get_absolute_url()}#minutes")


@require_safe
@permission_required("meetings.view")
def minutes_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting = get_meeting_for_user(current_user(request), pk)
    minutes = get_object_or_404(
        Minutes.objects.select_related("written_by", "approved_by"),
        meeting=meeting,
        number=number,
    )
    return render(
        request,
        "meetings/minutes_version.html",
        {"meeting": meeting, "minutes": minutes},
    )


@require_POST
@permission_required("meetings.manage")
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.decision_add(
                meeting, by=user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Décision n° %(number)s enregistrée.") % {"number": decision.number},
            )
            return redirect(f"{meeting.get_absolute_url()}#decisions")
    else:
        messages.error(
            request, " ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect(f"{meeting.get_absolute_url()}#decisions")


@GET_POST
@permission_required("meetings.manage")
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    form = ActionForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                by=user, meeting=meeting, fields=form.action_fields()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("L'action « %(title)s » est assignée.") % {"title": action.title},
            )
            return redirect(f"{meeting.get_absolute_url()}#actions")
    return render(
        request,
        "meetings/action_form.html",
        {"meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


@GET_POST
@permission_required("meetings.view")
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An action, its progress notes, and (for who may) its new status."""
    user = current_user(request)
    action = get_action_for_user(user, pk)
    selectors.actions_with_meetings_shown(user, [action])
    may_update = can_update_action(user, action)
    form = None
    if may_update:
        form = ProgressForm(
            request.POST or None,
            initial={"status": action.status, "version": action.version},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.action_update(
                    action,
                    by=user,
                    version=form.cleaned_data["version"],
                    fields={"status": form.cleaned_data["status"]},
                    note=form.cleaned_data["note"],
                )
            except VersionConflict:
                form.add_error(
                    None,
                    _(
                        "Quelqu'un d'autre a mis à jour cette action entre-temps : "
                        "rechargez la page."
                    ),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("L'action est mise à jour."))
                return redirect(action)
    return render(
        request,
        "meetings/action_detail.html",
        {
            "action": action,
            "notes": selectors.action_notes(action),
            "form": form,
            "can_manage": can_manage_meetings(user),
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@GET_POST
@permission_required("meetings.manage")
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    action = get_action_for_user(user, pk, write=True)
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action,
                by=user,
                version=form.cleaned_data["version"],
                fields=form.action_fields(),
            )
        except VersionConflict:
            form.add_error(
                None,
                _(
                    "Quelqu'un d'autre a modifié cette action entre-temps : "
                    "rechargez la page."
                ),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("L'action est enregistrée."))
            return redirect(action)
    return render(
        request,
        "meetings/action_form.html",
        {"action": action, "meeting": action.meeting, "form": form},
        status=400 if form.errors else 200,
    )


@require_safe
@permission_required("meetings.view")
def my_actions(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    rows = selectors.my_actions(user)
    page = Paginator(
        rows.filter(status__in=Action.OPEN_STATUSES), ACTIONS_PER_PAGE
    ).get_page(request.GET.get("page"))
    closed = rows.exclude(status__in=Action.OPEN_STATUSES).order_by("-due_date", "-id")[
        :ACTIONS_PER_PAGE
    ]
    shown = selectors.actions_with_meetings_shown(user, [*page.object_list, *closed])
    page.object_list = shown[: len(page.object_list)]
    return render(
        request,
        "meetings/my_actions.html",
        {
            "page": page,
            "closed": shown[len(page.object_list) :],
            "today": today,
            "can_manage": can_manage_meetings(user),
        },
    )


def board_filters(data: Any) -> selectors.BoardFilters:
    due_before = None
    with contextlib.suppress(ValueError):
        due_before = datetime.date.fromisoformat(data.get("echeance", ""))
    status = data.get("statut", "")
    if status not in {"", "open", *Action.Status.values}:
        status = ""
    owner = data.get("responsable", "")
    return selectors.BoardFilters(
        mine=owner == "me",
        owner_id=query_id(owner),
        organisation_id=query_id(data.get("organisation")),
        status=status,
        overdue=data.get("retard") == "1",
        body_id=query_id(data.get("organe")),
        theme_id=query_id(data.get("theme")),
        due_before=due_before,
    )


@require_safe
@permission_required("meetings.view")
def action_board(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    today = timezone.localdate()
    filters = board_filters(request.GET)
    rows = selectors.action_board(user, filters, today=today)
    page = Paginator(rows, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.actions_with_meetings_shown(user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/action_board.html",
        {
            "page": page,
            "filters": filters,
            "counts": selectors.action_counts(rows, today=today),
            "statuses": Action.Status.choices,
            "bodies": CoordinationBody.objects.only("id", "name").order_by("name"),
            "themes": Theme.objects.filter(parent=None).order_by("position", "code"),
            "organisation": Organisation.objects.filter(
                pk=filters.organisation_id
            ).first()
            if filters.organisation_id
            else None,
            "query": query.urlencode(),
            "today": today,
            "can_manage": can_manage_meetings(user),
        },
    )


@require_POST
@permission_required("meetings.manage")
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    meeting = get_meeting_for_user(user, pk, write=True)
    upload = request.FILES.get("file")
    item_id = query_id(request.POST.get("agenda_item"))
    item = meeting.agenda.filter(pk=item_id).first() if item_id else None
    if upload is None:
        messages.error(request, _("Choisissez un fichier."))
    else:
        try:
            documents.document_add(meeting, by=user, upload=upload, agenda_item=item)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Document ajouté."))
    return redirect(f"{meeting.get_absolute_url()}#documents")


def _document_for_user(
    request: HttpRequest, pk: int, *, write: bool = False
) -> Document:
    document = Document.objects.filter(pk=pk).only("id", "meeting_id").first()
    if document is None:
        raise Http404("No such document.")
    get_meeting_for_user(current_user(request), document.meeting_id, write=write)
    return Document.objects.get(pk=pk)


@require_safe
def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    require(request, "meetings.view")
    document = _document_for_user(request, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@permission_required("meetings.manage")
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document_for_user(request, pk, write=True)
    meeting_url = document.meeting.get_absolute_url()
    documents.document_delete(document)
    messages.success(request, _("Document retiré."))
    return redirect(f"{meeting_url}#documents")


@GET_POST
@permission_required("meetings.view")
def feed_list(request: HttpRequest) -> HttpResponse:
    """The person's calendar feeds: make one (theirs, or a body's), revoke one."""
    user = current_user(request)
    new_url = None
    if request.method == "POST":
        if "revoke" in request.POST:
            feed_revoke(user, query_id(request.POST.get("revoke")))
            messages.success(request, _("Cette adresse ne fonctionne plus."))
            return redirect("meetings:feed_list")
        body = None
        body_id = query_id(request.POST.get("body"))
        if body_id is not None:
            body = CoordinationBody.objects.filter(pk=body_id).first()
            if body is None or not can_see_body_meetings(user, body):
                raise Http404("No such body.")
        token = feed_create(user, body=body)
        new_url = request.build_absolute_uri(reverse("meetings:feed", args=[token]))
    feeds = user.calendar_feeds.filter(revoked_at=None).select_related("body")
    # The bodies whose meetings the user sees, all of them (not those of a
    # body they were only invited to once).
    body_ids = visible_body_ids(user)
    bodies = (
        CoordinationBody.objects.all()
        if body_ids is None
        else CoordinationBody.objects.filter(pk__in=body_ids)
    ).only("id", "name")
    return render(
        request,
        "meetings/feed_list.html",
        {
            "feeds": feeds,
            "bodies": bodies,
            "new_url": new_url,
            "can_manage": can_manage_meetings(user),
        },
    )


@login_not_required
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar feed, read by calendar applications without signing in."""
    calendar_feed = feed_from_token(token)
    if calendar_feed is None:
        raise Http404("No calendar has this address.")
    rows, name = feed_meetings(calendar_feed)
    content = calendar_build(
        [
            (meeting, request.build_absolute_uri(meeting.get_absolute_url()))
            for meeting in rows
        ],
        name=name,
    )
    return HttpResponse(content, content_type="text/calendar; charset=utf-8")


def _minutes_file(
    request: HttpRequest, pk: int, number: int
) -> tuple[Meeting, Minutes]:
    require(request, "meetings.view")
    meeting = get_meeting_for_user(current_user(request), pk)
    minutes = get_object_or_404(Minutes, meeting=meeting, number=number)
    return meeting, minutes


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def minutes_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting, minutes = _minutes_file(request, pk, number)
    return _download(
        exports.minutes_pdf(
            meeting, minutes, shown=people_shown(current_user(request))
        ),
        "application/pdf",
        f"proces-verbal-{meeting.pk}-v{minutes.number}.pdf",
    )


@require_safe
def minutes_docx(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    meeting, minutes = _minutes_file(request, pk, number)
    return _download(
        exports.minutes_docx(
            meeting, minutes, shown=people_shown(current_user(request))
        ),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"proces-verbal-{meeting.pk}-v{minutes.number}.docx",
    )


@require_safe
@permission_required("meetings.view")
def actions_export(request: HttpRequest) -> HttpResponse:
    """The board's actions, with its filters, as a spreadsheet."""
    user = current_user(request)
    today = timezone.localdate()
    rows = selectors.action_board(user, board_filters(request.GET), today=today)
    visible = (
        None
        if can_manage_meetings(user)
        else set(meetings_for_user(user).values_list("pk", flat=True))
    )
    return _download(
        exports.actions_xlsx(
            rows[: exports.ACTIONS_MAX].iterator(chunk_size=2000),
            today=today,
            meetings_shown=visible,
        ),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"actions-{today:%Y-%m-%d}.xlsx",
    )
