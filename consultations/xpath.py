"""The expressions of XLSForm (`relevant`, `constraint`, `calculation`,
`required`, `choice_filter`…), evaluated by elementpath's XPath 1.0 parser
with the functions ODK adds to it registered on a subclass. Never Python's
`eval`: an expression is parsed into tokens and evaluated over the answers
as an XML instance.

ISO dates and times compare as dates, as in ODK: `. <= today()` holds for
"2026-12-01" on the 7th of December (XPath 1.0 alone would compare them as
numbers, both NaN)."""

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from elementpath import XPath1Parser, XPathContext
from elementpath.exceptions import ElementPathError
from elementpath.xpath_nodes import XPathNode

# A value longer than this is not matched against an author's regex.
REGEX_MAX_LENGTH = 10_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_TIME = re.compile(r"^\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_EPOCH = dt.date(1970, 1, 1)


class ExpressionError(Exception):
    """An expression that does not parse, or fails when evaluated."""


class ODKParser(XPath1Parser):
    """XPath 1.0 with the ODK XForms functions that XLSForms use."""


def _argument(token: Any, context: Any, index: int) -> Any:
    return token.get_argument(context, index=index)


def _string(token: Any, context: Any, index: int) -> str:
    return str(token.string_value(_argument(token, context, index)))


def _number(token: Any, context: Any, index: int) -> float:
    value = _argument(token, context, index)
    if isinstance(value, str):
        days = _days(value)
        if days is not None:
            return days
    return float(token.number_value(value))


def _values(token: Any, context: Any) -> list[Any]:
    """Every argument, a node-set spread into its nodes."""
    values: list[Any] = []
    for index in range(len(token)):
        value = token[index].evaluate(context)
        if isinstance(value, list):
            values.extend(value)
        else:
            values.append(value)
    return values


def _days(value: str) -> float | None:
    """A date or date-time as days since 1970-01-01 (ODK's decimal-date-time)."""
    value = value.strip()
    if not _DATE.match(value):
        return None
    try:
        if "T" in value:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
            return (moment - epoch).total_seconds() / 86400
        return float((dt.date.fromisoformat(value) - _EPOCH).days)
    except ValueError:
        return None


def _date_text(value: Any, token: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isnan(value) or abs(value) > 3_000_000:
            return ""
        return (_EPOCH + dt.timedelta(days=math.floor(value))).isoformat()
    text = str(token.string_value(value)).strip()
    days = _days(text)
    return text[:10] if days is not None else ""


def _function(name: str, nargs: int | tuple[int, int | None]) -> Any:
    return ODKParser.function(name, nargs=nargs)


def _selected(token: Any, context: Any = None) -> bool:
    return _string(token, context, 1).strip() in _string(token, context, 0).split()


def _count_selected(token: Any, context: Any = None) -> int:
    return len(_string(token, context, 0).split())


def _selected_at(token: Any, context: Any = None) -> str:
    values = _string(token, context, 0).split()
    index = _number(token, context, 1)
    if math.isnan(index) or not 0 <= index < len(values):
        return ""
    return values[int(index)]


def _if(token: Any, context: Any = None) -> Any:
    test = token.boolean_value(_argument(token, context, 0))
    return _argument(token, context, 1 if test else 2)


def _coalesce(token: Any, context: Any = None) -> str:
    first = _string(token, context, 0)
    return first if first else _string(token, context, 1)


def _regex(token: Any, context: Any = None) -> bool:
    value = _string(token, context, 0)
    if len(value) > REGEX_MAX_LENGTH:
        return False
    try:
        return re.search(_string(token, context, 1), value) is not None
    except re.error as error:
        raise ExpressionError(str(error)) from error


def _today(token: Any, context: Any = None) -> str:
    return timezone.localdate().isoformat()


def _now(token: Any, context: Any = None) -> str:
    return timezone.localtime().isoformat(timespec="seconds")


def _date(token: Any, context: Any = None) -> str:
    return _date_text(_argument(token, context, 0), token)


def _decimal_date_time(token: Any, context: Any = None) -> float:
    days = _days(_string(token, context, 0))
    return math.nan if days is None else days


_FORMATS = {
    "%Y": "%Y", "%y": "%y", "%m": "%m", "%d": "%d", "%H": "%H", "%M": "%M",
    "%S": "%S", "%b": "%b", "%a": "%a",
}  # fmt: skip


def _format_date(token: Any, context: Any = None) -> str:
    text = _date_text(_argument(token, context, 0), token)
    if not text:
        return ""
    day = dt.date.fromisoformat(text)
    pattern = _string(token, context, 1)

    def part(match: re.Match[str]) -> str:
        code = match.group(0)
        if code == "%e":
            return str(day.day)
        if code == "%n":
            return str(day.month)
        return day.strftime(_FORMATS[code]) if code in _FORMATS else code

    return re.sub(r"%[a-zA-Z]", part, pattern)


def _int(token: Any, context: Any = None) -> float:
    value = _number(token, context, 0)
    return value if math.isnan(value) or math.isinf(value) else float(math.trunc(value))


def _round(token: Any, context: Any = None) -> float:
    value = _number(token, context, 0)
    digits = int(_number(token, context, 1)) if len(token) > 1 else 0
    if math.isnan(value) or math.isinf(value):
        return value
    factor = 10.0 ** max(min(digits, 15), -15)
    return math.floor(value * factor + 0.5) / factor


def _pow(token: Any, context: Any = None) -> float:
    try:
        return float(math.pow(_number(token, context, 0), _number(token, context, 1)))
    except (OverflowError, ValueError):
        return math.nan


def _math(function: Any) -> Any:
    def evaluate(token: Any, context: Any = None) -> float:
        try:
            return float(function(_number(token, context, 0)))
        except (OverflowError, ValueError):
            return math.nan

    return evaluate


def _extremum(pick: Any) -> Any:
    def evaluate(token: Any, context: Any = None) -> float:
        numbers = [
            float(token.number_value(value)) for value in _values(token, context)
        ]
        if not numbers or any(math.isnan(number) for number in numbers):
            return math.nan
        return float(pick(numbers))

    return evaluate


def _join(token: Any, context: Any = None) -> str:
    separator = _string(token, context, 0)
    values: list[Any] = []
    for index in range(1, len(token)):
        value = token[index].evaluate(context)
        values.extend(value if isinstance(value, list) else [value])
    return separator.join(str(token.string_value(value)) for value in values)


def _substr(token: Any, context: Any = None) -> str:
    text = _string(token, context, 0)
    start = _number(token, context, 1)
    end = _number(token, context, 2) if len(token) > 2 else len(text)
    if math.isnan(start) or math.isnan(end):
        return ""
    return text[max(int(start), 0) : max(int(end), 0)]


def _ends_with(token: Any, context: Any = None) -> bool:
    return _string(token, context, 0).endswith(_string(token, context, 1))


def _boolean_from_string(token: Any, context: Any = None) -> bool:
    return _string(token, context, 0).strip().lower() in {"true", "1"}


def _uuid(token: Any, context: Any = None) -> str:
    return str(uuid.uuid4())


def _once(token: Any, context: Any = None) -> Any:
    item = getattr(context, "item", None)
    current = str(token.string_value(item)) if item is not None else ""
    return current if current else _argument(token, context, 0)


def _position(token: Any, context: Any = None) -> int:
    if len(token) == 0:
        return int(context.position) if context is not None else 1
    nodes = _argument(token, context, 0)
    node = nodes[0] if isinstance(nodes, list) and nodes else nodes
    if not isinstance(node, XPathNode) or node.parent is None:
        return 1
    same = [
        child
        for child in node.parent.children
        if getattr(child, "name", None) == node.name
    ]
    return same.index(node) + 1 if node in same else 1


def _count_non_empty(token: Any, context: Any = None) -> int:
    return sum(1 for value in _values(token, context) if token.string_value(value))


FUNCTIONS: dict[str, tuple[int | tuple[int, int | None], Any]] = {
    "selected": (2, _selected),
    "count-selected": (1, _count_selected),
    "selected-at": (2, _selected_at),
    "if": (3, _if),
    "coalesce": (2, _coalesce),
    "regex": (2, _regex),
    "today": (0, _today),
    "now": (0, _now),
    "date": (1, _date),
    "date-time": (1, _date),
    "decimal-date-time": (1, _decimal_date_time),
    "decimal-date": (1, _decimal_date_time),
    "format-date": (2, _format_date),
    "format-date-time": (2, _format_date),
    "int": (1, _int),
    "pow": (2, _pow),
    "abs": (1, _math(abs)),
    "sqrt": (1, _math(math.sqrt)),
    "exp": (1, _math(math.exp)),
    "log": (1, _math(math.log)),
    "log10": (1, _math(math.log10)),
    "min": ((1, None), _extremum(min)),
    "max": ((1, None), _extremum(max)),
    "join": ((2, None), _join),
    "substr": ((2, 3), _substr),
    "ends-with": (2, _ends_with),
    "boolean-from-string": (1, _boolean_from_string),
    "uuid": (0, _uuid),
    "once": (1, _once),
    "count-non-empty": (1, _count_non_empty),
}
# XPath 1.0 functions that ODK extends: `round(x, digits)`, `position(..)`.
OVERRIDDEN = {"round": ((1, 2), _round), "position": ((0, 1), _position)}


def _comparison(base: type[Any]) -> type[Any]:
    """A comparison that reads two ISO dates (or times) as dates."""

    def evaluate(token: Any, context: Any = None) -> Any:
        left = _single(token[0].evaluate(context), token)
        right = _single(token[1].evaluate(context), token)
        if isinstance(left, str) and isinstance(right, str):
            pair = _as_dates(left, right)
            if pair is not None:
                return _COMPARE[token.symbol](*pair)
        elif isinstance(left, str) and isinstance(right, (int, float)):
            days = _days(left)
            if days is not None:
                return _COMPARE[token.symbol](days, float(right))
        elif isinstance(right, str) and isinstance(left, (int, float)):
            days = _days(right)
            if days is not None:
                return _COMPARE[token.symbol](float(left), days)
        return base.evaluate(token, context)

    return type(base.__name__, (base,), {"evaluate": evaluate, "__module__": __name__})


_COMPARE = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


_ARITHMETIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b}


def _arithmetic(base: type[Any]) -> type[Any]:
    """Addition and subtraction that read an ISO date as its days since 1970,
    as ODK does (`today() - ${since}` counts days)."""

    def evaluate(token: Any, context: Any = None) -> Any:
        if len(token) != 2:
            return base.evaluate(token, context)
        left = _single(token[0].evaluate(context), token)
        right = _single(token[1].evaluate(context), token)
        days = [
            _days(value) if isinstance(value, str) else None for value in (left, right)
        ]
        if days == [None, None]:
            return base.evaluate(token, context)
        numbers = [
            day if day is not None else float(token.number_value(value))
            for day, value in zip(days, (left, right), strict=True)
        ]
        return float(_ARITHMETIC[token.symbol](*numbers))

    return type(base.__name__, (base,), {"evaluate": evaluate, "__module__": __name__})


def _single(value: Any, token: Any) -> Any:
    """A node-set of one node as its text; anything else as it is."""
    if isinstance(value, list):
        if len(value) != 1:
            return value
        value = value[0]
    if isinstance(value, XPathNode):
        return str(token.string_value(value))
    return value


def _as_dates(left: str, right: str) -> tuple[Any, Any] | None:
    if _DATE.match(left.strip()) and _DATE.match(right.strip()):
        return _days(left), _days(right)
    if _TIME.match(left.strip()) and _TIME.match(right.strip()):
        return left.strip(), right.strip()
    return None


for _name, (_nargs, _evaluate) in FUNCTIONS.items():
    _function(_name, _nargs).evaluate = _evaluate
for _name, (_nargs, _evaluate) in OVERRIDDEN.items():
    ODKParser.unregister(_name)
    _function(_name, _nargs).evaluate = _evaluate
for _symbol in _COMPARE:
    ODKParser.symbol_table[_symbol] = _comparison(ODKParser.symbol_table[_symbol])
for _symbol in _ARITHMETIC:
    ODKParser.symbol_table[_symbol] = _arithmetic(ODKParser.symbol_table[_symbol])
ODKParser.build()


def expression_parse(text: str) -> Any:
    """The expression's tokens, ready to evaluate; ExpressionError if it does
    not parse."""
    try:
        return ODKParser().parse(text)
    except (ElementPathError, ValueError, TypeError, RecursionError) as error:
        raise ExpressionError(str(error)) from error


def evaluate(token: Any, root: Any, item: Any = None, variables: Any = None) -> Any:
    """The expression's value over the instance `root`, `.` being `item`."""
    try:
        context = XPathContext(root, item=item, variables=variables or {})
        return token.evaluate(context)
    except ExpressionError:
        raise
    except (
        ElementPathError,
        ValueError,
        TypeError,
        ArithmeticError,
        RecursionError,
    ) as error:
        raise ExpressionError(str(error)) from error


def as_boolean(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value)


def as_text(value: Any) -> str:
    """A value as the text an answer holds (numbers without a needless .0)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, XPathNode):
        return str(value.string_value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return "" if value is None else str(value)


def names(expressions: Iterable[str]) -> set[str]:
    """The question names that expressions refer to as ${name}."""
    return {
        match.group(1)
        for expression in expressions
        for match in REFERENCE.finditer(expression)
    }


REFERENCE = re.compile(r"\$\{([^}\s]+)\}")
