"""Free text as the platform keeps it: without control characters, and long
texts bounded.

Whatever people type goes out again in exports and comes back through the
importer, so it has to fit in them. XML, and so XLSX, cannot hold most control
characters; a NUL breaks CSV files and PostgreSQL refuses it; a spreadsheet cell
holds 32,767 characters at most. Every text field people write refuses control
characters: a line (a name, a phone number) refuses line breaks and tabs too, a
text of several lines (a description) keeps them. Long texts have a maximum
length well under a cell's, so that the register exports and imports back
unchanged. The forms, the API and the importer all check with these
validators, through the models' fields.
"""

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# Maximum lengths, in characters, of the texts people write at length.
DESCRIPTION_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000

# Unicode's control characters (C0, DEL and C1) and lone surrogates (which a
# JSON body can carry as "\ud800", and no database encoding can store); a text
# of several lines keeps its tabs and line breaks.
REFUSED_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
REFUSED_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _refuse(match: re.Match[str] | None) -> None:
    if match is None:
        return
    character = match.group()
    params = {"character": f"U+{ord(character):04X}", "position": match.start() + 1}
    if character in "\n\r":
        raise ValidationError(
            _(
                "Ce champ tient sur une ligne : retirez le saut de ligne à la "
                "position %(position)s."
            ),
            code="line_break",
            params=params,
        )
    if "\ud800" <= character <= "\udfff":
        raise ValidationError(
            _(
                "Ce texte contient un caractère invalide (%(character)s) à la "
                "position %(position)s : retirez-le."
            ),
            code="invalid_character",
            params=params,
        )
    raise ValidationError(
        _(
            "Ce texte contient un caractère de contrôle (%(character)s) à la "
            "position %(position)s : retirez-le."
        ),
        code="control_character",
        params=params,
    )


def validate_line(value: str) -> None:
    """A text of one line: no control character, tabs and line breaks included."""
    _refuse(REFUSED_IN_LINE.search(value))


def validate_text(value: str) -> None:
    """A text of several lines: no control character but tabs and line breaks."""
    _refuse(REFUSED_IN_TEXT.search(value))


def long_text_validators(max_length: int) -> list[Callable[[Any], None]]:
    """The validators of a TextField of at most `max_length` characters, to give
    along with its `max_length`: a TextField's `max_length` only reaches its form
    field (and the textarea's maxlength), so the model checks it here for the
    API's services and the importer too."""
    return [MaxLengthValidator(max_length), validate_text]
