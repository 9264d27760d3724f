"""A questionnaire as the respondent meets it: the XLSForm's rows made into a
tree of groups, repeats and questions, their expressions compiled once, the
pages, and the evaluation of a set of answers (relevance, calculations,
cascading choices, required and constraint rules, types) — the same on the
form's pages, at submission and through the API.

Answers are a JSON object keyed by question name (names are unique in a
form; groups add no level): text for one value, a list of choice names for
`select_multiple` and `rank`, and a list of such objects for a repeat."""

import contextlib
import datetime as dt
import graphlib
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from consultations.xpath import (
    REFERENCE,
    ExpressionError,
    as_boolean,
    as_text,
    evaluate,
    expression_parse,
)

ROOT = "data"
GROUPS = {"begin_group": "group", "begin_repeat": "repeat"}
ENDS = {"end_group": "group", "end_repeat": "repeat"}
SELECTS = {"select_one", "select_multiple", "rank"}
# Maillage's own types: a `text` question whose appearance names the register.
REGISTER_APPEARANCES = {
    "maillage-organisation": "organisation",
    "maillage-commune": "commune",
    "maillage-theme": "theme",
    "maillage-body": "body",
}
REGISTER_KINDS = frozenset(REGISTER_APPEARANCES.values())
DISPLAY_ONLY = {"group", "repeat", "note", "calculate"}
EXPRESSIONS = (
    "relevant", "constraint", "calculation", "required", "read_only",
    "repeat_count", "choice_filter",
)  # fmt: skip
# Columns whose references order the evaluation (a constraint reads `.`).
ORDERING = ("relevant", "calculation", "required", "read_only", "repeat_count")
MAX_REPEATS = 200
MAX_TEXT = 10_000
INT_LIMIT = 2_147_483_647
YES = {"yes", "true", "true()"}
NO = {"", "no", "false", "false()"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INTEGER = re.compile(r"^[+-]?[0-9]{1,10}$")
_TIME = re.compile(r"^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?$")
_LANGUAGE_CODE = re.compile(r"\(([A-Za-z-]{2,12})\)\s*$")


class FormError(Exception):
    """A form that cannot be answered as written: the message names the row."""


@dataclass(frozen=True)
class Choice:
    name: str
    texts: dict[str, str]
    extra: dict[str, str]


@dataclass(eq=False)
class Node:
    """A group, a repeat or a question of the form."""

    name: str
    kind: str
    row: int
    columns: dict[str, str]
    list_name: str = ""
    other: bool = False
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    compiled: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Node {self.kind} {self.name}>"

    @property
    def path(self) -> list["Node"]:
        nodes: list[Node] = []
        node: Node | None = self
        while node is not None:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]

    @property
    def repeats(self) -> list["Node"]:
        """The repeats this node is in, outermost first (itself if a repeat)."""
        return [node for node in self.path if node.kind == "repeat"]

    @property
    def is_input(self) -> bool:
        return self.kind not in DISPLAY_ONLY

    @property
    def appearance(self) -> str:
        return self.columns.get("appearance", "")

    def text(self, column: str, language: str) -> str:
        return (
            self.columns.get(f"{column}::{language}") or self.columns.get(column) or ""
        )


@dataclass
class Page:
    number: int
    group: Node | None
    nodes: list[Node]


@dataclass
class Spec:
    """A form ready to answer."""

    root: Node
    nodes: dict[str, Node]
    choices: dict[str, list[Choice]]
    pages: list[Page]
    order: list[Node]
    languages: list[str]
    default_language: str

    def language_for(self, code: str) -> str:
        """The form's language for an interface language code ("uk")."""
        for language in self.languages:
            match = _LANGUAGE_CODE.search(language)
            if match and match.group(1).lower().split("-")[0] == code.lower():
                return language
        return self.default_language

    def language_codes(self) -> list[str]:
        codes = []
        for language in self.languages:
            match = _LANGUAGE_CODE.search(language)
            if match:
                codes.append(match.group(1).lower().split("-")[0])
        return codes

    def inputs(self) -> Iterator[Node]:
        return (node for node in self.nodes.values() if node.is_input)


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _kind(row: dict[str, str], number: int) -> tuple[str, str, bool]:
    words = _clean(row.get("type", "")).replace("begin group", "begin_group")
    words = words.replace("end group", "end_group").replace(
        "begin repeat", "begin_repeat"
    )
    first, *rest = words.replace("end repeat", "end_repeat").split(" ")
    if first in SELECTS:
        return first, rest[0], len(rest) > 1
    if first == "text":
        appearance = row.get("appearance", "").strip()
        if appearance in REGISTER_APPEARANCES:
            return REGISTER_APPEARANCES[appearance], "", False
    return first, "", False


