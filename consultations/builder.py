"""The questionnaire builder's edits, made on a copy of a form's XLSForm rows
({"survey", "choices", "settings"}): add, change, move and delete questions
and choices, name the languages and translate the texts. Nothing here is
stored: `services.questionnaire_edit` checks the result as an import does
(form_check) and keeps it only when the whole form is still valid."""

import copy
import hashlib
import json
import re
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from consultations.xlsform import TRANSLATABLE

# What « Ajouter une question » offers; groups and repeats add their end too.
QUESTION_KINDS = (
    "text", "integer", "decimal", "date", "time", "select_one", "select_multiple",
    "rank", "note", "acknowledge", "calculate", "begin_group", "begin_repeat",
    "maillage-organisation", "maillage-commune", "maillage-theme", "maillage-body",
)  # fmt: skip
SELECTS = ("select_one", "select_multiple", "rank")
# The row form's columns besides the texts, in the order it shows them.
LOGIC_COLUMNS = (
    "required", "relevant", "constraint", "calculation", "choice_filter",
    "default", "read_only", "appearance", "repeat_count",
)  # fmt: skip
TEXT_COLUMNS = (
    "label", "hint", "guidance_hint", "constraint_message", "required_message",
)  # fmt: skip
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
_LANGUAGE_NAME = re.compile(r"^[^:\n]{1,40} \([A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?\)$")
MAX_CHOICES = 200


class BuildError(Exception):
    """An edit that cannot be made as asked; the message says why."""


def digest(definition: dict[str, Any]) -> str:
    """A fingerprint of a form's rows: an edit sent with a stale one is
    refused instead of overwriting someone else's."""
    text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def languages(definition: dict[str, Any]) -> list[str]:
    """The languages of the form's texts, the default first; [""] for a form
    whose texts name no language."""
    found: dict[str, None] = {}
    for row in [*definition.get("survey", []), *definition.get("choices", [])]:
        for column in row:
            base, sep, language = column.partition("::")
            if sep and base in TRANSLATABLE:
                found[language] = None
    default = definition.get("settings", {}).get("default_language", "")
    ordered = [default] if default in found else []
    ordered += [language for language in found if language not in ordered]
    return ordered or [""]


def column(base: str, language: str) -> str:
    return f"{base}::{language}" if language else base


def text(row: dict[str, str], base: str, language: str) -> str:
    return row.get(column(base, language), "")


def _copy(definition: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(definition)
    new.setdefault("survey", [])
    new.setdefault("choices", [])
    new.setdefault("settings", {})
    return new


def _names(definition: dict[str, Any]) -> set[str]:
    return {row.get("name", "") for row in definition["survey"]}


def _check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name) or len(name) > 64:
        raise BuildError(
            _(
                "Un nom commence par une lettre et ne compte que des lettres sans "
                "accent, des chiffres, « _ », « - » ou « . » (64 au plus)."
            )
        )
    return name


def _index(rows: list[Any], index: int) -> int:
    if not 0 <= index < len(rows):
        raise BuildError(_("Cette ligne n'existe plus : rechargez la page."))
    return index


def _block_end(survey: list[dict[str, str]], start: int) -> int:
    """The index of the end row that closes the group or repeat at `start`."""
    depth = 0
    for index in range(start, len(survey)):
        kind = survey[index].get("type", "").split(" ")[0]
        if kind in {"begin_group", "begin_repeat"}:
            depth += 1
        elif kind in {"end_group", "end_repeat"}:
            depth -= 1
            if depth == 0:
                return index
    return start


