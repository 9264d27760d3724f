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

from lib.refcache import cached_reference
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


def arrondissement_units() -> list[Arrondissement]:
    """Every arrondissement with its province, region and `commune_count`
    (reference data, cached)."""
    return cached_reference(
        "territory:arrondissement-units",
        lambda: list(
            Arrondissement.objects.select_related("province", "region")
            .annotate(commune_count=Count("communes"))
            .order_by("nis")
        ),
        sources=(Arrondissement, Commune, Province, Region),
    )


def area_summary(communes: QuerySet[Commune]) -> AreaSummary:
    """Summarise a set of communes in two queries, whatever its size.

    A unit counts as covered when every commune of it that the platform knows is
    in the set. Only the communes outside whole units are read one by one, so an
    organisation active in all of Wallonia costs no more than one in a village.
    """
    per_arrondissement = dict(
        communes.order_by()
        .values("arrondissement_id")
        .annotate(count=Count("pk"))
        .values_list("arrondissement_id", "count")
    )
    units = arrondissement_units()
    covered: dict[str, Counter[str | None]] = {
        "arrondissement": Counter(),
        "province": Counter(),
        "region": Counter(),
    }
    totals: dict[str, Counter[str | None]] = {
        "arrondissement": Counter(),
        "province": Counter(),
        "region": Counter(),
    }
    provinces: dict[str, Province] = {}
    regions: dict[str, Region] = {}
    for unit in units:
        count = per_arrondissement.get(unit.nis, 0)
        for kind, code in (
            ("arrondissement", unit.nis),
            ("province", unit.province_id),
            ("region", unit.region_id),
        ):
            totals[kind][code] += unit.commune_count  # type: ignore[attr-defined]
            covered[kind][code] += count
        if unit.province is not None:
            provinces[unit.province.nis] = unit.province
        regions[unit.region.nis] = unit.region

    def whole(kind: str, code: str | None) -> bool:
        return code is not None and 0 < totals[kind][code] == covered[kind][code]

    def within_whole_unit(unit: Arrondissement) -> bool:
        return (
            whole("arrondissement", unit.nis)
            or whole("province", unit.province_id)
            or whole("region", unit.region_id)
        )

    summary = AreaSummary(count=sum(per_arrondissement.values()))
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
    # Always one query (an empty exclusion keeps every row; an empty IN would
    # skip the database), so the page's query count does not depend on the area.
    inside_whole_units = [unit.nis for unit in units if within_whole_unit(unit)]
    summary.communes = list(
        communes.exclude(arrondissement_id__in=inside_whole_units)
        .defer("boundary", "latitude", "longitude", "search_names")
        .order_by("search_names", "nis")
    )
    return summary
