"""Form helpers shared by every app's pages: fieldsets, text fields that refuse
control characters, service errors shown on the form, and the rows of an edit
conflict (what was sent against what is stored)."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Model, QuerySet
from django.forms.boundfield import BoundField
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.collation import sort_key
from lib.text import validate_line, validate_text


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def apply_service_errors(
    form: forms.BaseForm,
    error: ValidationError,
    renamed: Mapping[str, str] | None = None,
) -> None:
    """Show a service's ValidationError on the form: on the field it names when the
    form has it (`renamed` maps service names to form names), above the form
    otherwise."""
    renamed = renamed or {}
    error_dict: dict[str, list[ValidationError]] | None = getattr(
        error, "error_dict", None
    )
    if error_dict is None:
        form.add_error(None, error)
        return
    for name, errors in error_dict.items():
        field = renamed.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


def refuse_control_characters(fields: Iterable[forms.Field]) -> None:
    """Make text fields refuse control characters as lib.text does (the message
    says which character and where), in place of Django's check, which refuses
    NUL alone: a textarea keeps its tabs and line breaks, a one-line input
    refuses them. E-mail addresses, URLs and other typed fields keep their own
    validators."""
    for field in fields:
        if type(field) is not forms.CharField:
            continue
        check = (
            validate_text if isinstance(field.widget, forms.Textarea) else validate_line
        )
        field.validators = [
            *(
                validator
                for validator in field.validators
                if not isinstance(validator, ProhibitNullCharactersValidator)
                and validator not in (validate_line, validate_text)
            ),
            check,
        ]


class CheckedTextForm(forms.BaseForm):
    """A form whose text fields refuse control characters
    (`refuse_control_characters`), those added in `__init__` included."""

    def full_clean(self) -> None:
        refuse_control_characters(self.fields.values())
        super().full_clean()


class FieldsetForm(CheckedTextForm):
    """A form laid out in fieldsets: (legend, field names) pairs, whose text
    fields refuse control characters."""

    fieldsets: Sequence[tuple[Any, Sequence[str]]] = ()
    required_css_class = "required"
    # Fields left out of an edit conflict's comparison (shortcuts that fill others).
    conflict_skip: Sequence[str] = ()

    def submitted_values(self) -> dict[str, Any]:
        """The cleaned values as the edit conflict compares them with what is stored."""
        return dict(self.cleaned_data)

    def bound_fieldsets(self) -> list[tuple[Any, list[BoundField]]]:
        """The visible fields by fieldset (hidden ones go with form.hidden_fields)."""
        layout = []
        for legend, names in self.fieldsets:
            fields = [
                self[name]
                for name in names
                if name in self.fields and not self[name].is_hidden
            ]
            if fields:
                layout.append((legend, fields))
        return layout


# Optimistic locking: what the writer sent against what is stored now.


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def display_value(field: forms.Field, value: Any) -> str:
    """A field's value as a person reads it."""
    if isinstance(field, forms.BooleanField):
        return gettext("oui") if value else gettext("non")
    if _is_empty(value):
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        names = sorted((str(item) for item in value), key=sort_key)
        if len(names) > 10:
            return gettext("%(count)s éléments : %(names)s…") % {
                "count": len(names),
                "names": ", ".join(names[:10]),
            }
        return ", ".join(names)
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(cast(Iterable[tuple[Any, Any]], field.choices))
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(field, forms.ChoiceField):
        labels = dict(cast(Iterable[tuple[Any, Any]], field.choices))
        return str(labels.get(value, labels.get(str(value), value)))
    if isinstance(value, datetime.date):
        return date_format(value)
    return str(value)


def _comparable(value: Any) -> Any:
    if _is_empty(value):
        return None
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set):
        return frozenset(_comparable(item) for item in value)
    return value


def _stored(field: forms.Field, initial: Any) -> Any:
    """The object(s) behind an initial value (primary keys for model fields)."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        manager = field.queryset.model._default_manager  # type: ignore[union-attr]
        pks = [getattr(item, "pk", item) for item in initial or []]
        return list(manager.filter(pk__in=pks))
    if isinstance(field, forms.ModelChoiceField):
        manager = field.queryset.model._default_manager  # type: ignore[union-attr]
        return (
            manager.filter(pk=getattr(initial, "pk", initial)).first()
            if initial
            else None
        )
    return initial


def conflict_rows(
    submitted: forms.BaseForm,
    stored: forms.BaseForm,
    submitted_values: Mapping[str, Any],
    skip: Iterable[str] = (),
) -> list[dict[str, str]]:
    """The fields where what was submitted differs from what is stored now.

    `stored` is an unbound form of the current object: its initial values are
    what the database holds."""
    skipped = {"version", "reason", *getattr(submitted, "conflict_skip", ()), *skip}
    rows = []
    for name, field in submitted.fields.items():
        if name in skipped or name not in stored.fields:
            continue
        mine = submitted_values.get(name)
        theirs = _stored(field, stored.initial.get(name, stored.fields[name].initial))
        if _comparable(mine) != _comparable(theirs):
            rows.append(
                {
                    "label": str(field.label),
                    "submitted": display_value(field, mine),
                    "stored": display_value(field, theirs),
                }
            )
    return rows


# The years a date of a meeting or a consultation may fall in.
YEARS = (2000, 2100)
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and a time in Brussels (the browser's own picker, no script)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=LOCAL_INPUT)


class LocalDateTimeField(forms.DateTimeField):
    """A time in Brussels, in the years Maillage plans for (a slip such as
    0026 for 2026 is refused here, before anything is computed with it)."""

    def to_python(self, value: Any) -> Any:
        first, last = YEARS
        if isinstance(value, str) and value.strip()[:4].isdecimal():
            year = int(value.strip()[:4])
            if not first <= year <= last:
                raise ValidationError(
                    _("Une date entre %(first)s et %(last)s.")
                    % {"first": first, "last": last},
                    code="invalid",
                )
        value = super().to_python(value)
        if value is not None and not first <= value.year <= last:
            raise ValidationError(
                _("Une date entre %(first)s et %(last)s.")
                % {"first": first, "last": last},
                code="invalid",
            )
        return value


def local_datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return LocalDateTimeField(
        label=label,
        widget=LocalDateTimeInput,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("Heure de Bruxelles."),
        **kwargs,
    )