def _tree(survey: list[dict[str, str]]) -> tuple[Node, dict[str, Node]]:
    root = Node(ROOT, "group", 1, {})
    stack = [root]
    nodes: dict[str, Node] = {}
    for number, row in enumerate(survey, start=2):
        if not row.get("type"):
            continue
        kind, list_name, other = _kind(row, number)
        if kind in ENDS:
            if len(stack) == 1 or stack[-1].kind != ENDS[kind]:
                raise FormError(
                    _(
                        "Feuille survey, ligne %(row)s : « %(type)s » ne ferme "
                        "aucun groupe."
                    )
                    % {"row": number, "type": row["type"]}
                )
            stack.pop()
            continue
        name = row.get("name", "").strip()
        if not name:
            raise FormError(
                _("Feuille survey, ligne %(row)s : la question n'a pas de nom.")
                % {"row": number}
            )
        if name in nodes:
            raise FormError(
                _("Feuille survey, ligne %(row)s : le nom « %(name)s » est déjà pris.")
                % {"row": number, "name": name}
            )
        node = Node(
            name,
            GROUPS.get(kind, kind),
            number,
            row,
            list_name=list_name,
            other=other,
            parent=stack[-1],
        )
        stack[-1].children.append(node)
        nodes[name] = node
        if kind in GROUPS:
            stack.append(node)
        if other:
            extra = Node(
                f"{name}_other",
                "text",
                number,
                {"relevant": f"selected(${{{name}}}, 'other')"},
                parent=stack[-1],
            )
            if extra.name in nodes:
                raise FormError(
                    _(
                        "Feuille survey, ligne %(row)s : le nom « %(name)s » est "
                        "déjà pris."
                    )
                    % {"row": number, "name": extra.name}
                )
            stack[-1].children.append(extra)
            nodes[extra.name] = extra
    if len(stack) > 1:
        raise FormError(
            _(
                "Feuille survey : le groupe « %(name)s » (ligne %(row)s) "
                "n'est pas fermé."
            )
            % {"name": stack[-1].name, "row": stack[-1].row}
        )
    return root, nodes


def _choices(rows: list[dict[str, str]]) -> dict[str, list[Choice]]:
    lists: dict[str, list[Choice]] = {}
    for row in rows:
        list_name = row.get("list_name", "").strip()
        if not list_name:
            continue
        texts = {
            column.split("::", 1)[1].strip() if "::" in column else "": value
            for column, value in row.items()
            if column.split("::", 1)[0].strip() == "label"
        }
        extra = {
            column: value
            for column, value in row.items()
            if column not in {"list_name", "name"} and not column.startswith("label")
        }
        lists.setdefault(list_name, []).append(
            Choice(row.get("name", "").strip(), texts, extra)
        )
    return lists


def _reference(context: Node, target: Node) -> str:
    """The path from `context` to `target`: absolute, or relative within the
    repeat instance they share (as pyxform writes it)."""
    shared = [r for r in target.repeats if r in context.path]
    if not shared:
        return "/" + "/".join(node.name for node in target.path)
    repeat = shared[-1]
    up = len(context.path) - len(repeat.path)
    down = [node.name for node in target.path[len(repeat.path) :]]
    if not down:
        return "/".join([".."] * up) if up else "."
    return "/".join([".."] * up + down)


