"""XLSForm in and out, through pyxform (never parsed by hand): a workbook (or
pyxform's markdown) is read into its rows, checked against what Maillage's
forms support, and converted by pyxform, whose errors are reported, never
raised; a questionnaire's rows are written back as a workbook that pyxform
converts, and as the XForm for those who collect it with ODK or Kobo."""

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from pyxform import xls2xform
from pyxform.xls2json_backends import get_xlsform

from consultations.engine import FormError, spec_build
from lib.spreadsheets import XlsxWriter

# The question types Maillage's forms answer; `select_one`, `select_multiple`
# and `rank` name their list (and `or_other` may follow a select).
TYPES = {
    "text", "integer", "decimal", "date", "time", "note", "calculate",
    "acknowledge", "begin_group", "end_group", "begin_repeat", "end_repeat",
}  # fmt: skip
SELECTS = {"select_one", "select_multiple", "rank"}
# Columns of the survey sheet; those marked translatable take `::Language (code)`.
TRANSLATABLE = {
    "label", "hint", "guidance_hint", "required_message", "constraint_message",
}  # fmt: skip
SURVEY_COLUMNS = TRANSLATABLE | {
    "type", "name", "required", "constraint", "relevant", "calculation",
    "choice_filter", "default", "read_only", "appearance", "repeat_count",
}  # fmt: skip
SETTINGS = {"form_title", "form_id", "default_language", "version", "style"}
UNSUPPORTED_SHEETS = ("external_choices", "entities", "osm")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
_TYPE_SPACES = re.compile(r"\s+")
_LANGUAGE = re.compile(r"^.+::(?P<language>.+)$")


class XLSFormError(Exception):
    """What is wrong with a form, in words a person can act on."""


@dataclass
class Form:
    """A form read and checked: its rows, title, languages and questions."""

    definition: dict[str, Any]
    title: str
    form_id: str
    default_language: str
    languages: list[str]
    question_count: int
    warnings: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _clean_rows(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{_text(k): _text(v) for k, v in row.items() if _text(v)} for row in rows]


# The spellings pyxform also reads, written as Maillage stores them: headers
# (in any case, spaces for underscores, `label:Language` with one colon) and
# question types ("select one from x or specify other").
SURVEY_ALIASES = {
    "caption": "label", "relevance": "relevant", "readonly": "read_only",
    "count": "repeat_count", "jr:count": "repeat_count", "calculate": "calculation",
    "constraining_message": "constraint_message", "requiredmsg": "required_message",
    "command": "type", "tag": "name", "value": "name",
}  # fmt: skip
CHOICES_ALIASES = {"caption": "label", "value": "name", "list name": "list_name"}
CHOICES_COLUMNS = {"list_name", "name", "label"}
SETTINGS_ALIASES = {"set_form_title": "form_title", "set_form_id": "form_id"}
TYPE_ALIASES = {
    "int": "integer", "string": "text", "select1": "select_one",
    "select all that apply from": "select_multiple",
    "select all that apply": "select_multiple", "select one from": "select_one",
    "select one": "select_one", "select multiple": "select_multiple",
    "begin group": "begin_group", "end group": "end_group",
    "begin repeat": "begin_repeat", "end repeat": "end_repeat",
}  # fmt: skip


def _canonical_header(header: str, aliases: dict[str, str], known: set[str]) -> str:
    """A header as Maillage stores it; one it does not know stays as written
    (a choices column a choice_filter names keeps its case)."""
    text = header.strip()
    if "::" in text:
        first, rest = text.split("::", 1)
    elif ":" in text and not text.lower().startswith("jr:"):
        first, rest = text.split(":", 1)
    else:
        first, rest = text, None
    base = "_".join(first.split()).lower()
    base = aliases.get(base, aliases.get(first.strip().lower(), base))
    if base not in known:
        return text
    return f"{base}::{rest.strip()}" if rest is not None else base


