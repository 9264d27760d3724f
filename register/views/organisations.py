"""Pages of the organisations: list, page, create, edit, archive, history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_GET,
    require_safe,
)

from accounts.permissions import can, current_user, permission_required
from lib.forms import apply_service_errors
from lib.paging import IdsFirstPaginator
from lib.versioning import VersionConflict
from lib.views import (
    GET_POST,
    edit_versioned,
    posted_version,
    render_page_or_partial,
)
from register import pages, selectors, services
from register.access import (
    can_archive_organisation,
    can_create_organisation,
    can_edit_organisation,
    get_organisation_for_user,
)
from register.area import area_summary
from register.filters import OrganisationFilterForm
from register.forms import OrganisationForm
from register.pickers import SUGGESTIONS, organisation_references, split_reference
from register.sections import organisation_sections

ORGANISATIONS_PER_PAGE = 25
HISTORY_PER_PAGE = 20


@require_safe
@permission_required("internal.view")
def organisation_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = OrganisationFilterForm(request.GET)
    form.is_valid()
    filters = selectors.OrganisationFilters(**form.filters())
    paged = selectors.organisation_pages(
        filters, pages.with_service_count(selectors.organisation_rows())
    )
    page = IdsFirstPaginator(paged, ORGANISATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    pages.add_links(page.object_list)
    return render_page_or_partial(
        request,
        "register/organisation_list.html",
        "results",
        {
            "form": form,
            "page": page,
            "filtered": _is_filtered(form.filters()),
            "narrowed": _narrowing(form.filters()),
            "can_create": can_create_organisation(user),
        },
    )


def _narrowing(filters: dict[str, str]) -> int:
    """How many filters beyond the search narrow the list (its other filters
    stay folded on the page until one does)."""
    return sum(
        1
        for name, value in filters.items()
        if value and name not in {"q", "sort"} and (name, value) != ("status", "active")
    )


def _is_filtered(filters: dict[str, str]) -> bool:
    return filters["status"] != "active" or any(
        value for name, value in filters.items() if name not in {"status", "sort"}
    )


@require_GET
@permission_required("internal.view")
def organisation_suggestions(request: HttpRequest) -> HttpResponse:
    """The <option>s of an organisation picker's <datalist>. The picker sends its
    own value under its own name, and that name as `field`; `q` works too."""
    field = request.GET.get("field", "")
    text = request.GET.get("q") or (request.GET.get(field, "") if field else "")
    name, _pk = split_reference(text)
    organisations = selectors.organisation_suggestions(name, limit=SUGGESTIONS)
    return render(
        request,
        "register/organisation_suggestions.html",
        {"references": organisation_references(organisations).values()},
    )


@require_safe
@permission_required("internal.view")
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    organisation = selectors.organisation_detail(pk)
    if organisation is None:
        raise Http404(f"No organisation has the id {pk}.")
    relations = pages.organisation_relations(
        user, organisation, request.GET.get("relations")
    )
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "relations" and not htmx.history_restore_request:
        # A page of the relations table, asked for by its own links.
        return render_page_or_partial(
            request,
            "register/organisation_detail.html",
            "relations",
            {"organisation": organisation, "relations": relations},
        )
    can_view_assessments = can(user, "assessment.view")
    return render(
        request,
        "register/organisation_detail.html",
        {
            "organisation": organisation,
            "area": area_summary(
                selectors.split_ids(organisation.area_codes)  # type: ignore[attr-defined]
            ),
            "relations": relations,
            "contacts": pages.organisation_contacts(user, organisation),
            "assessment": (
                selectors.latest_assessment(organisation)
                if can_view_assessments
                else None
            ),
            "can_view_assessments": can_view_assessments,
            "can_edit": can_edit_organisation(user, organisation.pk),
            "can_manage": can(user, "register.manage"),
            "sections": organisation_sections(user, organisation),
        },
    )


@GET_POST
@permission_required("internal.view")
def organisation_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not can_create_organisation(user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                by=user,
                fields=form.organisation_fields(),
                area_communes=form.area(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("L'organisation %(name)s a été créée.") % {"name": organisation},
            )
            return redirect(organisation)
    return render(request, "register/organisation_form.html", {"form": form})


@GET_POST
@permission_required("internal.view")
def organisation_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk, write=True)
    edit = edit_versioned(
        request,
        OrganisationForm(request.POST or None, instance=organisation),
        form_for=lambda data, current: OrganisationForm(data, instance=current),
        write=lambda form: services.organisation_update(
            organisation_id=organisation.pk,
            by=user,
            expected_version=form.cleaned_data["version"],
            fields=form.organisation_fields(),
            area_communes=form.area(),
            reason=form.cleaned_data["reason"],
        ),
    )
    if edit.saved:
        messages.success(request, _("Les modifications ont été enregistrées."))
        return redirect("register:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "register/organisation_form.html",
        {"form": edit.form, "organisation": organisation, "conflict": edit.conflict},
        status=edit.status,
    )


def _organisation_status_change(
    request: HttpRequest, pk: int, *, archive: bool
) -> HttpResponse:
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk, write=True)
    if not can_archive_organisation(user):
        raise PermissionDenied
    if request.method == "POST":
        change = (
            services.organisation_archive if archive else services.organisation_restore
        )
        try:
            change(
                organisation_id=organisation.pk,
                by=user,
                expected_version=posted_version(request),
            )
        except VersionConflict as error:
            organisation = error.current
            messages.error(
                request,
                _(
                    "Cette organisation a été modifiée entre-temps : rien n'a été "
                    "enregistré. Vérifiez-la puis confirmez à nouveau."
                ),
            )
        else:
            messages.success(
                request,
                (
                    _("L'organisation a été archivée.")
                    if archive
                    else _("L'organisation a été restaurée.")
                ),
            )
            return redirect("register:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "register/organisation_status_confirm.html",
        {"organisation": organisation, "archive": archive},
    )


@GET_POST
@permission_required("internal.view")
def organisation_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _organisation_status_change(request, pk, archive=True)


@GET_POST
@permission_required("internal.view")
def organisation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _organisation_status_change(request, pk, archive=False)


@require_safe
@permission_required("internal.view")
def organisation_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk)
    history = pages.organisation_history_records(organisation)
    page = Paginator(history, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    start = page.start_index() - 1 if page.paginator.count else 0
    records = list(history[start : start + HISTORY_PER_PAGE + 1])
    shown, previous = records[:HISTORY_PER_PAGE], records[HISTORY_PER_PAGE:]
    return render(
        request,
        "register/organisation_history.html",
        {
            "organisation": organisation,
            "page": page,
            "entries": pages.organisation_history(
                shown,
                previous[0] if previous else None,
                first_is_current=page.number == 1,
            ),
            "can_revert": can_edit_organisation(user, organisation.pk),
            "can_manage": can(user, "register.manage"),
        },
    )


@GET_POST
@permission_required("internal.view")
def organisation_revert(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    """Bring back a former version: the page asks first, the form does it."""
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk, write=True)
    record = organisation.history.filter(history_id=history_id).first()
    if record is None:
        raise Http404
    if record.status != organisation.status and not can_archive_organisation(user):
        raise PermissionDenied
    date = formats.date_format(
        timezone.localtime(record.history_date), "SHORT_DATETIME_FORMAT"
    )
    if request.method != "POST":
        return render(
            request,
            "register/organisation_revert_confirm.html",
            {"organisation": organisation, "record": record, "date": date},
        )
    services.organisation_revert(
        organisation_id=organisation.pk, history_id=history_id, by=user
    )
    messages.success(
        request, _("La version du %(date)s a été rétablie.") % {"date": date}
    )
    return redirect("register:organisation_history", pk=organisation.pk)
