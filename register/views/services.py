"""Pages of the services (4W rows): list, page, add, edit, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_safe,
)

from accounts.permissions import current_user, permission_required
from lib.forms import apply_service_errors
from lib.paging import IdsFirstPaginator
from lib.views import GET_POST, edit_versioned, render_page_or_partial
from register import pages, selectors, services
from register.access import (
    can_edit_organisation,
    get_organisation_for_user,
    get_service_for_user,
)
from register.area import area_summary
from register.filters import ServiceFilterForm
from register.forms import (
    ServiceForm,
)
from taxonomy.choices import grouped_themes, usable_terms
from taxonomy.models import Theme
from territory.models import Commune

SERVICES_PER_PAGE = 25
# Filters that stay in view on a phone; the others fold away until used.
SERVICE_FILTERS_SHOWN = {"q", "theme", "commune"}


@require_safe
@permission_required("internal.view")
def service_list(request: HttpRequest) -> HttpResponse:
    """The services (the 4W rows) with the register's filters, paged and
    exportable: what is offered, where, by whom and when."""
    form = ServiceFilterForm(request.GET)
    form.is_valid()
    values = form.filters()
    filters = selectors.ServiceFilters(**values)
    paged = selectors.service_pages(filters)
    page = IdsFirstPaginator(paged, SERVICES_PER_PAGE).get_page(request.GET.get("page"))
    default = selectors.ServiceFilters()
    return render_page_or_partial(
        request,
        "register/service_list.html",
        "results",
        {
            "form": form,
            "page": page,
            "filtered": filters != selectors.ServiceFilters(sort=filters.sort),
            "narrowed": sum(
                1
                for name, value in values.items()
                if name not in SERVICE_FILTERS_SHOWN | {"sort"}
                and value != getattr(default, name)
            ),
            "shown_filters": SERVICE_FILTERS_SHOWN,
        },
    )


@require_safe
@permission_required("internal.view")
def subtheme_options(request: HttpRequest) -> HttpResponse:
    """The service form's sub-theme list for the theme chosen (`theme`, an id),
    the sub-theme chosen (`subtheme`) kept when it belongs to it; every
    sub-theme, grouped by theme, when the theme is none or unknown."""
    themes = {
        theme.pk: theme
        for theme in usable_terms(Theme, []).order_by("position", "code")
    }
    chosen = _int(request.GET.get("theme"))
    current = _int(request.GET.get("subtheme"))
    theme = themes.get(chosen) if chosen is not None else None
    groups: list[tuple[str, list[tuple[int, str]]]]
    if theme is not None and theme.parent_id is None:
        subthemes = [t for t in themes.values() if t.parent_id == theme.pk]
        groups = [(theme.name, [(t.pk, t.name) for t in subthemes])]
    else:
        groups = grouped_themes(themes.values(), whole_theme=False)
    return render(
        request,
        "register/includes/subtheme_select.html",
        {"groups": groups, "current": current},
    )


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 10 else None


@GET_POST
@permission_required("internal.view")
def service_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    organisation = get_organisation_for_user(user, pk, write=True)
    form = ServiceForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(
                by=user,
                fields={"organisation": organisation, **form.service_fields()},
                communes=form.area(),
                target_groups=form.cleaned_data["target_groups"],
                funders=form.cleaned_data["funders"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Le service a été ajouté."))
            return redirect(service)
    return render(
        request,
        "register/service_form.html",
        {"form": form, "organisation": organisation},
    )


@require_safe
@permission_required("internal.view")
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    get_service_for_user(user, pk)
    service = pages.service_detail(pk)
    if service is None:
        raise Http404
    return render(
        request,
        "register/service_detail.html",
        {
            "service": service,
            "organisation": service.organisation,
            "area": area_summary(Commune.objects.filter(service_communes__service=pk)),
            "can_edit": can_edit_organisation(user, service.organisation_id),
        },
    )


@GET_POST
@permission_required("internal.view")
def service_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    service = get_service_for_user(user, pk, write=True)
    edit = edit_versioned(
        request,
        ServiceForm(request.POST or None, instance=service),
        form_for=lambda data, current: ServiceForm(data, instance=current),
        write=lambda form: services.service_update(
            service_id=service.pk,
            by=user,
            expected_version=form.cleaned_data["version"],
            fields=form.service_fields(),
            communes=form.area(),
            target_groups=form.cleaned_data["target_groups"],
            funders=form.cleaned_data["funders"],
        ),
    )
    if edit.saved:
        messages.success(request, _("Le service a été enregistré."))
        return redirect("register:service_detail", pk=service.pk)
    return render(
        request,
        "register/service_form.html",
        {
            "form": edit.form,
            "organisation": service.organisation,
            "service": service,
            "conflict": edit.conflict,
        },
        status=edit.status,
    )


@GET_POST
@permission_required("internal.view")
def service_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    service = get_service_for_user(user, pk, write=True)
    organisation = service.organisation
    if request.method == "POST":
        services.service_delete(service_id=service.pk, by=user)
        messages.success(request, _("Le service a été supprimé."))
        return redirect(organisation)
    return render(
        request,
        "register/confirm_delete.html",
        {
            "organisation": organisation,
            "title": _("Supprimer le service %(title)s") % {"title": service.title},
            "explanation": _(
                "Le service disparaîtra de l'état des lieux et de l'annuaire ; "
                "l'historique garde sa trace."
            ),
            "button": _("Supprimer le service"),
        },
    )
