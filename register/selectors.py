"""Reads of the register for the pages and the API, with a constant query count."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    F,
    Func,
    IntegerField,
    Manager,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.lookups import In

from lib.paging import PagedRows
from register.area import area_summary, communes_by_nis
from register.models import (
    CURRENT_SERVICE_STATUSES,
    INCOMPLETE,
    Assessment,
    Organisation,
    OrganisationCount,
    Relation,
    Service,
    ServiceCommune,
    ServiceCount,
)
from register.search import normalise, search, search_count_sqlite
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    Sector,
    TargetGroup,
    Term,
    Theme,
)
from taxonomy.selectors import terms_by_id
from territory.models import Commune

LANGUAGES = ("fr", "nl", "de", "en")
# The register list's status filter for the organisations to complete.
INCOMPLETE_STATUS = "incomplete"
TERM_NAMES = tuple(f"name_{language}" for language in LANGUAGES)

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

    @property
    def filtered(self) -> bool:
        """Whether anything beyond the status narrows the list."""
        return self != OrganisationFilters(status=self.status, sort=self.sort)

    @property
    def selective(self) -> bool:
        """Whether the filters ask for services of a kind in a place: then few
        organisations match (a hundred of twenty thousand for a theme in Liège)."""
        served = self.province or self.arrondissement or self.commune
        return bool((self.theme or self.target_group) and served)


class Unindexed(Func):
    """A column's value that SQLite must not look up through an index (`+column`).

    SQLite plans without statistics: given `status = 'active' AND id IN (…)` it
    walks the status index, all twenty thousand entries, rather than the hundred
    ids the subquery found. PostgreSQL plans from its statistics; the column is
    left as it is there."""

    template = "%(expressions)s"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra)


class AmongIds(In):
    """`column IN (subquery)` for a subquery that finds few ids through an index
    alone; PostgreSQL is given them as an array (`= ANY(ARRAY(subquery))`).

    Given `id IN (subquery)`, PostgreSQL joins the subquery's rows to every
    service it reads in full (a thousand services of a theme in Liège among
    three hundred thousand); given an array, it reads those services by primary
    key. SQLite already reads them so."""

    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        column, column_params = self.process_lhs(compiler, connection)
        ids, ids_params = self.process_rhs(compiler, connection)
        return f"{column} = ANY(ARRAY{ids})", (*column_params, *ids_params)


def _term_ids(filters: "OrganisationFilters | ServiceFilters") -> dict[str, int] | None:
    """The ids of the vocabulary terms the filters name, by filter (compared as
    ids: no join); None when a code names no term."""
    ids: dict[str, int] = {}
    for field, model in TERM_FILTERS.items():
        code = getattr(filters, field, "")
        if not code:
            continue
        found = [pk for pk, term in terms_by_id(model).items() if term.code == code]
        if not found:
            return None
        ids[field] = found[0]
    return ids


def _served_communes(filters: "OrganisationFilters | ServiceFilters") -> Q | None:
    """The territory filter as a lookup on a `commune_id` column."""
    if filters.commune:
        return Q(commune_id=filters.commune)
    if filters.arrondissement:
        return Q(commune_id__in=_communes(arrondissement_id=filters.arrondissement))
    if filters.province:
        return Q(commune_id__in=_communes(province_id=filters.province))
    return None


def served_commune_ids(
    filters: "OrganisationFilters | ServiceFilters",
) -> set[str] | None:
    """The communes (NIS codes) of the territory filter; None without one."""
    if filters.commune:
        return {filters.commune}
    if filters.arrondissement:
        return set(_communes(arrondissement_id=filters.arrondissement))
    if filters.province:
        return set(_communes(province_id=filters.province))
    return None


def _communes(**lookup: str) -> QuerySet[Commune, str]:
    return Commune.objects.filter(**lookup).values_list("pk", flat=True)


TERM_FILTERS: dict[str, type[Term]] = {
    "level": InstitutionalLevel,
    "sector": Sector,
    "actor_type": ActorType,
    "theme": Theme,
    "target_group": TargetGroup,
}


def organisation_list(
    filters: OrganisationFilters, *, status_unindexed: bool = False
) -> QuerySet[Organisation]:
    """Organisations matching the filters; a territory filter means 'serves it':
    operates there or runs a service there.

    Each filter on services or places is one uncorrelated `id IN (…)` subquery that
    starts from the most selective index (service × commune, then the service),
    which both databases plan well at scale. Vocabulary codes are turned into ids
    first (an unknown code matches nothing). `status_unindexed` keeps SQLite from
    reading the status index where another filter is more selective (`Unindexed`).
    """
    organisations = organisation_rows()
    terms = _term_ids(filters)
    if terms is None:
        return organisations.none()
    if filters.status == INCOMPLETE_STATUS:
        organisations = organisations.filter(
            INCOMPLETE, status=Organisation.Status.ACTIVE
        )
    elif filters.status in {Organisation.Status.ACTIVE, Organisation.Status.ARCHIVED}:
        if status_unindexed:
            organisations = organisations.alias(
                status_value=Unindexed("status")
            ).filter(status_value=filters.status)
        else:
            organisations = organisations.filter(status=filters.status)
    if filters.q:
        organisations = search(organisations, filters.q)
    for field in ("level", "sector", "actor_type"):
        if field in terms:
            organisations = organisations.filter(**{f"{field}_id": terms[field]})
    place = _served_communes(filters)
    theme = terms.get("theme")
    if (
        theme is not None
        and place is not None
        and not filters.target_group
        and terms_by_id(Theme)[theme].parent_id is None
    ):
        # A theme in a place: the service × commune rows carry both, and their
        # organisation, in one index (a sub-theme is only on the service).
        offering = ServiceCommune.objects.filter(place, theme_id=theme)
        organisations = organisations.filter(pk__in=offering.values("organisation_id"))
    elif filters.theme or filters.target_group:
        services = Service.objects.all()
        if "theme" in terms:
            theme = terms["theme"]
            services = services.filter(Q(theme_id=theme) | Q(subtheme_id=theme))
        if "target_group" in terms:
            services = services.filter(target_groups=terms["target_group"])
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


# Services (the 4W list)

SERVICE_STATUS_CURRENT = "current"
SERVICE_SORTS = {
    "title": ("title", "id"),
    "organisation": ("organisation__name", "title", "id"),
    "-updated": ("-updated_at", "-id"),
}


@dataclass(frozen=True)
class ServiceFilters:
    """The services list's filters; every field is optional ('' means no
    filter). `status` is a service's status, 'current' (planned or ongoing) or
    'all'; `active_on` a date the service runs on (ISO, as in the URL);
    `theme` a main theme or a sub-theme; `level` its organisation's level."""

    q: str = ""
    theme: str = ""
    target_group: str = ""
    level: str = ""
    province: str = ""
    arrondissement: str = ""
    commune: str = ""
    language: str = ""
    status: str = SERVICE_STATUS_CURRENT
    active_on: str = ""
    organisation: int | None = None
    sort: str = "title"
    # The services of archived organisations too (an export of the register's
    # organisations, whatever their status).
    include_archived: bool = False

    @property
    def place(self) -> Q | None:
        """The territory filter as a lookup on a `commune_id` column: the
        service × commune rows of a filtered 4W."""
        return _served_communes(self)

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the status narrows the list."""
        return (
            self.include_archived
            or self.organisation is not None
            or any(
                (
                    self.q,
                    self.theme,
                    self.target_group,
                    self.level,
                    self.province,
                    self.arrondissement,
                    self.commune,
                    self.language,
                    self.active_on,
                )
            )
        )


def service_list(filters: ServiceFilters) -> QuerySet[Service]:
    """Services of active organisations matching the filters, sorted. A
    territory filter means 'serves a commune there'; an unknown code matches
    nothing."""
    services = Service.objects.all()
    if not filters.include_archived:
        # The few archived organisations left out, without joining them all.
        archived = Organisation.objects.filter(status=Organisation.Status.ARCHIVED)
        services = services.exclude(organisation_id__in=archived.values("pk"))
    terms = _term_ids(filters)
    if terms is None:
        return services.none()
    # The status is never what narrows a list most: SQLite is kept from its
    # index, which it would otherwise read whole before sorting every service.
    services = services.alias(status_value=Unindexed("status"))
    if filters.status == SERVICE_STATUS_CURRENT:
        services = services.filter(status_value__in=CURRENT_SERVICE_STATUSES)
    elif filters.status in Service.Status.values:
        services = services.filter(status_value=filters.status)
    place = filters.place
    theme = terms.get("theme")
    main_theme = theme is not None and terms_by_id(Theme)[theme].parent_id is None
    if theme is not None and not (main_theme and place is not None):
        services = services.filter(Q(theme_id=theme) | Q(subtheme_id=theme))
    if "target_group" in terms:
        services = services.filter(target_groups=terms["target_group"])
    if "level" in terms:
        services = services.filter(organisation__level_id=terms["level"])
    if filters.organisation is not None:
        services = services.filter(organisation_id=filters.organisation)
    if place is not None:
        served = ServiceCommune.objects.filter(place)
        if main_theme:
            # A main theme in a place: the service × commune rows carry both,
            # in one index (a sub-theme is only on the service).
            served = served.filter(theme_id=terms["theme"])
        if main_theme:
            services = services.filter(AmongIds(F("pk"), served.values("service_id")))
        else:
            services = services.filter(pk__in=served.values("service_id"))
    if filters.language:
        services = services.filter(languages__icontains=f'"{filters.language}"')
    if filters.active_on:
        services = services.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=filters.active_on),
            Q(end_date__isnull=True) | Q(end_date__gte=filters.active_on),
        )
    if filters.q:
        services = search(services, filters.q)
    return services.order_by(*SERVICE_SORTS.get(filters.sort, SERVICE_SORTS["title"]))


def service_pages(filters: ServiceFilters) -> "PagedRows[Service]":
    """The services list's pages. Services of a kind in a place are few: read
    all at once (counting them is then reading them). A list narrowed by its
    status only reads its total from the counts the writes keep."""
    selective = bool((filters.theme or filters.target_group) and filters.place)
    if not filters.narrowed:
        return PagedRows(
            matching=service_list(filters),
            rows=service_rows(),
            complete=add_served_communes,
            counted=lambda: service_total(filters.status),
        )
    return PagedRows(
        matching=service_list(filters),
        rows=service_rows(),
        complete=add_served_communes,
        read_ahead=READ_AHEAD if selective else 0,
    )


def service_total(status: str) -> int:
    """How many services of organisations not archived have this status
    ('current': planned or ongoing; another word: any), from the counts the
    register's writes keep (ServiceCount); counted when they are not there."""
    counts = dict(ServiceCount.objects.values_list("status", "count"))
    wanted: list[str]
    if status == SERVICE_STATUS_CURRENT:
        wanted = [str(name) for name in CURRENT_SERVICE_STATUSES]
    elif status in Service.Status.values:
        wanted = [status]
    else:
        wanted = list(Service.Status.values)
    if any(name not in counts for name in wanted):
        return service_list(ServiceFilters(status=status)).count()
    return sum(counts[name] for name in wanted)


