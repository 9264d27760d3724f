"""The register's commune page: who serves a commune."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_safe,
)

from accounts.permissions import permission_required
from register import pages
from territory import selectors as territory_selectors


@require_safe
@permission_required("internal.view")
def commune_detail(request: HttpRequest, nis: str) -> HttpResponse:
    commune = territory_selectors.commune_resolve(nis)
    if commune is None:
        raise Http404(_("Aucune commune n'a le code INS %(nis)s.") % {"nis": nis})
    if commune.nis != nis:
        return redirect("register:commune_detail", nis=commune.nis, permanent=True)
    return render(
        request,
        "register/commune_detail.html",
        {
            "commune": commune,
            "local": pages.commune_administration(commune),
            "offers": pages.commune_offer(commune),
        },
    )
