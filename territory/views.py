"""Public pages about Belgium's territory: provinces, arrondissements, communes."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from territory import selectors
from territory.forms import CommuneSearchForm

COMMUNES_PER_PAGE = 100


@login_not_required
@require_safe
def province_list(request: HttpRequest) -> HttpResponse:
    regions = selectors.regions_in_scope(settings.TERRITORY_SCOPE)
    return render(request, "territory/province_list.html", {"regions": regions})


@login_not_required
@require_safe
def province_detail(request: HttpRequest, nis: str) -> HttpResponse:
    province = selectors.province_detail(nis)
    if province is None:
        raise Http404(_("Aucune province n'a le code INS %(nis)s.") % {"nis": nis})
    return render(request, "territory/province_detail.html", {"province": province})


@login_not_required
@require_safe
def arrondissement_detail(request: HttpRequest, nis: str) -> HttpResponse:
    arrondissement = selectors.arrondissement_detail(nis)
    if arrondissement is None:
        raise Http404(_("Aucun arrondissement n'a le code INS %(nis)s.") % {"nis": nis})
    return render(
        request,
        "territory/arrondissement_detail.html",
        {"arrondissement": arrondissement},
    )


@login_not_required
@require_safe
def commune_list(request: HttpRequest) -> HttpResponse:
    scope = settings.TERRITORY_SCOPE
    form = CommuneSearchForm(request.GET or None, scope=scope)
    filters: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        province = form.cleaned_data["province"]
        filters = {
            "name": form.cleaned_data["name"],
            "postal_code": form.cleaned_data["postal_code"],
            "province": province.nis if province else "",
        }
    communes = selectors.commune_search(scope=scope, **filters).order_by(
        "search_names", "nis"
    )
    if form.is_bound and not form.is_valid():
        communes = communes.none()
    page = Paginator(communes, COMMUNES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "territory/commune_list.html",
        {
            "form": form,
            "page": page,
            "searching": any(filters.values()),
            "query": query.urlencode(),
        },
    )


@login_not_required
@require_safe
def commune_detail(request: HttpRequest, nis: str) -> HttpResponse:
    commune = selectors.commune_detail(nis)
    if commune is None:
        successor = selectors.commune_successor_nis(nis)
        if successor is None:
            raise Http404(_("Aucune commune n'a le code INS %(nis)s.") % {"nis": nis})
        return redirect("territory:commune_detail", nis=successor, permanent=True)
    return render(request, "territory/commune_detail.html", {"commune": commune})