def service_rows() -> QuerySet[Service]:
    """Services with what a row of the services list shows."""
    return Service.objects.select_related("organisation", "theme", "subtheme").only(
        "title",
        "status",
        "start_date",
        "end_date",
        "organisation__name",
        "organisation__acronym",
        "theme__code",
        *(f"theme__{name}" for name in TERM_NAMES),
        "subtheme__code",
        *(f"subtheme__{name}" for name in TERM_NAMES),
    )


def add_served_communes(services: list[Service]) -> None:
    """Set `served` on each service: the communes it serves as an area summary
    (whole units, then other communes), read as codes in one query for a page
    of services and named from the reference data. A service that serves all
    of Wallonia costs a row per commune, not a commune object each."""
    codes: dict[int, list[str]] = {service.pk: [] for service in services}
    rows = ServiceCommune.objects.filter(service_id__in=codes).values_list(
        "service_id", "commune_id"
    )
    for service_id, nis in rows:
        codes[service_id].append(nis)
    for service in services:
        service.served = area_summary(codes[service.pk])  # type: ignore[attr-defined]


READ_AHEAD = 1000


def organisation_pages(
    filters: OrganisationFilters,
    rows: QuerySet[Organisation],
    complete: Callable[[list[Organisation]], None] | None = None,
) -> "PagedRows[Organisation]":
    """The register list's pages: `rows` (what a row shows) of the organisations
    matching the filters.

    An unfiltered list's total is read from the counts the writes keep
    (`organisation_total`); a filtered list is counted without the status
    index (`Unindexed`). The few
    organisations offering a service of a kind in a place are read all at once
    (without the status index too): counting them is then reading them."""
    if filters.selective:
        matching = organisation_list(filters, status_unindexed=True)
        return PagedRows(
            matching=matching, rows=rows, read_ahead=READ_AHEAD, complete=complete
        )
    if filters.filtered and _searched_only(filters):
        # The active organisations a search finds, less the archived ones.
        return PagedRows(
            matching=organisation_list(filters),
            rows=rows,
            complete=complete,
            counted=lambda: search_count_sqlite(
                Organisation._meta.db_table,
                filters.q,
                leaving_out=Organisation.Status.ARCHIVED,
            ),
        )
    if filters.filtered:
        return PagedRows(
            matching=organisation_list(filters),
            rows=rows,
            complete=complete,
            counting=organisation_list(filters, status_unindexed=True),
        )
    return PagedRows(
        matching=organisation_list(filters),
        rows=rows,
        complete=complete,
        counted=lambda: organisation_total(filters.status),
    )


