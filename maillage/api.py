"""The one API of the platform, under /api/v1/. Each app adds its own router."""

from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accounts.api_auth import API_AUTH
from taxonomy.api import router as taxonomy_router
from territory.api import router as territory_router

PROBLEM_CONTENT_TYPE = "application/problem+json"

api = NinjaAPI(
    title="Maillage API",
    version="1.0.0",
    description=(
        "Register, analysis and steering of the coordination of services for people "
        "displaced from Ukraine in Wallonia. Errors are RFC 9457 problem details."
    ),
    urls_namespace="api",
    # Deny by default: an endpoint is public only when it says `auth=None`.
    auth=API_AUTH,
)


def problem(
    request: HttpRequest, status: int, detail: str, **extra: Any
) -> HttpResponse:
    """An RFC 9457 problem details response."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **extra,
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return problem(request, error.status_code, str(error.message))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem(request, 404, str(error) or "Not found.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(
    request: HttpRequest, error: AuthenticationError
) -> HttpResponse:
    return problem(request, 401, "Authentication is required.")


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = [
        {
            "location": ".".join(str(part) for part in item.get("loc", ())),
            "message": item.get("msg", ""),
        }
        for item in error.errors
    ]
    return problem(request, 422, "The request is not valid: see errors.", errors=errors)


api.add_router("/territory/", territory_router, tags=["territory"])
api.add_router("/taxonomy/", taxonomy_router, tags=["taxonomy"])
