"""Areas as sets of communes: shortcuts in (whole arrondissements, provinces,
regions), a readable summary out ("Province de Namur, Huy, Andenne").

An organisation's area of operation, the communes a service serves and a
coordination body's territory are all stored as communes; these helpers let people
enter and read them by the units they think in.
"""

from collections import Counter
from collections.abc import Collection, Iterable
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


def communes_by_nis() -> dict[str, Commune]:
    """Every commune (without its boundary) by NIS code, in the order of their
    names (reference data, cached)."""
    return cached_reference(
        "territory:communes-by-nis",
        lambda: {
            commune.nis: commune
            for commune in Commune.objects.defer("boundary").order_by(
                "search_names", "nis"
            )
        },
        sources=(Commune,),
    )


UNIT_KINDS = ("arrondissement", "province", "region")


@dataclass(frozen=True)
class _AreaUnits:
    """The arrondissements by code, the provinces and regions by code, and how
    many communes each unit holds: what every area summary compares its
    communes with (reference data, cached)."""

    arrondissements: dict[str | None, Arrondissement]
    provinces: dict[str | None, Province]
    regions: dict[str | None, Region]
    totals: dict[str, Counter[str | None]]


def _area_units() -> _AreaUnits:
    return cached_reference(
        "territory:area-units",
        _area_units_build,
        sources=(Arrondissement, Commune, Province, Region),
    )


def _area_units_build() -> _AreaUnits:
    totals: dict[str, Counter[str | None]] = {kind: Counter() for kind in UNIT_KINDS}
    units = _AreaUnits({}, {}, {}, totals)
    for unit in arrondissement_units():
        units.arrondissements[unit.nis] = unit
        for kind, code in (
            ("arrondissement", unit.nis),
            ("province", unit.province_id),
            ("region", unit.region_id),
        ):
            totals[kind][code] += unit.commune_count  # type: ignore[attr-defined]
        if unit.province is not None:
            units.provinces[unit.province.nis] = unit.province
        units.regions[unit.region.nis] = unit.region
    return units


def area_summary(communes: QuerySet[Commune] | Collection[str]) -> AreaSummary:
    """Summarise a set of communes (a queryset, or their NIS codes) in one query
    at most, whatever its size.

    A unit counts as covered when every commune of it that the platform knows is
    in the set. The set is read as codes; the communes outside whole units are
    named from the reference data, so an organisation active in all of Wallonia
    costs no more than one in a village.
    """
    if isinstance(communes, QuerySet):
        codes = dict(communes.order_by().values_list("nis", "arrondissement_id"))
    else:
        # Codes: their arrondissements from the reference data in memory.
        cached = communes_by_nis()
        codes = {
            nis: cached[nis].arrondissement_id for nis in communes if nis in cached
        }
        if len(codes) < len(communes):  # a commune newer than the cache
            codes.update(
                Commune.objects.filter(nis__in=communes).values_list(
                    "nis", "arrondissement_id"
                )
            )
    per_arrondissement = Counter(codes.values())
    units = _area_units()
    covered: dict[str, Counter[str | None]] = {kind: Counter() for kind in UNIT_KINDS}
    for nis, count in per_arrondissement.items():  # the units its communes fall in
        unit = units.arrondissements.get(nis)
        if unit is not None:
            covered["arrondissement"][unit.nis] += count
            covered["province"][unit.province_id] += count
            covered["region"][unit.region_id] += count

    def whole(kind: str, code: str | None) -> bool:
        return code is not None and 0 < units.totals[kind][code] == covered[kind][code]

    def within_whole_unit(unit: Arrondissement) -> bool:
        return (
            whole("arrondissement", unit.nis)
            or whole("province", unit.province_id)
            or whole("region", unit.region_id)
        )

    summary = AreaSummary(count=sum(per_arrondissement.values()))
    summary.regions = [
        units.regions[nis]
        for nis in sorted(covered["region"], key=str)
        if nis in units.regions and whole("region", nis)
    ]
    summary.provinces = [
        units.provinces[nis]
        for nis in sorted(covered["province"], key=str)
        if nis in units.provinces
        and whole("province", nis)
        and not whole("region", units.provinces[nis].region_id)
    ]
    summary.arrondissements = [
        unit
        for unit in (
            units.arrondissements[nis]
            for nis in sorted(covered["arrondissement"], key=str)
        )
        if whole("arrondissement", unit.nis)
        and not whole("province", unit.province_id)
        and not whole("region", unit.region_id)
    ]
    inside_whole_units = {
        nis
        for nis in covered["arrondissement"]
        if within_whole_unit(units.arrondissements[nis])
    }
    outside = {
        nis
        for nis, arrondissement in codes.items()
        if arrondissement not in inside_whole_units
    }
    known = communes_by_nis()
    summary.communes = sorted(
        (known[nis] for nis in outside if nis in known),
        key=lambda commune: (commune.search_names, commune.nis),
    )
    if len(summary.communes) < len(outside):  # a commune newer than the cache
        summary.communes = list(
            Commune.objects.filter(nis__in=outside)
            .defer("boundary")
            .order_by("search_names", "nis")
        )
    return summary