def _searched_only(filters: OrganisationFilters) -> bool:
    """Whether SQLite counts this list from its full-text index: active
    organisations found by a search, nothing else narrowing them."""
    return (
        connection.vendor == "sqlite"
        and bool(normalise(filters.q).split())
        and filters.status == Organisation.Status.ACTIVE
        and filters
        == OrganisationFilters(q=filters.q, status=filters.status, sort=filters.sort)
    )


def organisation_total(status: str) -> int:
    """How many organisations have this status ('all': any), from the counts
    the register's writes keep (OrganisationCount); counted when they are not
    there."""
    if status == INCOMPLETE_STATUS:
        return organisation_incomplete_count()
    counts = dict(OrganisationCount.objects.values_list("status", "count"))
    wanted = (
        [status]
        if status in Organisation.Status.values
        else list(Organisation.Status.values)
    )
    if any(name not in counts for name in wanted):
        return organisation_list(OrganisationFilters(status=status)).count()
    return sum(counts[name] for name in wanted)


def organisation_incomplete_count() -> int:
    """How many active organisations are to complete (created from a partner's
    4W sheet without their level, sector or actor type)."""
    return Organisation.objects.filter(
        INCOMPLETE, status=Organisation.Status.ACTIVE
    ).count()


def organisation_rows() -> QuerySet[Organisation]:
    """Organisations with what a row of the register list shows."""
    return Organisation.objects.select_related(
        "level", "sector", "actor_type", "commune"
    ).defer("commune__boundary", "commune__search_names", "search_text")