def question_add(
    definition: dict[str, Any],
    *,
    kind: str,
    name: str,
    label: str,
    choices: str = "",
    after: int | None = None,
) -> dict[str, Any]:
    """A question (or a group or repeat, with its end) at the end of the form
    or after row `after`; the label in the form's default language; a choice
    question's choices one per line, as a new list named after it."""
    new = _copy(definition)
    if kind not in QUESTION_KINDS:
        raise BuildError(_("Type de question inconnu."))
    name = _check_name(name)
    if name in _names(new):
        raise BuildError(
            _("Le nom « %(name)s » est déjà pris dans ce questionnaire.")
            % {"name": name}
        )
    language = languages(new)[0]
    rows: list[dict[str, str]] = []
    row = {"type": kind, "name": name, column("label", language): label.strip()}
    if kind.startswith("maillage-"):
        row["type"] = "text"
        row["appearance"] = kind
    if kind in SELECTS:
        lines = [line.strip() for line in choices.splitlines() if line.strip()]
        if not lines:
            raise BuildError(_("Écrivez les choix, un par ligne."))
        if len(lines) > MAX_CHOICES:
            raise BuildError(
                _("Une liste compte au plus %(max)s choix.") % {"max": MAX_CHOICES}
            )
        list_name = name
        if any(c.get("list_name") == list_name for c in new["choices"]):
            raise BuildError(
                _("Une liste de choix « %(name)s » existe déjà.") % {"name": name}
            )
        row["type"] = f"{kind} {list_name}"
        taken: set[str] = set()
        for number, line in enumerate(lines, start=1):
            choice = slugify(line).replace("-", "_")[:40] or f"choix_{number}"
            if not choice[0].isalpha():
                choice = f"c_{choice}"
            while choice in taken:
                choice = f"{choice}_{number}"
            taken.add(choice)
            new["choices"].append(
                {
                    "list_name": list_name,
                    "name": choice,
                    column("label", language): line[:500],
                }
            )
    rows.append(row)
    if kind in {"begin_group", "begin_repeat"}:
        rows.append({"type": kind.replace("begin", "end")})
    position = len(new["survey"]) if after is None else _index(new["survey"], after) + 1
    new["survey"][position:position] = rows
    return new


def row_update(
    definition: dict[str, Any], index: int, values: dict[str, str]
) -> dict[str, Any]:
    """Row `index` with the columns given (an empty value removes one); the
    name stays unique."""
    new = _copy(definition)
    row = new["survey"][_index(new["survey"], index)]
    if "name" in values and values["name"] != row.get("name", ""):
        values = {**values, "name": _check_name(values["name"])}
        if values["name"] in _names(new):
            raise BuildError(
                _("Le nom « %(name)s » est déjà pris dans ce questionnaire.")
                % {"name": values["name"]}
            )
    for key, value in values.items():
        if value.strip():
            row[key] = value.strip()
        else:
            row.pop(key, None)
    return new


def row_move(definition: dict[str, Any], index: int, step: int) -> dict[str, Any]:
    """Swap row `index` with its neighbour above (-1) or below (+1): a
    question moves into or out of a group by crossing its start or end."""
    new = _copy(definition)
    survey = new["survey"]
    _index(survey, index)
    other = index + step
    if not 0 <= other < len(survey):
        raise BuildError(_("Cette ligne est déjà au bout du questionnaire."))
    survey[index], survey[other] = survey[other], survey[index]
    return new


def row_delete(definition: dict[str, Any], index: int) -> dict[str, Any]:
    """Delete row `index`; a group or repeat goes with all it holds."""
    new = _copy(definition)
    survey = new["survey"]
    kind = survey[_index(survey, index)].get("type", "").split(" ")[0]
    if kind in {"end_group", "end_repeat"}:
        raise BuildError(_("Supprimez un groupe par sa ligne de début."))
    end = _block_end(survey, index) if kind.startswith("begin_") else index
    del survey[index : end + 1]
    return new


def choice_add(
    definition: dict[str, Any], *, list_name: str, name: str, label: str
) -> dict[str, Any]:
    new = _copy(definition)
    list_name, name = _check_name(list_name), _check_name(name)
    if any(
        c.get("list_name") == list_name and c.get("name") == name
        for c in new["choices"]
    ):
        raise BuildError(
            _("La liste « %(list)s » a déjà un choix « %(name)s ».")
            % {"list": list_name, "name": name}
        )
    language = languages(new)[0]
    position = max(
        (
            i + 1
            for i, c in enumerate(new["choices"])
            if c.get("list_name") == list_name
        ),
        default=len(new["choices"]),
    )
    new["choices"].insert(
        position,
        {
            "list_name": list_name,
            "name": name,
            column("label", language): label.strip(),
        },
    )
    return new


