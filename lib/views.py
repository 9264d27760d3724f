"""Helpers shared by every app's pages: the methods a form page answers, page or
htmx partial, and editing a versioned object with conflict detection."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from lib.api import MAX_ID
from lib.forms import FieldsetForm, apply_service_errors, conflict_rows
from lib.versioning import VersionConflict

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def query_id(value: str | None) -> int | None:
    """An id from a query string or a form: ASCII digits within a 64-bit
    integer, or None (so that "²", "-1" or twenty digits find nothing instead
    of failing)."""
    if not value or not value.isascii() or not value.isdecimal():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def render_page_or_partial(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only its partial for an htmx request (not for htmx's
    history restoration, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def posted_version(request: HttpRequest) -> int | None:
    """The version a confirmation form was shown with (None: do not check)."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def on_version(request: HttpRequest, version: int) -> QueryDict:
    """The submitted data, set to overwrite the version stored now if sent again."""
    data = request.POST.copy()
    data["version"] = str(version)
    return data


@dataclass
class Edit[F: FieldsetForm]:
    """What became of a posted edit: saved, refused (errors on `form`), or in
    conflict with a newer version (`conflict` rows; `form` is then bound to the
    stored object, ready to overwrite it if sent again)."""

    form: F
    saved: bool = False
    conflict: list[dict[str, str]] | None = None

    @property
    def status(self) -> int:
        return 409 if self.conflict is not None else 200


def edit_versioned[F: FieldsetForm](
    request: HttpRequest,
    form: F,
    *,
    write: Callable[[F], object],
    form_for: Callable[[QueryDict | None, Any], F],
    refused: Callable[[F, ValidationError], None] = apply_service_errors,
    more_conflicts: Callable[[F, Any, QueryDict], list[dict[str, str]]] | None = None,
    also_valid: Callable[[], bool] = lambda: True,
) -> Edit[F]:
    """Validate a posted edit form and `write` it (one service call).

    On VersionConflict the person sees what they sent against what is stored now:
    `form_for(data, current)` builds the form of the stored object, unbound
    (data None) to read its values and bound to the data sent again.
    `more_conflicts` adds rows for what the form alone does not hold (a formset),
    and `also_valid` validates it: nothing is written unless both are valid."""
    if request.method != "POST" or not form.is_valid() or not also_valid():
        return Edit(form)
    try:
        write(form)
    except VersionConflict as error:
        current = error.current
        conflict = conflict_rows(form, form_for(None, current), form.submitted_values())
        data = on_version(request, current.version)
        if more_conflicts is not None:
            conflict += more_conflicts(form, current, data)
        return Edit(form_for(data, current), conflict=conflict)
    except ValidationError as error:
        refused(form, error)
        return Edit(form)
    return Edit(form, saved=True)
