"""A round's results: per question, how often each choice was given (with a
bar chart), the figures of numeric answers, the free-text answers with a
search; a question crossed with the respondents' institutional level,
sector, actor type or province; filters on those; and every response as
rows, one column per question, a select_multiple's choices split into one
column each as KoboToolbox exports them (XLSX and CSV)."""

import csv
import hashlib
import io
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from consultations.engine import REGISTER_KINDS, Node, Spec
from consultations.models import Response, Round
from lib.spreadsheets import XlsxWriter, neutralise
from taxonomy.models import ActorType, InstitutionalLevel, Sector
from territory.models import Province

Options = Callable[[str], list[tuple[str, str]]]
CHOOSING = {"select_one", "select_multiple", "rank", *REGISTER_KINDS}
NUMBERS = {"integer", "decimal", "calculate"}
# The respondents' organisation, as the filters and cross-tables read it.
DIMENSIONS = {
    "level": "invitation__organisation__level__code",
    "sector": "invitation__organisation__sector__code",
    "actor_type": "invitation__organisation__actor_type__code",
    "province": "invitation__organisation__commune__province__nis",
}


def dimension_names(dimension: str) -> dict[str, str]:
    """The names, in the active language, of a dimension's codes."""
    if dimension == "province":
        return {p.nis: p.name for p in Province.objects.all()}
    model = {"level": InstitutionalLevel, "sector": Sector, "actor_type": ActorType}[
        dimension
    ]
    return {term.code: term.name for term in model._default_manager.all()}


TEXTS_SHOWN = 200
# The bar charts' geometry, in SVG units (the chart scales to its box).
BAR_STEP, LABEL_WIDTH, BAR_WIDTH = 26, 190, 260


def fold(text: str) -> str:
    """Text as a search compares it: no case, no accents, any script."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Filters:
    level: str = ""
    sector: str = ""
    actor_type: str = ""
    province: str = ""
    q: str = ""

    def lookups(self) -> dict[str, str]:
        return {
            DIMENSIONS[name]: value
            for name in DIMENSIONS
            if (value := getattr(self, name))
        }


def submitted(round_: Round, filters: Filters = Filters()) -> QuerySet[Response]:
    return round_.responses.filter(
        status=Response.Status.SUBMITTED, **filters.lookups()
    ).order_by("pk")


@dataclass
class Share:
    value: str
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    name: str
    label: str
    kind: str
    answered: int = 0
    shares: list[Share] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    texts_found: int = 0

    @property
    def chart_height(self) -> int:
        return BAR_STEP * len(self.shares) + 4

    @property
    def bars(self) -> list[dict[str, Any]]:
        """The bar chart's bars: where each stands, its length, its texts."""
        return [
            {
                "y": BAR_STEP * index,
                "text_y": BAR_STEP * index + 16,
                "width": round(BAR_WIDTH * share.percent / 100, 1),
                "count_x": LABEL_WIDTH + round(BAR_WIDTH * share.percent / 100, 1) + 6,
                "label": share.label
                if len(share.label) <= 28
                else share.label[:27] + "…",
                "share": share,
            }
            for index, share in enumerate(self.shares)
        ]


def _values(answers: Any, path: list[str], name: str) -> Iterator[Any]:
    """A question's answers in one response: one, or one per repeat entry."""
    if not isinstance(answers, dict):
        return
    if not path:
        if name in answers:
            yield answers[name]
        return
    entries = answers.get(path[0])
    if isinstance(entries, list):
        for entry in entries:
            yield from _values(entry, path[1:], name)


def node_values(answers: Any, node: Node) -> list[Any]:
    repeats = [repeat.name for repeat in node.repeats if repeat is not node]
    return list(_values(answers, repeats, node.name))


def _labels(
    spec: Spec, node: Node, language: str, options: Options
) -> list[tuple[str, str]]:
    if node.kind in REGISTER_KINDS:
        return options(node.kind)
    labels = [
        (c.name, c.texts.get(language) or c.texts.get("") or c.name)
        for c in spec.choices.get(node.list_name, [])
    ]
    if node.other:
        labels.append(("other", _("Autre")))
    return labels


def _number(value: Any) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _shown(number: float) -> str:
    return str(int(number)) if number.is_integer() else f"{number:.2f}"


