"""The map: each commune coloured by a figure of the coverage matrix for one
theme (services, organisations, services or capacity per 1,000 people under
temporary protection, or the gap), drawn from the imported commune
boundaries. The figures are the coverage matrix's (analysis.coverage); this
module only classes them for the colours and writes them as GeoJSON.

Colours: a sequential scale (viridis: light to dark, told apart with any
colour vision and in grey) for the figures, and the Okabe–Ito orange and blue
for the gaps."""

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analysis.coverage import CoverageCell, CoverageFilters, coverage_matrix
from lib.collation import sort_key
from lib.refcache import cached_reference
from territory.models import Commune

MEASURES = {
    "services": gettext_lazy("services actifs"),
    "organisations": gettext_lazy("organisations"),
    "per_1000": gettext_lazy("services pour 1 000 personnes"),
    "capacity_per_1000": gettext_lazy("capacité pour 1 000 personnes"),
    "gap": gettext_lazy("lacunes"),
}
# Five classes of viridis, the lowest first; none for zero.
SCALE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
ZERO = "#ffffff"
# Where a rate has no meaning: greys, each named in the legend.
NO_PEOPLE = "#e6e6e6"
NO_FIGURE = "#a6a6a6"
NO_CAPACITY = "#737373"
GAP = "#d55e00"
SERVED = "#56b4e9"
CLASSES = len(SCALE)


@dataclass(frozen=True)
class MapClass:
    """A colour of the legend: the values from `low` to `high` (None for
    the classes that are not ranges), and its label."""

    key: str
    colour: str
    label: str
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class MapCommune:
    nis: str
    name: str
    cell: CoverageCell
    value: float | None
    mapclass: MapClass


@dataclass(frozen=True)
class ThemeMap:
    measure: str
    communes: list[MapCommune]
    legend: list[MapClass]


def _value(cell: CoverageCell, measure: str) -> float | None:
    if measure == "gap":
        return None
    value = getattr(cell, measure)
    return None if value is None else float(value)


def _shown(value: float, measure: str) -> str:
    decimals = 0 if measure in ("services", "organisations") else 1
    return number_format(round(value, decimals), decimals, use_l10n=True)