def add_area_codes(organisations: list[Organisation]) -> None:
    """Give each organisation `area_codes`, the sorted NIS codes of its area of
    operation, in one query of plain values: a page of organisations active in
    a thousand communes would otherwise make a thousand model instances."""
    codes: dict[int, list[str]] = {
        organisation.pk: [] for organisation in organisations
    }
    through = Organisation.area_communes.through.objects
    for organisation_id, nis in through.filter(
        organisation_id__in=list(codes)
    ).values_list("organisation_id", "commune_id"):
        codes[organisation_id].append(nis)
    for organisation in organisations:
        organisation.area_codes = sorted(codes[organisation.pk])  # type: ignore[attr-defined]


def organisation_suggestions(text: str, *, limit: int = 10) -> list[Organisation]:
    """The first active organisations whose name or acronym match what is being
    typed in a picker; nothing under three characters (too many to be useful)."""
    if len(text.strip()) < 3:
        return []
    matches = search(Organisation.objects.active(), text)
    return list(
        matches.only("id", "name", "acronym", "status").order_by("name", "id")[:limit]
    )


# The columns an organisation needs where it is only named and linked to.
NAMED = ("id", "name", "acronym", "status")


class _JoinedIds(Func):
    """Its rows' ids as one "3,7" text (an aggregate written as a plain function,
    so that its subquery has no GROUP BY: Django spent longer writing that than
    the database running it)."""

    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="GROUP_CONCAT(%(expressions)s, ',')"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="STRING_AGG((%(expressions)s)::text, ',')"
        )


class _Counted(Func):
    """COUNT(*) of a subquery's rows, with no GROUP BY either (0 for none)."""

    template = "COUNT(*)"
    output_field = IntegerField()


def joined_ids(
    through: "QuerySet[Any] | Manager[Any]", own: str, other: str
) -> Subquery:
    """The `other` ids of the rows of `through` whose `own` column is the outer
    row's id, as one "3,7" string: a short list read with its row, not in a
    query of its own."""
    return Subquery(
        through.filter(**{own: OuterRef("pk")}).order_by().values(ids=_JoinedIds(other))
    )


def split_ids(text: str | None) -> list[str]:
    """The ids of a `joined_ids` string ("" or None: none)."""
    return [part for part in (text or "").split(",") if part]