def _substitute(
    expression: str, context: Node, nodes: dict[str, Node], *, variables: bool
) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in nodes:
            raise FormError(
                _(
                    "Feuille survey, ligne %(row)s : « ${%(name)s} » ne renvoie à "
                    "aucune question."
                )
                % {"row": context.row, "name": name}
            )
        return f"${name}" if variables else _reference(context, nodes[name])

    return REFERENCE.sub(replace, expression)


def _compile(node: Node, nodes: dict[str, Node]) -> None:
    for column in EXPRESSIONS:
        expression = node.columns.get(column, "").strip()
        if column in {"required", "read_only"} and expression.lower() in YES | NO:
            continue
        if not expression:
            continue
        if column == "repeat_count" and expression.isdigit():
            continue
        text = _substitute(expression, node, nodes, variables=column == "choice_filter")
        try:
            node.compiled[column] = expression_parse(text)
        except ExpressionError as error:
            raise FormError(
                _(
                    "Feuille survey, ligne %(row)s : l'expression %(column)s "
                    "« %(expression)s » ne se lit pas (%(error)s)."
                )
                % {
                    "row": node.row,
                    "column": column,
                    "expression": expression,
                    "error": error,
                }
            ) from error


def _order(nodes: dict[str, Node]) -> list[Node]:
    graph: dict[str, set[str]] = {}
    for name, node in nodes.items():
        depends = {
            ref.group(1)
            for column in ORDERING
            for ref in REFERENCE.finditer(node.columns.get(column, ""))
        }
        if node.parent is not None and node.parent.name != ROOT:
            depends.add(node.parent.name)
        graph[name] = depends
    try:
        return [
            nodes[name] for name in graphlib.TopologicalSorter(graph).static_order()
        ]
    except graphlib.CycleError as error:
        cycle = error.args[1]
        raise FormError(
            _(
                "Feuille survey : les expressions tournent en rond entre "
                "%(names)s (ligne %(row)s)."
            )
            % {
                "names": " → ".join(f"« {name} »" for name in cycle),
                "row": nodes[cycle[0]].row,
            }
        ) from error


def _pages(root: Node) -> list[Page]:
    pages: list[Page] = []
    loose: list[Node] = []
    for node in root.children:
        if node.kind in {"group", "repeat"}:
            if loose:
                pages.append(Page(len(pages) + 1, None, loose))
                loose = []
            pages.append(Page(len(pages) + 1, node, [node]))
        else:
            loose.append(node)
    if loose:
        pages.append(Page(len(pages) + 1, None, loose))
    return pages


def spec_build(
    definition: Mapping[str, Any], languages: list[str], default: str
) -> Spec:
    """The form ready to answer; FormError says what in its rows prevents it."""
    root, nodes = _tree(definition.get("survey") or [])
    choices = _choices(definition.get("choices") or [])
    for node in nodes.values():
        if node.kind in SELECTS and node.list_name.startswith("${"):
            raise FormError(
                _(
                    "Feuille survey, ligne %(row)s : des choix tirés des réponses "
                    "(« %(list)s ») ne sont pas pris en charge."
                )
                % {"row": node.row, "list": node.list_name}
            )
        if node.kind in SELECTS and node.list_name not in choices:
            raise FormError(
                _("Feuille survey, ligne %(row)s : la liste « %(list)s » n'existe pas.")
                % {"row": node.row, "list": node.list_name}
            )
        _compile(node, nodes)
    return Spec(
        root=root,
        nodes=nodes,
        choices=choices,
        pages=_pages(root),
        order=_order(nodes),
        languages=languages,
        default_language=default,
    )


@lru_cache(maxsize=64)
def _spec_cached(digest: str, text: str) -> Spec:
    data = json.loads(text)
    return spec_build(data["definition"], data["languages"], data["default"])


def spec_for(questionnaire: Any) -> Spec:
    """The questionnaire's form, built once per version and content."""
    text = json.dumps(
        {
            "definition": questionnaire.definition,
            "languages": questionnaire.languages,
            "default": questionnaire.default_language,
        },
        sort_keys=True,
    )
    return _spec_cached(hashlib.sha256(text.encode()).hexdigest(), text)


