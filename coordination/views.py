"""Pages of the coordination bodies: list, detail, create and edit."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.permissions import can, current_user, permission_required
from coordination import selectors, services
from coordination.access import get_body_for_user
from coordination.forms import BaseMemberFormSet, BodyForm, member_formset
from coordination.models import BodyMember, CoordinationBody
from coordination.sections import body_sections
from lib.collation import sort_key
from lib.forms import apply_service_errors
from lib.views import GET_POST, edit_versioned
from register.area import area_summary

BODIES_PER_PAGE = 50


@require_safe
@permission_required("internal.view")
def body_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.body_list(), BODIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "coordination/body_list.html",
        {"page": page, "can_manage": can(request.user, "register.manage")},
    )


@require_safe
@permission_required("internal.view")
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    body = get_body_for_user(user, pk, queryset=selectors.body_detail_rows())
    return render(
        request,
        "coordination/body_detail.html",
        {
            "body": body,
            "area": area_summary(body.communes.all()),
            "can_manage": can(request.user, "register.manage"),
            "sections": body_sections(user, body),
        },
    )


def _members_display(members: list[tuple[Any, str]]) -> str:
    roles = dict(BodyMember.Role.choices)
    return (
        ", ".join(
            sorted(
                (
                    f"{organisation} ({roles.get(role, role)})"
                    for organisation, role in members
                ),
                key=sort_key,
            )
        )
        or "—"
    )


@GET_POST
@permission_required("register.manage")
def body_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = BodyForm(request.POST or None)
    members = member_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and members.is_valid():
        try:
            body = services.body_create(
                by=user,
                fields=form.body_fields(),
                convenors=form.cleaned_data["convenors"],
                communes=form.area(),
                themes=form.cleaned_data["themes"],
                members=members.members(),
            )
        except ValidationError as error:
            _show_errors(form, members, error)
        else:
            messages.success(
                request, _("L'organe %(name)s a été créé.") % {"name": body.name}
            )
            return redirect(body)
    return render(
        request, "coordination/body_form.html", {"form": form, "members": members}
    )


def _show_errors(
    form: BodyForm, members: BaseMemberFormSet, error: ValidationError
) -> None:
    """A service's errors on the form, those about members above the members."""
    error_dict = dict(getattr(error, "error_dict", {}))
    for item in error_dict.pop("members", []):
        members.non_form_errors().extend(item.messages)
    if error_dict:
        apply_service_errors(form, ValidationError(error_dict))
    elif not hasattr(error, "error_dict"):
        apply_service_errors(form, error)


@GET_POST
@permission_required("register.manage")
def body_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    body = get_body_for_user(user, pk, write=True)
    members = member_formset(request.POST or None, body=body)

    def write(form: BodyForm) -> None:
        services.body_update(
            body_id=body.pk,
            by=user,
            expected_version=form.cleaned_data["version"],
            fields=form.body_fields(),
            convenors=form.cleaned_data["convenors"],
            communes=form.area(),
            themes=form.cleaned_data["themes"],
            members=members.members(),
        )

    def members_conflict(
        form: BodyForm, current: CoordinationBody, data: QueryDict
    ) -> list[dict[str, str]]:
        nonlocal members
        stored = [
            (member.organisation, member.role)
            for member in current.members.select_related("organisation")
        ]
        mine, theirs = _members_display(members.members()), _members_display(stored)
        members = member_formset(data, body=current)
        if mine == theirs:
            return []
        return [{"label": _("Membres"), "submitted": mine, "stored": theirs}]

    edit = edit_versioned(
        request,
        BodyForm(request.POST or None, instance=body),
        form_for=lambda data, current: BodyForm(data, instance=current),
        write=write,
        also_valid=members.is_valid,
        refused=lambda form, error: _show_errors(form, members, error),
        more_conflicts=members_conflict,
    )
    if edit.saved:
        messages.success(request, _("Les modifications ont été enregistrées."))
        return redirect(body)
    return render(
        request,
        "coordination/body_form.html",
        {
            "form": edit.form,
            "members": members,
            "body": body,
            "conflict": edit.conflict,
        },
        status=edit.status,
    )
