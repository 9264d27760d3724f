"""The analysis's part of the demo: how many people under temporary protection
live in each commune, at two dates. Every figure is invented, of the order the
design gives (about 11,000 people in Wallonia), and marked as fictitious."""

import datetime
import random
from typing import Any

from territory import services as territory_services
from territory.models import Commune, PopulationFigure
from territory.population import FigureRow

SOURCE = "Chiffres fictifs de démonstration"
# The total in Wallonia at each date.
TOTALS = {datetime.date(2023, 12, 31): 10_600, datetime.date(2024, 12, 31): 11_050}
# The cities where most people found housing and services weigh more.
CITIES = {
    "62063": 9.0,  # Liège
    "52011": 9.0,  # Charleroi
    "92094": 6.0,  # Namur
    "53053": 5.0,  # Mons
    "58001": 3.5,  # La Louvière
    "57081": 3.0,  # Tournai
    "63079": 3.0,  # Verviers
    "25121": 2.5,  # Ottignies-Louvain-la-Neuve
    "81001": 2.5,  # Arlon
    "25112": 2.0,  # Wavre
}


def population_rows(communes: list[str]) -> list[FigureRow]:
    """The same invented figures at every run: each commune's share is drawn
    once, and the later date adds a little to most communes."""
    rng = random.Random(2022)  # noqa: S311 - invented figures, not secrets
    weights = {
        nis: rng.lognormvariate(0, 0.8) * CITIES.get(nis, 1.0)
        for nis in sorted(communes)
    }
    total_weight = sum(weights.values())
    rows = []
    for date, total in TOTALS.items():
        for nis, weight in weights.items():
            value = round(total * weight / total_weight)
            rows.append(
                FigureRow(
                    line=0,
                    commune=nis,
                    indicator=PopulationFigure.Indicator.TEMPORARY_PROTECTION,
                    date=date,
                    value=value,
                    source=SOURCE,
                    fictitious=True,
                )
            )
    return rows


def population_part(builder: Any) -> None:
    """The figures of the Walloon communes that have none at these dates."""
    communes = list(
        Commune.objects.filter(region_id="03000").values_list("nis", flat=True)
    )
    present = set(
        PopulationFigure.objects.filter(
            indicator=PopulationFigure.Indicator.TEMPORARY_PROTECTION,
            date__in=TOTALS,
        ).values_list("commune_id", "date")
    )
    rows = [
        row
        for row in population_rows(communes)
        if (row.commune, row.date) not in present
    ]
    if not rows:
        return
    report = territory_services.population_figures_import(
        by=builder.by,
        rows=rows,
        file_name="démonstration",
    )
    builder.summary.created["population figures"] += report.created