# Evaluation ---------------------------------------------------------------


@dataclass(eq=False)
class Field:
    """One node as answered: a question, a group, or one repeat instance."""

    node: Node
    key: str
    element: ET.Element
    parent: "Field | None"
    index: int | None = None
    relevant: bool = True
    required: bool = False
    read_only: bool = False
    error: str = ""
    raw: Any = None

    @property
    def value(self) -> str:
        return self.element.text or ""

    @property
    def values(self) -> list[str]:
        return self.value.split()

    @property
    def html_id(self) -> str:
        return "q-" + re.sub(r"[^\w-]", "-", self.key)


@dataclass
class Evaluation:
    spec: Spec
    root: ET.Element
    fields: dict[str, Field]
    by_node: dict[Node, list[Field]]
    # Each repeat where it stands (its instances are in `by_node`).
    holders: dict[str, Field] = field(default_factory=dict)

    def answers(self) -> dict[str, Any]:
        """The answers as stored: relevant values only, calculations included."""
        return self._collect(self.spec.root.children, None)

    def _collect(self, nodes: list[Node], parent: Field | None) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for node in nodes:
            fields = [f for f in self.by_node.get(node, []) if f.parent is parent]
            if node.kind == "group":
                for group in fields:
                    data.update(self._collect(node.children, group))
            elif node.kind == "repeat":
                entries = [
                    self._collect(node.children, instance)
                    for instance in fields
                    if instance.relevant
                ]
                if entries:
                    data[node.name] = entries
            elif node.kind != "note":
                for one in fields:
                    if one.relevant and one.value:
                        multiple = node.kind in {"select_multiple", "rank"}
                        data[node.name] = one.values if multiple else one.value
        return data

    def nearest(self, name: str, near: Field | None) -> Field | None:
        """The field for `name` as seen from `near`: in the same repeat
        instance when they share one, else the first."""
        node = self.spec.nodes.get(name)
        fields = self.by_node.get(node, []) if node else []
        if not fields:
            return None
        if near is not None:
            ancestors = set()
            current: Field | None = near
            while current is not None:
                ancestors.add(id(current))
                current = current.parent
            for candidate in fields:
                walker: Field | None = candidate.parent
                while walker is not None:
                    if walker.index is not None and id(walker) in ancestors:
                        return candidate
                    walker = walker.parent
        return fields[0]

    def choices(self, one: Field) -> list[Choice]:
        """The field's choices, filtered by its choice_filter."""
        node = one.node
        available = list(self.spec.choices.get(node.list_name, []))
        token = node.compiled.get("choice_filter")
        if token is not None:
            variables = {
                name: (self.nearest(name, one) or one).value
                for name in _names(node.columns.get("choice_filter", ""))
            }
            kept = []
            for choice in available:
                item = ET.Element("item")
                ET.SubElement(item, "name").text = choice.name
                for column, value in choice.extra.items():
                    if re.fullmatch(r"[A-Za-z_][\w.-]*", column):
                        ET.SubElement(item, column).text = value
                try:
                    keep = as_boolean(evaluate(token, item, item, variables))
                except ExpressionError:
                    keep = False
                if keep:
                    kept.append(choice)
            available = kept
        if node.other:
            available.append(Choice("other", {"": _("Autre")}, {}))
        return available

    def output(self, text: str, near: Field | None) -> str:
        """A label with its ${name} replaced by the answers."""

        def replace(match: re.Match[str]) -> str:
            found = self.nearest(match.group(1), near)
            return found.value if found is not None and found.relevant else ""

        return REFERENCE.sub(replace, text)


def _names(expression: str) -> list[str]:
    return [match.group(1) for match in REFERENCE.finditer(expression)]


