"""Form widgets and choices for large, often-rendered selects."""

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from lib.markup import escape


def _option(value: Any, label: Any) -> str:
    value = "" if value is None else str(value)
    # The standard library's escape: format_html's lazy-aware machinery cost
    # more than the rest of the option.
    return f'<option value="{escape(value)}">{escape(label)}</option>'


def render_options(choices: Iterable[tuple[Any, Any]]) -> str:
    """The <option>s (and <optgroup>s) of choices, none selected."""
    parts: list[str] = []
    for option_value, option_label in choices:
        if isinstance(option_label, list | tuple):
            parts.append(format_html('<optgroup label="{}">', option_value))
            parts.extend(_option(v, label) for v, label in option_label)
            parts.append("</optgroup>")
        else:
            parts.append(_option(option_value, option_label))
    return "".join(parts)


class PreparedChoices(BaseChoiceIterator):
    """Choices read once and kept (in the cache, say) with what every request
    would otherwise recompute from them: their <option>s and their values.

    Given to a ChoiceField, they are used as they are (Django normalises a plain
    list again for each form); FastSelect writes their options as prepared, and
    PreparedChoiceField checks a value against the set of values.
    """

    def __init__(self, choices: Iterable[tuple[Any, Any]]) -> None:
        self.choices = [
            (value, [(v, str(label)) for v, label in label_or_group])
            if isinstance(label_or_group, list | tuple)
            else (value, str(label_or_group))
            for value, label_or_group in choices
        ]
        values: set[str] = set()
        for value, label_or_group in self.choices:
            if isinstance(label_or_group, list):
                values.update(str(v) for v, _label in label_or_group)
            else:
                values.add(str(value))
        self.values = frozenset(values)
        self.options = render_options(self.choices)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __getitem__(self, index: int) -> Any:
        return self.choices[index]


class PreparedChoiceField(forms.ChoiceField):
    """A ChoiceField whose PreparedChoices check a value in constant time."""

    def valid_value(self, value: Any) -> bool:
        choices = self.choices
        if isinstance(choices, PreparedChoices):
            return str(value) in choices.values
        return super().valid_value(value)


class FastSelect(forms.Select):
    """A <select> whose options are written in Python, or taken as prepared
    (PreparedChoices), the selected ones marked in the text.

    Django renders each option through a template, which costs about a millisecond
    per hundred options: on a page of filters listing every commune, it outweighed
    the database. The HTML is the same.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        choices = self.choices
        options = (
            choices.options
            if isinstance(choices, PreparedChoices)
            else render_options(choices)
        )
        values = list(dict.fromkeys(str(v) for v in self.format_value(value)))
        if not self.allow_multiple_selected:
            # As Django: one option selected in a single select.
            values = [v for v in values if f'<option value="{escape(v)}">' in options]
            values = values[:1]
        for selected in values:
            options = options.replace(
                f'<option value="{escape(selected)}">',
                f'<option value="{escape(selected)}" selected>',
                -1 if self.allow_multiple_selected else 1,
            )
        # Every part is escaped above.
        return mark_safe(  # noqa: S308
            format_html("<select{}>", flatatt(final_attrs)) + options + "</select>"
        )
