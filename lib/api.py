"""Helpers shared by every app's API: bounded ids and page numbers, text checked
as the models check it, request bodies' references resolved with one 422 for all
the unknown ones, the version a writer read, and paging in two steps (ids
first)."""

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from lib.paging import PagedRows
from lib.text import validate_line, validate_text

# The largest id (or version) a row can have: a signed 64-bit integer. A larger
# number never reaches the database, whose drivers fail on it (SQLite's
# OverflowError, PostgreSQL's "bigint out of range") instead of finding nothing.
MAX_ID = 2**63 - 1
# The highest page number: its offset, at any page size, stays far within 64 bits.
MAX_PAGE = 2**31 - 1

# Every id a request carries, in its path, its query or its body, and every
# version it sends back (422 beyond).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _checked(validate: Callable[[str], None]) -> AfterValidator:
    def check(value: str) -> str:
        try:
            validate(value)
        except ValidationError as error:
            raise PydanticCustomError(
                error.code or "invalid_text", error.messages[0]
            ) from None
        return value

    return AfterValidator(check)


# A request body's text refuses the control characters the models refuse
# (lib/text.py), with their message, before any service reads it: one line
# refuses line breaks and tabs too, several lines keep them. Each goes after
# the text's length constraint, which pydantic then checks first with its own
# message ("String should have at most 255 characters"; after a validator, it
# would count "items"): Annotated[str, StringConstraints(max_length=255),
# ONE_LINE].
ONE_LINE = _checked(validate_line)
LINES = _checked(validate_text)


class VersionIn(Schema):
    version: Id = Field(..., description="The version the client read.")


class Refs:
    """Resolves the codes and ids a request body refers to, and gathers every
    unknown one, so that one 422 names them all (`check`). Apps subclass it for
    their own kinds of references."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def unknown(self, field: str, value: object) -> None:
        self.fail(
            field,
            _("%(field)s : valeur inconnue « %(value)s ».")
            % {"field": field, "value": value},
        )

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def term[T: Model](self, model: type[T], field: str, code: str | None) -> T | None:
        """One object of a vocabulary, by its `code`."""
        if code is None:
            return None
        found = model._default_manager.filter(code=code).first()
        if found is None:
            self.unknown(field, code)
        return found

    def terms[T: Model](
        self, model: type[T], field: str, codes: Iterable[str]
    ) -> list[T]:
        """Objects of a vocabulary by their codes, in the order given."""
        wanted = list(dict.fromkeys(codes))
        found = {
            getattr(term, "code"): term  # noqa: B009 - any model with a code field
            for term in model._default_manager.filter(code__in=wanted)
        }
        for code in wanted:
            if code not in found:
                self.unknown(field, code)
        return [found[code] for code in wanted if code in found]

    def objects[M: Model](
        self, model: type[M], field: str, pks: Iterable[int]
    ) -> list[M]:
        """Objects by id, in the order given, each once (one query)."""
        wanted = list(dict.fromkeys(pks))
        found = model._default_manager.in_bulk(wanted)
        for pk in wanted:
            if pk not in found:
                self.unknown(field, pk)
        return [found[pk] for pk in wanted if pk in found]


def blank_none(data: dict[str, Any], names: Iterable[str]) -> None:
    """An explicit null on a text field means 'empty'."""
    for name in names:
        if name in data and data[name] is None:
            data[name] = ""


def not_null(refs: Refs, data: dict[str, Any], names: Iterable[str]) -> None:
    """An explicit null on a required field is refused."""
    for name in names:
        if name in data and data[name] is None:
            refs.fail(name, _("Ce champ est obligatoire."))


class PageNumbers(PageNumberPagination):
    """ninja's page numbers, bounded: a page number beyond any list is refused
    (422) before its offset reaches the database, which would fail on it."""

    class Input(PageNumberPagination.Input):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)


class IdsFirstPagination(PageNumbers):
    """Page numbers over lib.paging.PagedRows: the matching rows counted, the
    page's ids read first, then their rows."""

    def paginate_queryset(  # type: ignore[override]  # PagedRows, not a QuerySet
        self,
        queryset: PagedRows[Any],
        pagination: PageNumbers.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        return {
            self.items_attribute: queryset.page(offset, page_size),
            "count": queryset.count(),
        }
