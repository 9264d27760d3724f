"""Answering a questionnaire page by page: which pages apply, what a page
shows (labels in the respondent's language, choices after their filter,
repeats with their instances), and a page's answers read from a form post —
the same for the coordinator's preview, an invitation and the public link."""

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from consultations.engine import (
    MAX_REPEATS,
    REGISTER_KINDS,
    Evaluation,
    Field,
    Node,
    Page,
    Spec,
    check,
    evaluation_run,
    value_parse,
)

CHOOSING = {"select_one", "select_multiple", "rank", *REGISTER_KINDS}
# Register lookups for Maillage's own types: (value, label) pairs.
Options = Callable[[str], list[tuple[str, str]]]


class Post(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def getlist(self, key: str) -> list[Any]: ...


@dataclass
class Item:
    """A question, a group or a repeat as a page shows it."""

    source: Field
    kind: str
    label: str
    hint: str = ""
    guidance: str = ""
    widget: str = ""
    value: str = ""
    values: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    children: list["Item"] = field(default_factory=list)
    instances: list["Item"] = field(default_factory=list)
    can_add: bool = False
    can_remove: bool = False
    number: int = 0

    @property
    def id(self) -> str:
        return self.source.html_id

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def required(self) -> bool:
        return self.source.required

    @property
    def read_only(self) -> bool:
        return self.source.read_only

    @property
    def described_by(self) -> str:
        ids = []
        if self.hint:
            ids.append(f"{self.id}-hint")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)

    @property
    def rank_slots(self) -> list[tuple[int, str]]:
        """For a ranking: each position with the choice placed there."""
        return [
            (
                position,
                self.values[position - 1] if position <= len(self.values) else "",
            )
            for position in range(1, len(self.choices) + 1)
        ]


def _top(node: Node) -> Node:
    return node.path[1]


def pages_shown(evaluation: Evaluation) -> list[Page]:
    """The pages that apply to these answers (a page whose group is not
    relevant is skipped)."""
    shown = []
    for page in evaluation.spec.pages:
        if page.group is None:
            fields = [
                f for node in page.nodes for f in evaluation.by_node.get(node, [])
            ]
            if any(f.relevant for f in fields):
                shown.append(page)
        else:
            key = page.group.name
            holder = evaluation.holders.get(key) or evaluation.fields.get(key)
            if holder is None or holder.relevant:
                shown.append(page)
    return shown


def page_fields(evaluation: Evaluation, page: Page) -> list[Field]:
    tops = set(page.nodes)
    return [f for f in evaluation.fields.values() if _top(f.node) in tops]


def _widget(node: Node, choices: int) -> str:
    appearance = node.appearance.split()
    if node.kind == "text":
        return "textarea" if "multiline" in appearance else "text"
    if node.kind == "select_one":
        if "likert" in appearance:
            return "likert"
        if "minimal" in appearance or "autocomplete" in appearance or choices > 12:
            return "dropdown"
        return "radio"
    if node.kind in REGISTER_KINDS:
        return "dropdown"
    return {
        "select_multiple": "checkbox",
        "rank": "rank",
        "integer": "integer",
        "decimal": "decimal",
        "date": "date",
        "time": "time",
        "acknowledge": "acknowledge",
        "note": "note",
    }.get(node.kind, node.kind)


def _allowed(
    evaluation: Evaluation, one: Field, language: str, options: Options, typed: Any
) -> set[str] | None:
    """The answers a choice question accepts (None: any, or not a choice). A
    register question checks the value sent alone, when the options can
    (`options.has`), rather than reading the whole register: a form that
    names organisations is answered among twenty thousand of them."""
    node = one.node
    if node.kind not in CHOOSING:
        return None
    if node.kind in REGISTER_KINDS:
        # As value_parse reads it: a number sent as JSON is checked too.
        text = "" if isinstance(typed, bool) else str(typed or "").strip()
        has = getattr(options, "has", None)
        if has is None:
            return {value for value, _label in options(node.kind)}
        return {text} if text and has(node.kind, text) else set()
    return {
        value for value, _label in choice_options(evaluation, one, language, options)
    }