def choice_update(
    definition: dict[str, Any], index: int, values: dict[str, str]
) -> dict[str, Any]:
    new = _copy(definition)
    choice = new["choices"][_index(new["choices"], index)]
    if "name" in values:
        values = {**values, "name": _check_name(values["name"])}
        if values["name"] != choice.get("name") and any(
            c.get("list_name") == choice.get("list_name")
            and c.get("name") == values["name"]
            for c in new["choices"]
        ):
            raise BuildError(
                _("La liste « %(list)s » a déjà un choix « %(name)s ».")
                % {"list": choice.get("list_name"), "name": values["name"]}
            )
    for key, value in values.items():
        if value.strip():
            choice[key] = value.strip()
        else:
            choice.pop(key, None)
    return new


def choice_move(definition: dict[str, Any], index: int, step: int) -> dict[str, Any]:
    new = _copy(definition)
    choices = new["choices"]
    _index(choices, index)
    other = index + step
    if not 0 <= other < len(choices) or choices[other].get("list_name") != choices[
        index
    ].get("list_name"):
        raise BuildError(_("Ce choix est déjà au bout de sa liste."))
    choices[index], choices[other] = choices[other], choices[index]
    return new


def choice_delete(definition: dict[str, Any], index: int) -> dict[str, Any]:
    new = _copy(definition)
    del new["choices"][_index(new["choices"], index)]
    return new


def settings_update(
    definition: dict[str, Any], *, title: str, default_language: str
) -> dict[str, Any]:
    new = _copy(definition)
    new["settings"]["form_title"] = title.strip()
    if default_language:
        new["settings"]["default_language"] = default_language
    return new


def language_name_valid(language: str) -> bool:
    return bool(_LANGUAGE_NAME.match(language))


def language_add(
    definition: dict[str, Any], language: str, current: str = ""
) -> dict[str, Any]:
    """Make room for a language, named as XLSForm names them (« English (en) »);
    a form whose texts name no language first names theirs (`current`). The
    new language has no text yet: its translations give it some."""
    new = _copy(definition)
    language = " ".join(language.split())
    if not _LANGUAGE_NAME.match(language):
        raise BuildError(
            _("Nommez une langue avec son code entre parenthèses : « English (en) ».")
        )
    found = languages(new)
    if language in found:
        raise BuildError(_("Le questionnaire a déjà cette langue."))
    if found == [""]:
        current = " ".join(current.split())
        if not _LANGUAGE_NAME.match(current) or current == language:
            raise BuildError(
                _(
                    "Nommez d'abord la langue des textes actuels, avec son code : "
                    "« Français (fr) »."
                )
            )
        for row in [*new["survey"], *new["choices"]]:
            for base in TRANSLATABLE:
                if base in row:
                    row[column(base, current)] = row.pop(base)
        new["settings"]["default_language"] = current
    return new


def translations_set(
    definition: dict[str, Any], language: str, texts: dict[tuple[str, int, str], str]
) -> dict[str, Any]:
    """The texts of one language: {("survey" or "choices", row, base): text};
    an empty text removes that translation."""
    new = _copy(definition)
    for (sheet, index, base), value in texts.items():
        rows = new[sheet]
        if not 0 <= index < len(rows) or base not in TRANSLATABLE:
            continue
        key = column(base, language)
        if value.strip():
            rows[index][key] = value.strip()
        else:
            rows[index].pop(key, None)
    return new


def depth_rows(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The survey's rows as the builder lists them: index, depth, kind and
    texts in the default language."""
    language = languages(definition)[0]
    depth = 0
    listed = []
    for index, row in enumerate(definition.get("survey", [])):
        kind = row.get("type", "")
        first = kind.split(" ")[0]
        if first in {"end_group", "end_repeat"}:
            depth = max(depth - 1, 0)
        listed.append(
            {
                "index": index,
                "depth": depth,
                "type": kind,
                "appearance": row.get("appearance", ""),
                "name": row.get("name", ""),
                "label": text(row, "label", language) or row.get("label", ""),
                "logic": [
                    (name, row[name])
                    for name in ("required", "relevant", "constraint", "calculation")
                    if row.get(name)
                ],
                "is_end": first in {"end_group", "end_repeat"},
                "is_start": first in {"begin_group", "begin_repeat"},
            }
        )
        if first in {"begin_group", "begin_repeat"}:
            depth += 1
    return listed