def _canonical_type(value: str) -> str:
    words = " ".join(value.split())
    lower = words.lower()
    other = ""
    for suffix in (" or specify other", " or_other"):
        if lower.endswith(suffix):
            other, words, lower = (
                " or_other",
                words[: -len(suffix)],
                lower[: -len(suffix)],
            )
    for alias in sorted(TYPE_ALIASES, key=len, reverse=True):
        if lower == alias or lower.startswith(alias + " "):
            return TYPE_ALIASES[alias] + words[len(alias) :] + other
    first, *rest = words.split(" ", 1)
    return " ".join([first.lower(), *rest]) + other


def _canonical_rows(
    rows: list[dict[str, str]], aliases: dict[str, str], known: set[str]
) -> list[dict[str, str]]:
    canonical = []
    for row in rows:
        out: dict[str, str] = {}
        for header, value in row.items():
            out.setdefault(_canonical_header(header, aliases, known), value)
        if out.get("type"):
            out["type"] = _canonical_type(out["type"])
        canonical.append(out)
    return canonical


def _base(column: str) -> str:
    return column.split("::", 1)[0].strip().lower()


def _check_survey(survey: list[dict[str, str]]) -> int:
    questions = 0
    for number, row in enumerate(survey, start=2):
        for column in row:
            base = _base(column)
            if base not in SURVEY_COLUMNS or (
                "::" in column and base not in TRANSLATABLE
            ):
                raise XLSFormError(
                    _(
                        "Feuille survey, ligne %(row)s : la colonne « %(column)s » "
                        "n'est pas prise en charge."
                    )
                    % {"row": number, "column": column}
                )
        kind = _TYPE_SPACES.sub(" ", row.get("type", "")).strip()
        if not kind:
            continue
        words = kind.replace("begin group", "begin_group").replace(
            "end group", "end_group"
        )
        words = words.replace("begin repeat", "begin_repeat").replace(
            "end repeat", "end_repeat"
        )
        first, *rest = words.split(" ")
        if first in SELECTS:
            if (
                not rest
                or len(rest) > 2
                or (len(rest) == 2 and rest[1] != "or_other")
                or (first == "rank" and len(rest) != 1)
            ):
                raise XLSFormError(
                    _(
                        "Feuille survey, ligne %(row)s : « %(type)s » doit nommer "
                        "sa liste de choix."
                    )
                    % {"row": number, "type": kind}
                )
        elif first not in TYPES or rest:
            raise XLSFormError(
                _(
                    "Feuille survey, ligne %(row)s : le type « %(type)s » n'est "
                    "pas pris en charge."
                )
                % {"row": number, "type": kind}
            )
        if first not in {
            "begin_group",
            "end_group",
            "begin_repeat",
            "end_repeat",
            "note",
            "calculate",
        }:
            questions += 1
    return questions


def _languages(
    survey: list[dict[str, str]], choices: list[dict[str, str]]
) -> list[str]:
    found: dict[str, None] = {}
    for row in [*survey, *choices]:
        for column in row:
            match = _LANGUAGE.match(column)
            if match and _base(column) in TRANSLATABLE:
                found[match["language"].strip()] = None
    return list(found)


