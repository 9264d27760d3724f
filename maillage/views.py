from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import can
from lib import parts as lib_parts
from register import selectors as register_selectors


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """The platform's parts that exist (lib.parts), each linked for those who
    may open it."""
    parts = [(part, can(request.user, part.action)) for part in lib_parts.parts()]
    # The coordinators complete what partners' 4W sheets created.
    incomplete = (
        register_selectors.organisation_incomplete_count()
        if can(request.user, "register.manage")
        else 0
    )
    return render(
        request,
        "home.html",
        {
            "parts": parts,
            "incomplete": incomplete,
            # A focal point's way in: their own organisation's page.
            "own": register_selectors.member_organisations(request.user),
        },
    )


@login_not_required
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "about.html")


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django answers 400 to every request it refuses to read; a body over
    UPLOAD_MAX_BYTES is a 413, and says so (the API answers its own)."""
    if isinstance(exception, RequestDataTooBig):
        context = {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        return render(request, "413.html", context, status=413)
    return defaults.bad_request(request, exception)
