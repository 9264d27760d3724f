"""Areas as sets of communes: shortcuts in (whole arrondissements, provinces,
regions), a readable summary out ("Province de Namur, Huy, Andenne").

An organisation's area of operation, the communes a service serves and a
coordination body's territory are all stored as communes; these helpers let people
enter and read them by the units they think in.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from territory.models import Arrondissement, Commune, Province, Region


def expand_area(
    *,
    communes: Iterable[Commune] = (),
    arrondissements: Iterable[Arrondissement] = (),
    provinces: Iterable[Province] = (),
    regions: Iterable[Region] = (),
) -> list[Commune]:
    """The communes chosen one by one plus every commune of the units chosen whole
    (one query)."""
    wanted = (
        Q(pk__in=[commune.pk for commune in communes])
        | Q(arrondissement__in=[unit.pk for unit in arrondissements])
        | Q(province__in=[unit.pk for unit in provinces])
        | Q(region__in=[unit.pk for unit in regions])
    )
    return list(Commune.objects.filter(wanted).defer("boundary").order_by("nis"))


@dataclass
class AreaSummary:
    """An area named by the largest units it covers entirely, then its other
    communes. `count` is the number of communes in all."""

    count: int = 0
    regions: list[Region] = field(default_factory=list)
    provinces: list[Province] = field(default_factory=list)
    arrondissements: list[Arrondissement] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.count == 0


def area_summary(communes: QuerySet[Commune]) -> AreaSummary:
    """Summarise a set of communes in two queries, whatever its size.

    A unit counts as covered when every commune of it that the platform knows is
    in the set; the loops run over the territory's fixed reference data.
    """
    rows = list(
        communes.defer("boundary", "latitude", "longitude", "search_names").order_by(
            "search_names", "nis"
        )
    )
    units = list(
        Arrondissement.objects.select_related("province", "region")
        .annotate(commune_count=Count("communes"))
        .order_by("nis")
    )
    covered: dict[str, Counter[str | None]] = {
        "arrondissement": Counter(row.arrondissement_id for row in rows),
        "province": Counter(row.province_id for row in rows),
        "region": Counter(row.region_id for row in rows),
    }
    totals: dict[str, Counter[str | None]] = {
        "arrondissement": Counter(),
        "province": Counter(),
        "region": Counter(),
    }
    provinces: dict[str, Province] = {}
    regions: dict[str, Region] = {}
    for unit in units:
        totals["arrondissement"][unit.nis] += unit.commune_count
        totals["province"][unit.province_id] += unit.commune_count
        totals["region"][unit.region_id] += unit.commune_count
        if unit.province is not None:
            provinces[unit.province.nis] = unit.province
        regions[unit.region.nis] = unit.region

    def whole(kind: str, code: str | None) -> bool:
        return code is not None and 0 < totals[kind][code] == covered[kind][code]

    summary = AreaSummary(count=len(rows))
    summary.regions = [
        region for nis, region in sorted(regions.items()) if whole("region", nis)
    ]
    summary.provinces = [
        province
        for nis, province in sorted(provinces.items())
        if whole("province", nis) and not whole("region", province.region_id)
    ]
    summary.arrondissements = [
        unit
        for unit in units
        if whole("arrondissement", unit.nis)
        and not whole("province", unit.province_id)
        and not whole("region", unit.region_id)
    ]
    summary.communes = [
        row
        for row in rows
        if not whole("arrondissement", row.arrondissement_id)
        and not whole("province", row.province_id)
        and not whole("region", row.region_id)
    ]
    return summary