def form_check(definition: dict[str, Any]) -> Form:
    """Check a form's rows and convert them with pyxform; XLSFormError says
    what is wrong (an unsupported feature and its row, or pyxform's message)."""
    survey = _canonical_rows(
        _clean_rows(definition.get("survey") or []), SURVEY_ALIASES, SURVEY_COLUMNS
    )
    choices = _canonical_rows(
        _clean_rows(definition.get("choices") or []), CHOICES_ALIASES, CHOICES_COLUMNS
    )
    settings = {
        _canonical_header(_text(k), SETTINGS_ALIASES, SETTINGS): _text(v)
        for k, v in (definition.get("settings") or {}).items()
        if _text(v)
    }
    if not any(row.get("type") for row in survey):
        raise XLSFormError(_("La feuille survey ne contient aucune question."))
    if len(survey) + len(choices) > MAX_ROWS:
        raise XLSFormError(
            _("Un formulaire compte au plus %(max)s lignes.") % {"max": MAX_ROWS}
        )
    unknown = sorted(set(settings) - SETTINGS)
    if unknown:
        raise XLSFormError(
            _("Feuille settings : la colonne « %(column)s » n'est pas prise en charge.")
            % {"column": unknown[0]}
        )
    questions = _check_survey(survey)
    rows = {"survey": survey, "choices": choices, "settings": settings}
    languages = _languages(survey, choices)
    default = settings.get("default_language", "")
    try:
        # Groups, names, references and expressions, as the form is answered.
        spec_build(rows, languages, default)
    except FormError as error:
        raise XLSFormError(str(error)) from error
    except Exception as error:
        raise XLSFormError(
            _("Le formulaire n'est pas un XLSForm valide : %(error)s")
            % {"error": error}
        ) from error
    warnings: list[str] = []
    try:
        result = xls2xform.convert(
            xlsform={
                "survey": survey,
                "choices": choices,
                "settings": [settings] if settings else [],
            },
            warnings=warnings,
            form_name="data",
        )
    except Exception as error:
        raise XLSFormError(
            _("Le formulaire n'est pas un XLSForm valide : %(error)s")
            % {"error": error}
        ) from error
    del result
    if default and languages and default not in languages:
        raise XLSFormError(
            _("La langue par défaut « %(language)s » n'a aucun libellé.")
            % {"language": default}
        )
    return Form(
        definition=rows,
        title=settings.get("form_title")
        or settings.get("form_id")
        or _("Questionnaire sans titre"),
        form_id=settings.get("form_id", ""),
        default_language=default or (languages[0] if languages else ""),
        languages=languages,
        question_count=questions,
        warnings=warnings,
    )


def xlsform_read(content: bytes, filename: str) -> Form:
    """Read an XLSForm workbook (.xlsx, .xls) or pyxform's markdown (.md)."""
    if len(content) > MAX_BYTES:
        raise XLSFormError(_("Un XLSForm pèse au plus 5 Mo."))
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in {".xlsx", ".xls", ".md"}:
        raise XLSFormError(
            _(
                "Un XLSForm est un classeur .xlsx ou .xls (ou le markdown de "
                "pyxform, .md)."
            )
        )
    try:
        data = get_xlsform(
            xlsform=content.decode("utf-8") if extension == ".md" else content,
            file_type=extension,
        )
    except Exception as error:
        raise XLSFormError(
            _("Ce fichier ne se lit pas comme un XLSForm : %(error)s")
            % {"error": error}
        ) from error
    for sheet in UNSUPPORTED_SHEETS:
        if getattr(data, sheet, None):
            raise XLSFormError(
                _("La feuille « %(sheet)s » n'est pas prise en charge.")
                % {"sheet": sheet}
            )
    settings_rows = data.settings or []
    return form_check(
        {
            "survey": data.survey or [],
            "choices": data.choices or [],
            "settings": settings_rows[0] if settings_rows else {},
        }
    )


def _columns(rows: list[dict[str, str]], first: list[str]) -> list[str]:
    found: dict[str, None] = dict.fromkeys(first)
    for row in rows:
        found.update(dict.fromkeys(row))
    return list(found)


def xlsform_write(definition: dict[str, Any]) -> bytes:
    """The form as an XLSForm workbook: survey, choices and settings sheets."""
    output = io.BytesIO()
    with XlsxWriter(output) as workbook:
        for name, first in (
            ("survey", ["type", "name"]),
            ("choices", ["list_name", "name"]),
        ):
            rows = definition.get(name) or []
            columns = _columns(rows, first)
            sheet = workbook.add_sheet(name, header=columns)
            for row in rows:
                sheet.write_row([row.get(column, "") for column in columns])
        settings = definition.get("settings") or {}
        sheet = workbook.add_sheet("settings", header=list(settings))
        sheet.write_row(list(settings.values()))
    return output.getvalue()


def xform_write(definition: dict[str, Any]) -> str:
    """The form as an XForm (XML), converted by pyxform."""
    settings = definition.get("settings") or {}
    result = xls2xform.convert(
        xlsform={
            "survey": definition.get("survey") or [],
            "choices": definition.get("choices") or [],
            "settings": [settings] if settings else [],
        },
        form_name="data",
        pretty_print=True,
    )
    return str(result.xform)
