"""Reads of the register for the pages and the API, with a constant query count."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from register.models import (
    Assessment,
    Organisation,
    Relation,
    Service,
    ServiceCommune,
)
from register.search import search
from territory.models import Commune

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


@dataclass(frozen=True)
class OrganisationFilters:
    """The register list's filters; every field is optional ('' means no filter)."""

    q: str = ""
    level: str = ""
    sector: str = ""
    actor_type: str = ""
    theme: str = ""
    target_group: str = ""
    province: str = ""
    arrondissement: str = ""
    commune: str = ""
    language: str = ""
    status: str = "active"
    sort: str = "name"


def _served_communes(filters: OrganisationFilters) -> Q | None:
    """The territory filter as a lookup on a `commune_id` column."""
    if filters.commune:
        return Q(commune_id=filters.commune)
    if filters.arrondissement:
        return Q(commune_id__in=_communes(arrondissement_id=filters.arrondissement))
    if filters.province:
        return Q(commune_id__in=_communes(province_id=filters.province))
    return None


def _communes(**lookup: str) -> QuerySet[Commune, str]:
    return Commune.objects.filter(**lookup).values_list("pk", flat=True)


def organisation_list(filters: OrganisationFilters) -> QuerySet[Organisation]:
    """Organisations matching the filters; a territory filter means 'serves it':
    operates there or runs a service there.

    Each filter on services or places is one uncorrelated `id IN (…)` subquery that
    starts from the most selective index (service × commune, then the service),
    which both databases plan well at scale.
    """
    organisations: QuerySet[Organisation] = Organisation.objects.select_related(
        "level", "sector", "actor_type", "commune"
    )
    if filters.status in {Organisation.Status.ACTIVE, Organisation.Status.ARCHIVED}:
        organisations = organisations.filter(status=filters.status)
    if filters.q:
        organisations = search(organisations, filters.q)
    for field in ("level", "sector", "actor_type"):
        code = getattr(filters, field)
        if code:
            organisations = organisations.filter(**{f"{field}__code": code})
    place = _served_communes(filters)
    if filters.theme or filters.target_group:
        services = Service.objects.all()
        if filters.theme:
            services = services.filter(
                Q(theme__code=filters.theme) | Q(subtheme__code=filters.theme)
            )
        if filters.target_group:
            services = services.filter(target_groups__code=filters.target_group)
        if place is not None:
            served = ServiceCommune.objects.filter(place).values("service_id")
            services = services.filter(pk__in=served)
        organisations = organisations.filter(pk__in=services.values("organisation_id"))
    elif place is not None:
        runs_services = ServiceCommune.objects.filter(place).values(
            "service__organisation_id"
        )
        operates = Organisation.area_communes.through.objects.filter(place).values(
            "organisation_id"
        )
        organisations = organisations.filter(
            Q(pk__in=operates) | Q(pk__in=runs_services)
        )
    if filters.language:
        organisations = organisations.filter(
            languages__icontains=f'"{filters.language}"'
        )
    return organisations.order_by(*SORTS.get(filters.sort, SORTS["name"]))


def organisation_suggestions(text: str, *, limit: int = 10) -> list[Organisation]:
    """The first active organisations whose name or acronym match what is being
    typed in a picker; nothing under three characters (too many to be useful)."""
    if len(text.strip()) < 3:
        return []
    matches = search(Organisation.objects.active(), text)
    return list(matches.only("id", "name", "acronym").order_by("name", "id")[:limit])


def organisation_detail(pk: int) -> Organisation | None:
    """An organisation with everything its page shows, in a fixed number of queries."""
    return (
        Organisation.objects.select_related(
            "level", "sector", "actor_type", "parent", "commune"
        )
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.select_related("theme", "subtheme")
                .prefetch_related("target_groups")
                .annotate(commune_count=Count("service_communes"))
                .order_by("theme__position", "title"),
            ),
            Prefetch("children", queryset=Organisation.objects.order_by("name")),
            # The page shows each relation's declaring organisation and themes.
            Prefetch(
                "relations_out",
                queryset=Relation.objects.select_related(
                    "type", "target", "declared_by"
                ).prefetch_related("themes"),
            ),
            Prefetch(
                "relations_in",
                queryset=Relation.objects.select_related(
                    "type", "source", "declared_by"
                ).prefetch_related("themes"),
            ),
        )
        .annotate(area_count=Count("area_communes", distinct=True))
        .filter(pk=pk)
        .first()
    )


def latest_assessment(organisation: Organisation) -> Assessment | None:
    return (
        Assessment.objects.select_related("author")
        .filter(organisation=organisation)
        .order_by("-assessed_on", "-id")
        .first()
    )


def commune_services(commune: Commune) -> QuerySet[Service]:
    """Services that serve a commune, with their organisation, by theme."""
    return (
        Service.objects.filter(
            service_communes__commune=commune,
            organisation__status=Organisation.Status.ACTIVE,
        )
        .select_related("organisation", "theme", "subtheme")
        .order_by("theme__position", "theme__code", "organisation__name", "title")
    )
