"""The one API of the platform, under /api/v1/. Each app adds its own router."""

import logging
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from accounts.api_auth import API_AUTH
from analysis.api import router as analysis_router
from consultations.api import router as consultations_router
from coordination.api import router as coordination_router
from exchange.api import router as exchange_router
from lib.problems import (
    PROBLEM_CONTENT_TYPE,
    Problem,
    conflict_current,
    document_problems,
    field_errors,
    problem_for,
    registered_problems,
)
from lib.text import validate_text
from lib.versioning import VersionConflict
from meetings.api import router as meetings_router
from register.api import router as register_router
from taxonomy.api import router as taxonomy_router
from territory.api import router as territory_router

NUL = "\x00"


def _nul_locations(
    value: object, location: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Where text (a value or a key) holds a NUL character in parsed data, and
    that text."""
    if isinstance(value, str):
        if NUL in value:
            yield location, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                yield (*location, key), str(key)
            else:
                yield from _nul_locations(item, (*location, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_locations(item, (*location, index))


def _nul_message(text: str) -> str:
    """The forms' message for the NUL character (it says where it is)."""
    try:
        validate_text(text)
    except DjangoValidationError as error:
        return str(error.messages[0])
    return "Text cannot hold a NUL character (U+0000)."


class TextParser(Parser):
    """ninja's parser, refusing text that holds a NUL character (422), in a query,
    a form or a JSON body: PostgreSQL can neither store nor compare it, and a
    query with one fails."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = super().parse_body(request)
        self._refuse_nul(data, "body")
        return data

    def parse_querydict(
        self,
        data: MultiValueDict[str, Any],
        list_fields: list[str],
        request: HttpRequest,
    ) -> dict[str, Any]:
        parsed: dict[str, Any] = super().parse_querydict(data, list_fields, request)
        self._refuse_nul(parsed, "query" if data is request.GET else "form")
        return parsed

    @staticmethod
    def _refuse_nul(data: object, source: str) -> None:
        errors = [
            {"loc": location, "msg": _nul_message(text)}
            for location, text in _nul_locations(data, (source,))
        ]
        if errors:
            raise ValidationError(errors)


class MaillageAPI(NinjaAPI):
    def get_openapi_schema(
        self,
        *,
        path_prefix: str | None = None,
        path_params: dict[str, Any] | None = None,
    ) -> OpenAPISchema:
        """ninja's document, with the error answers the handlers below give."""
        document = super().get_openapi_schema(
            path_prefix=path_prefix, path_params=path_params
        )
        document_problems(document)
        return document


api = MaillageAPI(
    title="Maillage API",
    version="1.0.0",
    description=(
        "Register, analysis and steering of the coordination of services for people "
        "displaced from Ukraine in Wallonia. Errors are RFC 9457 problem details."
    ),
    urls_namespace="api",
    parser=TextParser(),
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
    if isinstance(error.__cause__, ValidationError):
        # ninja answers 400 to any error of the body's parser: what TextParser
        # refuses is invalid, not unreadable.
        return on_invalid(request, error.__cause__)
    return problem(request, error.status_code, str(error.message))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem(request, 404, str(error) or "Not found.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(
    request: HttpRequest, error: AuthenticationError
) -> HttpResponse:
    response = problem(
        request,
        401,
        "Authentication is required: a session, or a personal API token sent as "
        "`Authorization: Bearer TOKEN` (create one on your profile page).",
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


BODY_PARAMETER = "payload"


def _location(loc: Iterable[object]) -> str:
    """'body.payload.name' → 'body.name': the request body schema's parameter is
    named `payload` in every operation, and clients know the body, not the name."""
    parts = [str(part) for part in loc]
    if parts[:2] == ["body", BODY_PARAMETER]:
        del parts[1]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = [
        {"location": _location(item.get("loc", ())), "message": item.get("msg", "")}
        for item in error.errors
    ]
    invalid_path = [
        item["location"].removeprefix("path.")
        for item in errors
        if item["location"].startswith("path.")
    ]
    if invalid_path:
        # A path whose id no object can have (0, past 64 bits, not a number) names
        # nothing: 404, as Django answers a URL that matches no pattern.
        return problem(
            request,
            404,
            _(
                "Rien ne se trouve à cette adresse : aucun objet n'a cet "
                "identifiant (%(parameters)s)."
            )
            % {"parameters": ", ".join(invalid_path)},
        )
    return problem(request, 422, "The request is not valid: see errors.", errors=errors)


@api.exception_handler(RequestDataTooBig)
def on_too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    """A body over UPLOAD_MAX_BYTES: Django refuses to read it."""
    return problem(
        request,
        413,
        _(
            "La requête dépasse la taille permise (%(limit)s) : envoyez moins de "
            "données à la fois."
        )
        % {"limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return problem(request, 403, str(error) or "You may not do this.")


@api.exception_handler(DjangoValidationError)
def on_refused(request: HttpRequest, error: DjangoValidationError) -> HttpResponse:
    """A service refused the data: nothing was written."""
    return problem(
        request,
        422,
        "The request is not valid: see errors. Nothing was written.",
        errors=field_errors(error),
    )


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(BadRequest)
@api.exception_handler(MultiPartParserError)
def on_unreadable(request: HttpRequest, error: Exception) -> HttpResponse:
    """A request Django refuses to read (too many fields, a broken multipart
    body): 400, as Django answers it; suspicious ones logged where it logs them."""
    response = problem(
        request, 400, _("La requête est mal formée : elle n'a pas pu être lue.")
    )
    if isinstance(error, SuspiciousOperation):
        logger = logging.getLogger(f"django.security.{type(error).__name__}")
        log_response(
            str(error),
            response=response,
            request=request,
            logger=logger,
            level="error",
            exception=error,
        )
    return response


@api.exception_handler(Exception)
def on_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """Anything else is a bug: reported as Django reports one (the
    got_request_exception signal, an error with its traceback in the
    django.request log), answered as a problem that shows nothing of it."""
    signals.got_request_exception.send(sender=None, request=request)
    response = problem(
        request,
        500,
        _(
            "Une erreur inattendue est survenue ; elle a été enregistrée. "
            "Réessayez dans quelques instants."
        ),
    )
    log_response(
        "%s: %s",
        response.reason_phrase,
        request.path,
        response=response,
        request=request,
        exception=error,
    )
    return response


@problem_for(VersionConflict)
def conflict_problem(error: VersionConflict) -> Problem:
    """A stale `version`: someone changed the object since the client read it."""
    current = error.current
    return Problem(
        409,
        f"It changed since you read it: version {current.version} is current. "
        "Nothing was written: read it again (see `current`), apply your change and "
        "send it with the current version.",
        {"version": current.version, "current": conflict_current(current)},
    )


def _handler(
    build: Callable[[Any], Problem],
) -> Callable[[HttpRequest, Any], HttpResponse]:
    def handle(request: HttpRequest, error: Any) -> HttpResponse:
        found = build(error)
        return problem(request, found.status, found.detail, **found.extra)

    return handle


# The apps' own exceptions (see lib.problems.problem_for).
for exception, build in registered_problems().items():
    api.add_exception_handler(exception, _handler(build))

api.add_router("/territory/", territory_router, tags=["territory"])
api.add_router("/taxonomy/", taxonomy_router, tags=["taxonomy"])
api.add_router("/register/", register_router, tags=["register"])
api.add_router("/exchange/", exchange_router, tags=["exchange"])
api.add_router("/coordination/", coordination_router, tags=["coordination"])
api.add_router("/analysis/", analysis_router, tags=["analysis"])
api.add_router("/", meetings_router, tags=["meetings"])
api.add_router("/", consultations_router, tags=["consultations"])