def choice_options(
    evaluation: Evaluation, one: Field, language: str, options: Options
) -> list[tuple[str, str]]:
    node = one.node
    if node.kind in REGISTER_KINDS:
        return options(node.kind)
    return [
        (
            choice.name,
            choice.texts.get(language) or choice.texts.get("") or choice.name,
        )
        for choice in evaluation.choices(one)
    ]


def _item(
    evaluation: Evaluation,
    one: Field,
    language: str,
    errors: Mapping[str, str],
    raw: Mapping[str, Any],
    options: Options,
) -> Item | None:
    node = one.node
    if not one.relevant or node.kind == "calculate":
        return None
    item = Item(
        source=one,
        kind=node.kind,
        label=evaluation.output(node.text("label", language), one) or node.name,
        hint=evaluation.output(node.text("hint", language), one),
        guidance=node.text("guidance_hint", language),
        error=errors.get(one.key, ""),
    )
    if node.kind == "group":
        item.children = _items(
            evaluation, node.children, one, language, errors, raw, options
        )
        return item
    if node.kind == "repeat":
        return item
    choices = (
        choice_options(evaluation, one, language, options)
        if node.kind in CHOOSING
        else []
    )
    item.choices = choices
    item.widget = _widget(node, len(choices))
    if one.key in raw:
        typed = raw[one.key]
        item.values = [str(v) for v in typed] if isinstance(typed, list) else []
        item.value = "" if isinstance(typed, list) else str(typed)
    else:
        item.value = one.value
        item.values = one.values
    return item


def _items(
    evaluation: Evaluation,
    nodes: list[Node],
    parent: Field | None,
    language: str,
    errors: Mapping[str, str],
    raw: Mapping[str, Any],
    options: Options,
) -> list[Item]:
    items: list[Item] = []
    for node in nodes:
        if node.kind == "repeat":
            holder = evaluation.holders.get(_prefix(parent) + node.name)
            if holder is None or not holder.relevant:
                continue
            instances = [
                f for f in evaluation.by_node.get(node, []) if f.parent is parent
            ]
            repeat = Item(
                source=holder,
                kind="repeat",
                label=evaluation.output(node.text("label", language), parent)
                or node.name,
                hint=evaluation.output(node.text("hint", language), parent),
                error=errors.get(holder.key, ""),
            )
            counted = bool(node.columns.get("repeat_count"))
            for number, instance in enumerate(instances, start=1):
                if not instance.relevant:
                    continue
                entry = Item(
                    source=instance, kind="instance", label=repeat.label, number=number
                )
                entry.children = _items(
                    evaluation, node.children, instance, language, errors, raw, options
                )
                entry.can_remove = not counted
                repeat.instances.append(entry)
            repeat.can_add = not counted and len(instances) < MAX_REPEATS
            items.append(repeat)
            continue
        for one in evaluation.by_node.get(node, []):
            if one.parent is not parent:
                continue
            item = _item(evaluation, one, language, errors, raw, options)
            if item is not None:
                items.append(item)
    return items


def _prefix(parent: Field | None) -> str:
    """The key prefix of the questions under `parent` (groups add none)."""
    while parent is not None and parent.index is None:
        parent = parent.parent
    return parent.key + "/" if parent is not None else ""


def page_items(
    evaluation: Evaluation,
    page: Page,
    language: str,
    options: Options,
    errors: Mapping[str, str] | None = None,
    raw: Mapping[str, Any] | None = None,
) -> list[Item]:
    return _items(
        evaluation, page.nodes, None, language, errors or {}, raw or {}, options
    )


