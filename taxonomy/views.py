from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import can, permission_required
from taxonomy import selectors
from taxonomy.models import Competence


@require_GET
@permission_required("internal.view")
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "taxonomy/index.html",
        {
            "summaries": selectors.vocabulary_summaries(),
            "competence_count": selectors.competences_active().count(),
            "can_edit": can(request.user, "vocabulary.change"),
        },
    )


@require_GET
@permission_required("internal.view")
def vocabulary(request: HttpRequest, kind: str) -> HttpResponse:
    found = selectors.vocabulary_get(kind)
    if found is None:
        raise Http404
    return render(
        request,
        "taxonomy/vocabulary.html",
        {
            "vocabulary": found,
            "rows": selectors.term_rows(found),
            "can_edit": can(request.user, "vocabulary.change"),
        },
    )


@require_GET
@permission_required("internal.view")
def competences(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "taxonomy/competences.html",
        {
            "matrix": selectors.competence_matrix(),
            "kinds": Competence.Kind,
            "can_edit": can(request.user, "vocabulary.change"),
        },
    )