def results(
    round_: Round,
    spec: Spec,
    responses: Iterable[tuple[int, Any, str]],
    *,
    language: str,
    options: Options,
    search: str = "",
) -> tuple[int, list[QuestionResult]]:
    """Every question's result over `responses` (pk, answers, who)."""
    rows = list(responses)
    questions = [
        node
        for node in spec.nodes.values()
        if node.kind not in {"group", "repeat", "note"}
        and not (node.kind == "calculate" and not node.columns.get("label"))
    ]
    searched = fold(search) if search else ""
    out = []
    for node in questions:
        result = QuestionResult(
            node.name, node.text("label", language) or node.name, node.kind
        )
        every: list[tuple[Any, str]] = []
        for _pk, answers, who in rows:
            # Most questions stand outside repeats: read them directly.
            found_values = (
                ([answers[node.name]] if node.name in answers else [])
                if not node.repeats and isinstance(answers, dict)
                else node_values(answers, node)
            )
            if found_values:
                result.answered += 1
                every.extend((value, who) for value in found_values)
        if node.kind in CHOOSING:
            counts: Counter[str] = Counter()
            ranks: dict[str, list[int]] = {}
            for value, _who in every:
                chosen = value if isinstance(value, list) else [value]
                for position, choice in enumerate(chosen, start=1):
                    counts[str(choice)] += 1
                    ranks.setdefault(str(choice), []).append(position)
            base = result.answered or 1
            for value, label in _labels(spec, node, language, options):
                if node.kind == "rank":
                    positions = ranks.get(value, [])
                    mean = statistics.fmean(positions) if positions else 0.0
                    result.figures.append(
                        (label, _("rang moyen %(rank)s") % {"rank": f"{mean:.1f}"})
                    )
                    first = sum(1 for p in positions if p == 1)
                    result.shares.append(Share(value, label, first, 100 * first / base))
                elif counts[value] or node.kind not in {"organisation", "commune"}:
                    count = counts[value]
                    result.shares.append(Share(value, label, count, 100 * count / base))
        elif node.kind in NUMBERS:
            numbers = [n for value, _who in every if (n := _number(value)) is not None]
            if numbers:
                result.figures = [
                    (_("minimum"), _shown(min(numbers))),
                    (_("médiane"), _shown(statistics.median(numbers))),
                    (_("moyenne"), f"{statistics.fmean(numbers):.2f}"),
                    (_("maximum"), _shown(max(numbers))),
                    (_("total"), _shown(sum(numbers))),
                ]
        elif node.kind in {"date", "time"}:
            values = sorted(str(value) for value, _who in every if value)
            if values:
                result.figures = [
                    (_("le plus tôt"), values[0]),
                    (_("le plus tard"), values[-1]),
                ]
        elif node.kind == "acknowledge":
            result.shares = [
                Share("OK", _("Oui"), result.answered, 100.0 if rows else 0.0)
            ]
        else:
            texts = [(str(value), who) for value, who in every if str(value).strip()]
            if searched:
                texts = [item for item in texts if searched in fold(item[0])]
            result.texts_found = len(texts)
            result.texts = texts[:TEXTS_SHOWN]
        out.append(result)
    return len(rows), out


CACHE_SECONDS = 600


def results_cached(
    round_: Round,
    spec: Spec,
    responses: QuerySet[Response],
    *,
    language: str,
    options: Options,
    search: str = "",
    filters_key: str = "",
) -> tuple[int, list[QuestionResult]]:
    """`results`, kept in the cache until a response is submitted, changed
    or reopened (the key holds their number and latest change)."""
    marker = round_.responses.aggregate(n=Count("pk"), last=Max("updated_at"))
    digest = hashlib.sha256(
        "|".join(
            [str(round_.pk), str(round_.questionnaire_id), str(marker["n"]),
             str(marker["last"]), language, filters_key, search]
        ).encode()
    ).hexdigest()[:32]  # fmt: skip
    key = f"consultations:results:{digest}"
    found: tuple[int, list[QuestionResult]] | None = cache.get(key)
    if found is None:
        found = results(
            round_,
            spec,
            response_rows(round_, responses),
            language=language,
            options=options,
            search=search,
        )
        cache.set(key, found, CACHE_SECONDS)
    return found