def answer_set(answers: dict[str, Any], key: str, value: Any) -> None:
    """Put a value in the answers at a field's key ("rep/0/q")."""
    parts = key.split("/")
    container = answers
    for name, index in zip(parts[0:-1:2], parts[1:-1:2], strict=True):
        entries = container.setdefault(name, [])
        if not isinstance(entries, list):
            entries = container[name] = []
        position = int(index)
        while len(entries) <= position:
            entries.append({})
        if not isinstance(entries[position], dict):
            entries[position] = {}
        container = entries[position]
    if value in ("", []):
        container.pop(parts[-1], None)
    else:
        container[parts[-1]] = value


def _entries(answers: dict[str, Any], key: str) -> list[Any] | None:
    parts = key.split("/")
    container: Any = answers
    for name, index in zip(parts[0:-1:2], parts[1:-1:2], strict=True):
        try:
            container = container[name][int(index)]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    if not isinstance(container, dict):
        return None
    entries = container.setdefault(parts[-1], [])
    return entries if isinstance(entries, list) else None


@dataclass
class Applied:
    answers: dict[str, Any]
    evaluation: Evaluation
    errors: dict[str, str]
    raw: dict[str, Any]


def page_apply(
    spec: Spec,
    answers: Mapping[str, Any],
    page: Page,
    post: Post,
    language: str,
    options: Options,
) -> Applied:
    """A page's answers read from a form post into the answers; type errors
    (an integer that is not one) come back with what was typed. Read twice:
    an answer on the page can make another of its questions apply, or change
    its choices (without JavaScript, the page was shown without them)."""
    updated = copy.deepcopy(dict(answers))
    evaluation = evaluation_run(spec, answers)
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    for _reading in range(2):
        errors, raw = {}, {}
        for one in page_fields(evaluation, page):
            node = one.node
            if not node.is_input or one.read_only:
                continue
            if node.kind in {"select_multiple", "rank"}:
                typed: Any = [value for value in post.getlist(one.key) if value]
            else:
                typed = post.get(one.key, "")
            allowed = _allowed(evaluation, one, language, options, typed)
            value, error = value_parse(node, typed, allowed)
            if error:
                errors[one.key] = error
                raw[one.key] = typed
            answer_set(updated, one.key, value)
        evaluation = evaluation_run(spec, updated)
    errors = {
        key: message
        for key, message in errors.items()
        if key in evaluation.fields and evaluation.fields[key].relevant
    }
    return Applied(updated, evaluation, errors, raw)


def repeat_change(answers: dict[str, Any], action: str) -> bool:
    """Add an instance to a repeat ("add:rep") or remove one
    ("remove:rep/2"); False when the action names nothing."""
    verb, _sep, key = action.partition(":")
    if verb == "add":
        entries = _entries(answers, key)
        if entries is None or len(entries) >= MAX_REPEATS:
            return False
        entries.append({})
        return True
    if verb == "remove":
        holder, _sep, index = key.rpartition("/")
        entries = _entries(answers, holder)
        if entries is None or not index.isdigit() or int(index) >= len(entries):
            return False
        del entries[int(index)]
        return True
    return False


def all_errors(evaluation: Evaluation, language: str) -> dict[str, str]:
    return check(evaluation, list(evaluation.fields.values()), language)


def page_errors(evaluation: Evaluation, page: Page, language: str) -> dict[str, str]:
    return check(evaluation, page_fields(evaluation, page), language)


def first_page_with(evaluation: Evaluation, errors: Mapping[str, str]) -> int | None:
    for page in pages_shown(evaluation):
        keys = {f.key for f in page_fields(evaluation, page)}
        if keys & set(errors):
            return page.number
    return None


