"""Reading territory facts: each helper fetches what its page or endpoint shows in a
fixed number of queries, whatever the number of rows."""

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from lib.refcache import cached_reference
from territory.models import (
    Arrondissement,
    CodeSuccessor,
    Commune,
    CommuneQuerySet,
    PopulationFigure,
    PostalCode,
    Province,
    Region,
    search_key,
)


def commune_resolve(nis: str) -> Commune | None:
    """The commune in force for a NIS code, following a former code to its successor."""
    queryset = Commune.objects.select_related("province", "arrondissement", "region")
    commune = queryset.filter(nis=nis).first()
    if commune is not None:
        return commune
    successor = CodeSuccessor.objects.filter(old_nis=nis).first()
    if successor is None:
        return None
    return queryset.filter(nis=successor.commune_id).first()


class CommuneFinder:
    """Communes as a file names them: by NIS code (a former code gives the
    commune that took it over), postal code or name in any of its languages,
    accents and case aside. Reads the territory once (three queries), for a
    file's every row."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.places: dict[str, tuple[str, str]] = {}
        names: dict[str, set[str]] = defaultdict(set)
        for nis, fr, nl, de, province, arrondissement in Commune.objects.values_list(
            "nis", "name_fr", "name_nl", "name_de", "province_id", "arrondissement_id"
        ):
            self.codes[nis] = nis
            self.places[nis] = (province or "", arrondissement or "")
            for name in (fr, nl, de):
                if name:
                    names[search_key(name)].add(nis)
        for old, new in CodeSuccessor.objects.values_list("old_nis", "commune_id"):
            self.codes.setdefault(old, new)
        self.names = {name: sorted(found) for name, found in names.items()}
        postal: dict[str, set[str]] = defaultdict(set)
        for code, nis in PostalCode.objects.values_list("code", "commune_id"):
            postal[code].add(nis)
        self.postal = {code: sorted(found) for code, found in postal.items()}

    def find(self, text: str) -> str:
        """The NIS code in force of the commune `text` names; a ValueError with
        a message for a person otherwise."""
        text = text.strip()
        if text.isdigit() and len(text) == 5 and text in self.codes:
            return self.codes[text]
        if text.isdigit() and len(text) == 4:
            found = self.postal.get(text, [])
            if len(found) == 1:
                return found[0]
            if found:
                raise ValueError(
                    _(
                        "Le code postal %(code)s dessert plusieurs communes : "
                        "précisez-la."
                    )
                    % {"code": text}
                )
        found = self.names.get(search_key(text), [])
        if len(found) == 1:
            return found[0]
        raise ValueError(
            _("« %(value)s » n'est pas une commune connue.") % {"value": text}
        )


def commune_successor_nis(nis: str) -> str | None:
    """The code of the commune that took over a former code, or None."""
    return (
        CodeSuccessor.objects.filter(old_nis=nis)
        .values_list("commune_id", flat=True)
        .first()
    )


def commune_detail(nis: str) -> Commune | None:
    """A commune in force with all it shows: its places, postal codes, former codes.

    A former code gives None: see commune_successor_nis.
    """
    return (
        Commune.objects.without_boundary()
        .select_related("province", "arrondissement", "region")
        .prefetch_related("postal_codes", "former_codes")
        .filter(nis=nis)
        .first()
    )


def commune_search(
    *,
    scope: str,
    name: str = "",
    postal_code: str = "",
    province: str = "",
    arrondissement: str = "",
) -> CommuneQuerySet:
    """Communes of a scope ("BE" or a region's code) matching every filter given.

    The name matches any of the commune's names, ignoring accents and case. Ordered
    by NIS code; postal codes prefetched.
    """
    communes = (
        Commune.objects.in_scope(scope)
        .without_boundary()
        .select_related("province", "arrondissement", "region")
        .prefetch_related("postal_codes")
        .order_by("nis")
    )
    if name.strip():
        communes = communes.named_like(name)
    if postal_code:
        communes = communes.filter(postal_codes__code=postal_code)
    if province:
        communes = communes.filter(province_id=province)
    if arrondissement:
        communes = communes.filter(arrondissement_id=arrondissement)
    return communes


def regions_in_scope(scope: str) -> QuerySet[Region]:
    """The regions of a scope, each with `province_rows` (provinces with their counts
    of arrondissements and communes) and `arrondissement_rows` (those outside any
    province, Brussels-Capital's), and its own `commune_count`."""
    provinces = provinces_with_counts()
    loose = Arrondissement.objects.filter(province__isnull=True).annotate(
        commune_count=Count("communes")
    )
    regions = Region.objects.annotate(commune_count=Count("communes")).prefetch_related(
        Prefetch("provinces", queryset=provinces, to_attr="province_rows"),
        Prefetch("arrondissements", queryset=loose, to_attr="arrondissement_rows"),
    )
    if scope != "BE":
        regions = regions.filter(nis=scope)
    return regions.order_by("nis")


def provinces_with_counts(scope: str = "BE") -> QuerySet[Province]:
    """Provinces with `arrondissement_count` and `commune_count` (loaded ones)."""
    provinces = Province.objects.annotate(
        arrondissement_count=Count("arrondissements", distinct=True),
        commune_count=Count("communes", distinct=True),
    ).order_by("nis")
    if scope != "BE":
        provinces = provinces.filter(region_id=scope)
    return provinces


def province_detail(nis: str) -> Province | None:
    """A province with `commune_count` and `arrondissement_rows`, each with its
    `commune_count`."""
    arrondissements = Arrondissement.objects.annotate(
        commune_count=Count("communes")
    ).order_by("nis")
    return (
        Province.objects.select_related("region")
        .annotate(commune_count=Count("communes"))
        .prefetch_related(
            Prefetch(
                "arrondissements",
                queryset=arrondissements,
                to_attr="arrondissement_rows",
            )
        )
        .filter(nis=nis)
        .first()
    )


def arrondissement_detail(nis: str) -> Arrondissement | None:
    """An arrondissement with `commune_rows`: its communes with their postal codes."""
    communes = (
        Commune.objects.without_boundary()
        .prefetch_related("postal_codes")
        .order_by("search_names")
    )
    return (
        Arrondissement.objects.select_related("region", "province")
        .prefetch_related(
            Prefetch("communes", queryset=communes, to_attr="commune_rows")
        )
        .filter(nis=nis)
        .first()
    )


def communes_mapped() -> bool:
    """Whether any commune has a boundary or coordinates, so that a map can be
    drawn (kept with the reference data: lib.refcache)."""
    return cached_reference(
        "territory:communes-mapped",
        lambda: Commune.objects.filter(
            Q(boundary__isnull=False)
            | Q(latitude__isnull=False, longitude__isnull=False)
        ).exists(),
        sources=[Commune],
    )


def _latest_figure(indicator: str, as_of: datetime.date | None) -> QuerySet[Any]:
    figures = PopulationFigure.objects.filter(
        commune=OuterRef("pk"), indicator=indicator
    )
    if as_of is not None:
        figures = figures.filter(date__lte=as_of)
    return figures.order_by("-date")


def communes_with_population(
    scope: str, *, province: str = "", as_of: datetime.date | None = None
) -> CommuneQuerySet:
    """The communes of a scope (or of a province), each with its latest figures
    on `as_of` (today by default): `protected` (people under temporary
    protection), `protected_date`, `protected_fictitious`, `population`
    (total population) and `population_date`, None where there is none."""
    protected = _latest_figure(PopulationFigure.Indicator.TEMPORARY_PROTECTION, as_of)
    total = _latest_figure(PopulationFigure.Indicator.TOTAL_POPULATION, as_of)
    communes = Commune.objects.in_scope(scope).defer("boundary")
    if province:
        communes = communes.filter(province_id=province)
    return communes.select_related("province").annotate(
        protected=Subquery(protected.values("value")[:1]),
        protected_date=Subquery(protected.values("date")[:1]),
        protected_fictitious=Subquery(protected.values("fictitious")[:1]),
        population=Subquery(total.values("value")[:1]),
        population_date=Subquery(total.values("date")[:1]),
    )


def population_figures_of(nis: str) -> QuerySet[PopulationFigure]:
    """A commune's figures, newest first, indicator by indicator."""
    return PopulationFigure.objects.filter(commune_id=nis).order_by(
        "indicator", "-date", "-id"
    )
