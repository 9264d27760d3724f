"""RFC 9457 problem details: the one error format of the API.

The schemas document the error answers in the OpenAPI document; the exception
handlers of `maillage.api` build them.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema


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