def copy_rows(
    evaluation: Evaluation, language: str, options: Options
) -> list[tuple[int, str, str]]:
    """The answers as a copy for the respondent: (depth, question, answer)."""
    rows: list[tuple[int, str, str]] = []

    def walk(items: list[Item], depth: int) -> None:
        for item in items:
            if item.kind == "group":
                rows.append((depth, item.label, ""))
                walk(item.children, depth + 1)
            elif item.kind == "repeat":
                rows.append((depth, item.label, ""))
                for entry in item.instances:
                    rows.append((depth + 1, f"{entry.label} {entry.number}", ""))
                    walk(entry.children, depth + 2)
            elif item.kind == "note":
                continue
            else:
                labels = dict(item.choices)
                if item.values and item.kind in {"select_multiple", "rank"}:
                    shown = ", ".join(labels.get(v, v) for v in item.values)
                elif item.kind == "acknowledge":
                    shown = _("Oui") if item.value else ""
                else:
                    shown = labels.get(item.value, item.value)
                rows.append((depth, item.label, shown or "—"))

    for page in pages_shown(evaluation):
        walk(page_items(evaluation, page, language, options), 0)
    return rows


def unknown_keys(spec: Spec, raw: Mapping[str, Any]) -> list[str]:
    """Keys of submitted answers that name no question where they stand."""
    return _unknown_keys(spec, raw, None, "")


def _unknown_keys(
    spec: Spec, raw: Mapping[str, Any], repeat: Node | None, prefix: str
) -> list[str]:
    """Keys of submitted answers that name no question where they stand."""
    unknown = []
    for name, value in raw.items():
        node = spec.nodes.get(str(name))
        outer = [r for r in node.repeats if r is not node] if node is not None else []
        enclosing = outer[-1] if outer else None
        if node is None or enclosing is not repeat or node.kind in {"group", "note"}:
            unknown.append(f"{prefix}{name}")
            continue
        if node.kind == "repeat":
            if not isinstance(value, list) or not all(
                isinstance(v, dict) for v in value
            ):
                unknown.append(f"{prefix}{name}")
                continue
            for index, entry in enumerate(value):
                unknown += _unknown_keys(spec, entry, node, f"{prefix}{name}/{index}/")
    return unknown


def answers_clean(
    spec: Spec, raw: Mapping[str, Any], language: str, options: Options
) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers sent whole (the API): each value typed and checked against
    the form's rules as the pages check them; errors by the question's key
    ("places", "site/0/capacity")."""
    errors: dict[str, str] = {
        key: _("Aucune question de ce nom ici.") for key in unknown_keys(spec, raw)
    }
    if errors:
        return {}, errors
    draft = evaluation_run(spec, _as_texts(raw))
    cleaned: dict[str, Any] = {}
    for one in draft.fields.values():
        node = one.node
        if not node.is_input:
            continue
        typed = _raw_at(raw, one.key)
        allowed = _allowed(draft, one, language, options, typed)
        value, error = value_parse(node, typed, allowed)
        if error and one.relevant:
            errors[one.key] = error
        answer_set(cleaned, one.key, value)
    for name, value in raw.items():
        node = spec.nodes[str(name)]
        if node.kind == "repeat" and name not in cleaned and isinstance(value, list):
            cleaned[name] = [{} for _entry in value]
    evaluation = evaluation_run(spec, cleaned)
    errors |= all_errors(evaluation, language)
    return evaluation.answers(), errors


def _as_texts(raw: Mapping[str, Any]) -> dict[str, Any]:
    texts: dict[str, Any] = {}
    for name, value in raw.items():
        if (
            isinstance(value, list)
            and all(isinstance(v, dict) for v in value)
            and value
        ):
            texts[name] = [_as_texts(entry) for entry in value]
        elif isinstance(value, list):
            texts[name] = [str(v) for v in value if isinstance(v, (str, int, float))]
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            texts[name] = str(value)
    return texts


def _raw_at(raw: Mapping[str, Any], key: str) -> Any:
    parts = key.split("/")
    container: Any = raw
    for name, index in zip(parts[0:-1:2], parts[1:-1:2], strict=True):
        try:
            container = container[name][int(index)]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return container.get(parts[-1]) if isinstance(container, Mapping) else None