def _as_text(node: Node, value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _build(
    evaluation: Evaluation,
    element: ET.Element,
    nodes: list[Node],
    data: Mapping[str, Any],
    prefix: str,
    parent: Field | None,
    fresh: bool,
) -> None:
    for node in nodes:
        if node.kind == "repeat":
            entries = data.get(node.name)
            entries = (
                [e for e in entries if isinstance(e, dict)]
                if isinstance(entries, list)
                else []
            )
            holder = Field(node, f"{prefix}{node.name}", element, parent)
            evaluation.holders[holder.key] = holder
            for index, entry in enumerate(entries[:MAX_REPEATS]):
                child = ET.SubElement(element, node.name)
                key = f"{prefix}{node.name}/{index}"
                instance = Field(node, key, child, parent, index=index)
                evaluation.fields[key] = instance
                evaluation.by_node.setdefault(node, []).append(instance)
                _build(
                    evaluation, child, node.children, entry, key + "/", instance, fresh
                )
            continue
        child = ET.SubElement(element, node.name)
        one = Field(node, f"{prefix}{node.name}", child, parent)
        evaluation.fields[one.key] = one
        evaluation.by_node.setdefault(node, []).append(one)
        if node.kind == "group":
            _build(evaluation, child, node.children, data, prefix, one, fresh)
        elif node.name in data:
            child.text = _as_text(node, data[node.name])
        elif fresh and node.columns.get("default") and node.kind != "calculate":
            child.text = node.columns["default"]


def _expression(one: Field, column: str, evaluation: Evaluation) -> Any:
    token = one.node.compiled.get(column)
    if token is None:
        return None
    return evaluate(token, evaluation.root, one.element)


def _flag(one: Field, column: str, evaluation: Evaluation) -> bool:
    raw = one.node.columns.get(column, "").strip().lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    try:
        return as_boolean(_expression(one, column, evaluation))
    except ExpressionError:
        return False


def _repeat_counts(spec: Spec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with each counted repeat holding as many entries as its
    repeat_count says (top-level repeats; nested ones keep theirs)."""
    counted = [
        node
        for node in spec.nodes.values()
        if node.kind == "repeat"
        and node.columns.get("repeat_count")
        and len(node.repeats) == 1
    ]
    if not counted:
        return dict(answers)
    evaluation = _evaluate(spec, answers, fresh=False)
    data = dict(answers)
    for node in counted:
        raw = node.columns["repeat_count"].strip()
        if raw.isdigit():
            count = int(raw)
        else:
            holder = evaluation.holders.get(node.name)
            try:
                value = (
                    evaluate(
                        node.compiled["repeat_count"], evaluation.root, holder.element
                    )
                    if holder is not None
                    else 0
                )
                number = float(as_text(value) or 0)
                count = int(number) if number == number else 0
            except (ExpressionError, ValueError, OverflowError):
                count = 0
        count = max(0, min(count, MAX_REPEATS))
        entries = data.get(node.name)
        entries = list(entries) if isinstance(entries, list) else []
        data[node.name] = (entries + [{}] * count)[:count]
    return data


def _evaluate(spec: Spec, answers: Mapping[str, Any], *, fresh: bool) -> Evaluation:
    root = ET.Element(ROOT)
    evaluation = Evaluation(spec, root, {}, {})
    _build(evaluation, root, spec.root.children, answers, "", None, fresh)
    for node in spec.order:
        for one in evaluation.by_node.get(node, []):
            parent_relevant = one.parent.relevant if one.parent is not None else True
            try:
                one.relevant = parent_relevant and (
                    "relevant" not in node.compiled
                    or as_boolean(_expression(one, "relevant", evaluation))
                )
            except ExpressionError:
                one.relevant = parent_relevant
            if not one.relevant:
                if node.kind not in {"group", "repeat"}:
                    one.element.text = ""
                continue
            if "calculation" in node.compiled:
                try:
                    one.element.text = as_text(
                        _expression(one, "calculation", evaluation)
                    )
                except ExpressionError:
                    one.element.text = ""
            one.required = _flag(one, "required", evaluation)
            one.read_only = _flag(one, "read_only", evaluation)
    for holder in evaluation.holders.values():
        # Absolute references read the same from where the repeat stands.
        holder.relevant = holder.parent.relevant if holder.parent is not None else True
        if holder.relevant and "relevant" in holder.node.compiled:
            with contextlib.suppress(ExpressionError):
                holder.relevant = as_boolean(
                    _expression(holder, "relevant", evaluation)
                )
    return evaluation


def evaluation_run(
    spec: Spec, answers: Mapping[str, Any], *, fresh: bool = False
) -> Evaluation:
    """Evaluate a set of answers: relevance, calculations, flags. `fresh`
    fills the defaults of questions never answered."""
    return _evaluate(spec, _repeat_counts(spec, answers), fresh=fresh)


def check(evaluation: Evaluation, fields: list[Field], language: str) -> dict[str, str]:
    """The required and constraint rules broken among `fields`, by key."""
    errors: dict[str, str] = {}
    for one in fields:
        node = one.node
        if not node.is_input or not one.relevant or one.read_only:
            continue
        if one.error:
            errors[one.key] = one.error
            continue
        if not one.value:
            if one.required:
                errors[one.key] = node.text("required_message", language) or _(
                    "Cette question demande une réponse."
                )
            continue
        if "constraint" in node.compiled:
            try:
                holds = as_boolean(_expression(one, "constraint", evaluation))
            except ExpressionError:
                holds = False
            if not holds:
                errors[one.key] = node.text("constraint_message", language) or _(
                    "Cette réponse n'est pas acceptée."
                )
    return errors


# Typed values ---------------------------------------------------------------


def value_parse(
    node: Node, raw: Any, allowed: set[str] | None = None
) -> tuple[Any, str]:
    """A value as typed (a form field's text, or JSON from the API) made into
    the answer stored, with an error message when it is not one."""
    if raw is None or raw == "" or raw == []:
        return "", ""
    kind = node.kind
    if kind in {"select_multiple", "rank"}:
        values = raw if isinstance(raw, list) else str(raw).split()
        if not all(isinstance(v, str) for v in values):
            return "", _("Choisissez parmi les réponses proposées.")
        values = [v.strip() for v in values if v.strip()]
        if allowed is not None and any(v not in allowed for v in values):
            return "", _("Choisissez parmi les réponses proposées.")
        if len(set(values)) != len(values):
            return "", _("Chaque réponse ne se choisit qu'une fois.")
        if kind == "rank" and allowed is not None and values and set(values) != allowed:
            return "", _("Classez toutes les réponses proposées.")
        return values, ""
    if isinstance(raw, (bool, list, dict)):
        return "", _("Cette réponse n'est pas du type attendu.")
    text = _CONTROL.sub("", str(raw)).strip()
    if len(text) > MAX_TEXT:
        return "", _("Une réponse compte au plus %(max)s caractères.") % {
            "max": MAX_TEXT
        }
    if kind == "integer":
        if not _INTEGER.match(text) or abs(int(text)) > INT_LIMIT:
            return "", _("Entrez un nombre entier.")
        return str(int(text)), ""
    if kind == "decimal":
        try:
            number = Decimal(text.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            return "", _("Entrez un nombre.")
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            return "", _("Entrez un nombre.")
        return format(number.normalize(), "f"), ""
    if kind == "date":
        return _date(text)
    if kind == "time":
        match = _TIME.match(text)
        if (
            not match
            or int(match[1]) > 23
            or int(match[2]) > 59
            or int(match[3] or 0) > 59
        ):
            return "", _("Entrez une heure (HH:MM).")
        return f"{int(match[1]):02d}:{match[2]}", ""
    if kind == "select_one" or kind in REGISTER_KINDS:
        if allowed is not None and text not in allowed:
            return "", _("Choisissez parmi les réponses proposées.")
        return text, ""
    if kind == "acknowledge":
        return (
            ("OK", "") if text.lower() in {"ok", "on", "true", "1", "yes"} else ("", "")
        )
    return text, ""


def _date(text: str) -> tuple[str, str]:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day
        except ValueError:
            continue
        if 1900 <= day.year <= 2200:
            return day.isoformat(), ""
    return "", _("Entrez une date (JJ/MM/AAAA).")