def organisation_detail(pk: int) -> Organisation | None:
    """An organisation with everything its page shows, in a fixed number of queries.

    No ORDER BY on the organisation and no GROUP BY on its services: Django spent
    more time writing those queries than the database running them."""
    communes_served = (
        ServiceCommune.objects.filter(service=OuterRef("pk"))
        .order_by()
        .values(count=_Counted())
    )
    services = (
        Service.objects.only(
            "id",
            "organisation_id",
            "theme_id",
            "subtheme_id",
            "title",
            "published",
            "start_date",
            "end_date",
            "status",
        )
        .annotate(
            commune_count=Subquery(communes_served),
            target_group_ids=joined_ids(
                Service.target_groups.through.objects, "service_id", "targetgroup_id"
            ),
        )
        .order_by("theme__position", "title")
    )
    organisations = (
        Organisation.objects.defer("search_text")
        .annotate(
            area_codes=joined_ids(
                Organisation.area_communes.through.objects,
                "organisation_id",
                "commune_id",
            )
        )
        .filter(pk=pk)
        .order_by()
    )
    organisation = next(iter(organisations), None)
    if organisation is None:
        return None
    # Its services and sub-organisations by plain queries: prefetch_related's
    # machinery cost more than they do.
    offered: list[Service] = list(services.filter(organisation_id=pk))
    organisation.service_list = offered  # type: ignore[attr-defined]
    # Its parent by a query of its own, only when it has one: joining it cost
    # every organisation more to write than this costs the few that have one.
    if organisation.parent_id:
        organisation.parent = Organisation.objects.only(*NAMED).get(
            pk=organisation.parent_id
        )
    organisation.child_list = list(  # type: ignore[attr-defined]
        Organisation.objects.only(*NAMED, "parent_id")
        .filter(parent_id=pk)
        .order_by("name")
    )
    # Vocabulary terms and communes from the reference data kept in memory:
    # joining their tables cost Django more to write than the database to read.
    # (None: an organisation to complete.)
    organisation.level = terms_by_id(InstitutionalLevel).get(organisation.level_id)  # type: ignore[arg-type]
    organisation.sector = terms_by_id(Sector).get(organisation.sector_id)  # type: ignore[arg-type]
    organisation.actor_type = terms_by_id(ActorType).get(organisation.actor_type_id)  # type: ignore[arg-type]
    if organisation.commune_id:
        organisation.commune = communes_by_nis().get(
            organisation.commune_id
        ) or Commune.objects.defer("boundary").get(pk=organisation.commune_id)
    themes, groups = terms_by_id(Theme), terms_by_id(TargetGroup)
    for service in offered:
        service.theme = themes[service.theme_id]
        service.subtheme = themes[service.subtheme_id] if service.subtheme_id else None
        ids = split_ids(service.target_group_ids)  # type: ignore[attr-defined]
        service.target_group_list = sorted(  # type: ignore[attr-defined]
            (groups[int(pk)] for pk in ids),
            key=lambda group: (group.position, group.code),
        )
    return organisation


def organisation_relations(organisation_id: int) -> QuerySet[Relation, dict[str, Any]]:
    """The relations an organisation declared or is named in, both directions in
    one query, as the plain values a row of its page shows (a hub organisation
    has hundreds: model instances would cost more than the query). The
    organisation that declared one is nearly always one of its sides: its name
    is read by `organisation_names` only when it is not (a join fewer)."""
    named = [
        f"{side}__{column}"
        for side in ("source", "target")
        for column in ("name", "acronym")
    ]
    # No ORDER BY (the page sorts): with one, SQLite scans the table instead of
    # reading the two indexes.
    either_side = Q(source_id=organisation_id) | Q(target_id=organisation_id)
    values: QuerySet[Relation, dict[str, Any]] = (
        Relation.objects.filter(either_side)
        .order_by()
        .values(
            "id",
            "source_id",
            "target_id",
            "type_id",
            "frequency",
            "formal",
            "since",
            "declared_by_id",
            *named,
        )
    )
    return values


def organisation_names(ids: set[int]) -> dict[int, tuple[str, str]]:
    """The name and acronym of each of these organisations (no query for none)."""
    if not ids:
        return {}
    rows = Organisation.objects.filter(pk__in=ids).values_list("id", "name", "acronym")
    return {pk: (name, acronym) for pk, name, acronym in rows}


def relation_theme_ids(relation_ids: list[int]) -> dict[int, list[int]]:
    """The theme ids of each of these relations (named by the caller)."""
    ids: dict[int, list[int]] = {}
    through = Relation.themes.through.objects.filter(relation_id__in=relation_ids)
    for relation_id, theme_id in through.values_list("relation_id", "theme_id"):
        ids.setdefault(relation_id, []).append(theme_id)
    return ids


def latest_assessment(organisation: Organisation) -> Assessment | None:
    return (
        Assessment.objects.select_related("author")
        .filter(organisation=organisation)
        .order_by("-assessed_on", "-id")
        .first()
    )


def member_organisations(user: Any) -> list[Organisation]:
    """The organisations a person is a member of (their focal point's
    organisations), by name; none for anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(memberships__user=user)
        .only("id", "name", "acronym", "status")
        .order_by("name", "id")
    )