def response_rows(
    round_: Round, responses: QuerySet[Response]
) -> Iterator[tuple[int, Any, str]]:
    """(pk, answers, who answered: the organisation, unless anonymous)."""
    anonymous = round_.anonymous
    for pk, answers, organisation, name in responses.values_list(
        "pk", "answers", "invitation__organisation__name", "invitation__name"
    ).iterator(chunk_size=2000):
        who = "" if anonymous else (organisation or name or _("lien public"))
        yield pk, answers, who


def crosstab(
    round_: Round,
    spec: Spec,
    responses: QuerySet[Response],
    node: Node,
    dimension: str,
    *,
    language: str,
    options: Options,
) -> tuple[list[tuple[str, str]], list[tuple[str, list[int], int]]]:
    """A choice question by the respondents' `dimension`: the choices, and
    for each value of the dimension its counts and its respondents."""
    choices = _labels(spec, node, language, options)
    names = dimension_names(dimension)
    table: dict[str, Counter[str]] = {}
    people: Counter[str] = Counter()
    for answers, code in responses.values_list(
        "answers", DIMENSIONS[dimension]
    ).iterator(chunk_size=2000):
        label = names.get(code or "", "") or str(_("non précisé"))
        values = node_values(answers, node)
        if not values:
            continue
        people[label] += 1
        counts = table.setdefault(label, Counter())
        for value in values:
            for choice in value if isinstance(value, list) else [value]:
                counts[str(choice)] += 1
    rows = [
        (label, [table[label][value] for value, _label in choices], people[label])
        for label in sorted(table)
    ]
    return choices, rows


# Exports -------------------------------------------------------------------


def _columns(
    spec: Spec, language: str, options: Options
) -> list[tuple[str, Node, str]]:
    """(header, node, choice) for the questions outside repeats, as Kobo
    names them: the group path, then one column per choice of a
    select_multiple ("besoins/logement")."""
    columns: list[tuple[str, Node, str]] = []
    for node in spec.nodes.values():
        if node.kind in {"group", "repeat", "note"} or any(
            r is not node for r in node.repeats
        ):
            continue
        path = "/".join(n.name for n in node.path[1:])
        columns.append((path, node, ""))
        if node.kind == "select_multiple":
            for value, _label in _labels(spec, node, language, options):
                columns.append((f"{path}/{value}", node, value))
    return columns


def _cell(answers: dict[str, Any], node: Node, choice: str) -> Any:
    value = answers.get(node.name, "")
    if choice:
        chosen = value if isinstance(value, list) else []
        return (
            1 if choice in chosen else 0 if answers.get(node.name) is not None else ""
        )
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value


def export_rows(
    round_: Round,
    spec: Spec,
    responses: QuerySet[Response],
    *,
    language: str,
    options: Options,
) -> tuple[list[str], Iterator[list[Any]]]:
    columns = _columns(spec, language, options)
    repeats = [
        n for n in spec.nodes.values() if n.kind == "repeat" and len(n.repeats) == 1
    ]
    header = ["_id", "_uuid", "_submission_time"]
    if not round_.anonymous:
        header += ["_organisation", "_organisation_id"]
    header += [name for name, _node, _choice in columns]
    header += [f"{repeat.name}_count" for repeat in repeats]

    def rows() -> Iterator[list[Any]]:
        for response in responses.select_related("invitation__organisation").iterator(
            chunk_size=2000
        ):
            answers = response.answers if isinstance(response.answers, dict) else {}
            row: list[Any] = [
                response.pk,
                response.instance_id,
                response.submitted_at.isoformat() if response.submitted_at else "",
            ]
            if not round_.anonymous:
                organisation = (
                    response.invitation.organisation if response.invitation else None
                )
                row += [
                    str(organisation or ""),
                    organisation.pk if organisation else "",
                ]
            row += [_cell(answers, node, choice) for _name, node, choice in columns]
            row += [
                len(answers.get(r.name, []))
                if isinstance(answers.get(r.name), list)
                else 0
                for r in repeats
            ]
            yield row

    return header, rows()


def export_csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + output.getvalue()).encode()


def export_xlsx(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    output = io.BytesIO()
    with XlsxWriter(output) as workbook:
        sheet = workbook.add_sheet(_("Réponses")[:31], header=header)
        for row in rows:
            sheet.write_row(row)
    return output.getvalue()