def _breaks(values: Sequence[float]) -> list[float]:
    """The upper bound of each class: the quantiles of the values above zero
    (fewer classes when the values are few or equal)."""
    positive = sorted(value for value in values if value > 0)
    if not positive:
        return []
    bounds = [
        positive[min(len(positive) - 1, (len(positive) * rank) // CLASSES)]
        for rank in range(1, CLASSES)
    ]
    return sorted({*bounds, positive[-1]})


def _legend(values: Sequence[float], measure: str) -> list[MapClass]:
    if measure == "gap":
        return [
            MapClass("gap", GAP, _("lacune : des personnes, aucun service")),
            MapClass("served", SERVED, _("au moins un service actif")),
            MapClass(
                "no_people", NO_PEOPLE, _("pas de personne sous protection temporaire")
            ),
            MapClass("no_figure", NO_FIGURE, _("pas de chiffre de population")),
        ]
    breaks = _breaks(values)
    colours = SCALE[CLASSES - len(breaks) :] if breaks else ()
    legend = [MapClass("zero", ZERO, "0", 0.0, 0.0)]
    counts = measure in ("services", "organisations")
    low = 0.0
    for index, (high, colour) in enumerate(zip(breaks, colours, strict=True)):
        if counts:
            first = _shown(low + 1, measure)
            label = (
                first
                if low + 1 == high
                else _("%(low)s à %(high)s")
                % {"low": first, "high": _shown(high, measure)}
            )
        elif index == 0:
            label = _("jusqu'à %(high)s") % {"high": _shown(high, measure)}
        else:
            label = _("%(low)s à %(high)s") % {
                "low": _shown(low, measure),
                "high": _shown(high, measure),
            }
        legend.append(
            MapClass(f"scale{SCALE.index(colour) + 1}", colour, label, low, high)
        )
        low = high
    if not counts:
        legend.append(
            MapClass(
                "no_people", NO_PEOPLE, _("pas de personne sous protection temporaire")
            )
        )
        legend.append(
            MapClass("no_figure", NO_FIGURE, _("pas de chiffre de population"))
        )
    if measure == "capacity_per_1000":
        legend.append(
            MapClass(
                "no_capacity",
                NO_CAPACITY,
                _("des services, mais aucune capacité renseignée"),
            )
        )
    return legend


def _class_of(
    cell: CoverageCell, value: float | None, measure: str, legend: list[MapClass]
) -> MapClass:
    """The legend's class of a commune's figure."""
    classes = {item.key: item for item in legend}
    if measure == "gap" or (value is None and "no_figure" in classes):
        # A gap, or a rate without meaning here: say why.
        if cell.population is None:
            return classes["no_figure"]
        if cell.population == 0:
            return classes["no_people"]
        if measure == "gap":
            return classes["served"] if cell.services else classes["gap"]
        if cell.services == 0:
            # People and no service: no capacity either.
            return classes["zero"]
        return classes["no_capacity"]
    if not value:
        return classes["zero"]
    ranges = [item for item in legend if item.key.startswith("scale")]
    return next(
        (item for item in ranges if item.high is not None and value <= item.high),
        ranges[-1],
    )


def theme_map(
    filters: CoverageFilters,
    theme: int,
    measure: str,
    communes: Collection[str] | None = None,
) -> ThemeMap:
    """Every commune (or a focal point's) with its figure for the theme and its
    class, in the order of their names, and the legend (one query, with the
    communes' names from the cache)."""
    cells = coverage_matrix(
        replace(filters, by="commune", theme=theme), [theme], communes=communes
    )
    values = [_value(cell, measure) for cell in cells]
    legend = _legend([value for value in values if value is not None], measure)
    names = commune_names()
    rows = [
        MapCommune(
            cell.territory,
            names.get(cell.territory, cell.territory),
            cell,
            value,
            _class_of(cell, value, measure, legend),
        )
        for cell, value in zip(cells, values, strict=True)
    ]
    rows.sort(key=lambda row: (sort_key(row.name), row.nis))
    return ThemeMap(measure, rows, legend)


def commune_names() -> dict[str, str]:
    """Each commune's name in the language of the request, by NIS code."""
    return {
        nis: str(commune)
        for nis, commune in cached_reference(
            "analysis:map-communes",
            lambda: {
                commune.nis: commune for commune in Commune.objects.defer("boundary")
            },
            sources=[Commune],
        ).items()
    }


def boundaries() -> dict[str, str]:
    """Each commune's boundary as GeoJSON text, by NIS code (kept with the
    reference data); empty before `import_boundaries`."""
    return cached_reference(
        "analysis:map-boundaries",
        lambda: {
            nis: json.dumps(boundary, separators=(",", ":"))
            for nis, boundary in Commune.objects.filter(
                boundary__isnull=False
            ).values_list("nis", "boundary")
        },
        sources=[Commune],
    )


def map_geojson(themed: ThemeMap, theme_code: str) -> str:
    """The map as a GeoJSON FeatureCollection, one feature per commune that
    has a boundary, with its figures, class, colour and page in its
    properties; the legend beside the features."""
    shapes = boundaries()
    features = []
    for row in themed.communes:
        shape = shapes.get(row.nis)
        if shape is None:
            continue
        properties = {
            "nis": row.nis,
            "name": row.name,
            "value": row.value,
            "shown": _shown(row.value, themed.measure) if row.value is not None else "",
            "services": row.cell.services,
            "population": row.cell.population,
            "category": row.mapclass.key,
            "colour": row.mapclass.colour,
            "label": str(row.mapclass.label),
            "url": reverse("register:commune_detail", args=[row.nis]),
        }
        nis, props = json.dumps(row.nis), json.dumps(properties, ensure_ascii=False)
        features.append(
            f'{{"type":"Feature","id":{nis},"geometry":{shape},"properties":{props}}}'
        )
    legend = [
        {
            "category": item.key,
            "colour": item.colour,
            "label": str(item.label),
            "low": item.low,
            "high": item.high,
        }
        for item in themed.legend
    ]
    head = json.dumps(
        {"measure": themed.measure, "theme": theme_code, "legend": legend},
        ensure_ascii=False,
    )
    body = ",".join(features)
    return f'{{"type":"FeatureCollection",{head[1:-1]},"features":[{body}]}}'


def map_value_shown(row: MapCommune, measure: str) -> str:
    """A commune's figure as the table shows it."""
    if measure == "gap":
        return str(row.mapclass.label)
    if row.value is None:
        return "—"
    return _shown(row.value, measure)
