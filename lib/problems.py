"""RFC 9457 problem details: the one error format of the API.

The schemas document the error answers in the OpenAPI document, which
`document_problems` completes; the exception handlers of `maillage.api` build
them. Apps register here what their own errors answer (`problem_for`) and how a
409 shows their versioned objects (`conflict_schema`), without editing
`maillage.api`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema

PROBLEM_CONTENT_TYPE = "application/problem+json"


class FieldErrorOut(Schema):
    location: str = Field(
        ...,
        description='Where the error is: "body.<field>", "query.<parameter>" or '
        '"body" for the request as a whole.',
    )
    message: str


class ProblemOut(Schema):
    type: str = Field("about:blank")
    title: str
    status: int
    detail: str
    instance: str = Field(..., description="The path that was asked for.")
    errors: list[FieldErrorOut] | None = Field(
        None, description="One entry per invalid field (422 only)."
    )
    version: int | None = Field(
        None, description="The version stored now (409 only): read, merge, retry."
    )
    current: dict[str, Any] | None = Field(
        None, description="The object as stored now (409 only)."
    )


def problems(*statuses: int) -> dict[int, type[ProblemOut]]:
    """Response declarations for the error statuses an operation may answer."""
    return dict.fromkeys(statuses, ProblemOut)


def field_errors(error: DjangoValidationError) -> list[dict[str, str]]:
    """A Django ValidationError as problem `errors`: one entry per message, located
    at the request body's field ("body" for errors about the whole object)."""
    if hasattr(error, "error_dict"):
        items = list(error.message_dict.items())
    else:
        items = [(NON_FIELD_ERRORS, error.messages)]
    return [
        {
            "location": "body" if field == NON_FIELD_ERRORS else f"body.{field}",
            "message": message,
        }
        for field, messages in items
        for message in messages
    ]


@dataclass(frozen=True)
class Problem:
    """What an exception answers: its status, detail and extra members."""

    status: int
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)


_PROBLEMS: dict[type[Exception], Callable[[Any], Problem]] = {}
_CONFLICT_SCHEMAS: dict[type[Any], Callable[[Any], Schema]] = {}


def problem_for[E: Exception](
    exception: type[E],
) -> Callable[[Callable[[E], Problem]], Callable[[E], Problem]]:
    """Register what an app's exception answers in the API (a decorator)."""

    def register(build: Callable[[E], Problem]) -> Callable[[E], Problem]:
        _PROBLEMS[exception] = build
        return build

    return register


def registered_problems() -> dict[type[Exception], Callable[[Any], Problem]]:
    return dict(_PROBLEMS)


def conflict_schema(model: type[Any], serialise: Callable[[Any], Schema]) -> None:
    """How a 409 shows an object of `model` as stored now."""
    _CONFLICT_SCHEMAS[model] = serialise


def conflict_current(current: Any) -> dict[str, Any] | None:
    """The object as stored now, as its API shows it (None: no schema known)."""
    serialise = _CONFLICT_SCHEMAS.get(type(current))
    return serialise(current).model_dump(mode="json") if serialise else None


def document_problems(document: dict[str, Any]) -> None:
    """Complete an OpenAPI document's error answers, in place.

    Every error answer is a problem, sent as application/problem+json (ninja
    writes application/json for all). Each operation lists, besides the errors
    it declares, those the API gives whatever the endpoint: 400 (a body that
    cannot be read) and 413 (a body over UPLOAD_MAX_BYTES) for a request body,
    401 where authentication is needed, 404 for a path that names nothing, 422
    for invalid query parameters or body."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    if "ProblemOut" not in schemas:
        found = ProblemOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        schemas.update(found.pop("$defs", {}))
        schemas["ProblemOut"] = found
    problem = {"schema": {"$ref": "#/components/schemas/ProblemOut"}}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            # ninja's statuses are numbers, JSON's keys strings: one of each.
            responses = {
                str(status): response
                for status, response in operation.get("responses", {}).items()
            }
            operation["responses"] = responses
            for implied in _implied_errors(operation):
                responses.setdefault(str(implied), {})
            for status, response in responses.items():
                if int(status) < 400:
                    continue
                response.setdefault("description", HTTPStatus(int(status)).phrase)
                content = response.setdefault("content", {})
                declared = content.get("application/json")
                if declared == problem:
                    del content["application/json"]
                # Another schema (an import's report) stays beside the problem.
                content[PROBLEM_CONTENT_TYPE] = problem


def _implied_errors(operation: dict[str, Any]) -> set[int]:
    places = {parameter["in"] for parameter in operation.get("parameters", [])}
    body = "requestBody" in operation
    implied = set()
    if body:
        implied |= {400, 413}
    if operation.get("security"):
        implied.add(401)
    if "path" in places:
        implied.add(404)
    if body or places - {"path"}:
        implied.add(422)
    return implied
