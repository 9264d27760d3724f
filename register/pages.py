"""Reads that shape what the register's HTML pages show, on top of selectors.py.

Each helper runs a fixed number of queries, whatever the amount of data.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from lib.collation import sort_key
from lib.i18n import pick_name
from lib.reasons import reason_text
from lib.urls import reverser
from register import selectors
from register.access import can_edit_declared, visible_contacts
from register.models import (
    CURRENT_SERVICE_STATUSES,
    CommuneOffer,
    Contact,
    Organisation,
    Relation,
    Service,
    ServiceCommune,
    SpokenLanguage,
)
from taxonomy.models import ActorType, InstitutionalLevel, RelationType, Sector, Theme
from taxonomy.selectors import terms_by_id
from territory.models import Commune


def with_service_count(
    organisations: QuerySet[Organisation],
) -> QuerySet[Organisation]:
    """Adds `service_count`, computed by the database for the rows fetched only (a
    count of the list ignores it)."""
    services = (
        Service.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return organisations.annotate(
        service_count=Coalesce(
            Subquery(services, output_field=IntegerField()), Value(0)
        )
    )


def add_links(organisations: Iterable[Organisation]) -> None:
    """Give each organisation of a list the links of its row, `page_url` and
    `commune_url`, at the cost of one reverse() each for all the rows."""
    organisation_url = reverser("register:organisation_detail")
    commune_url = reverser("register:commune_detail", marker="99999")
    for organisation in organisations:
        organisation.page_url = organisation_url(organisation.pk)  # type: ignore[attr-defined]
        organisation.commune_url = (  # type: ignore[attr-defined]
            commune_url(organisation.commune_id) if organisation.commune_id else ""
        )


@dataclass
class ContactsView:
    visible: list[Contact]
    hidden_count: int


def organisation_contacts(user: User, organisation: Organisation) -> ContactsView:
    """The contacts the user may see, and how many others there are."""
    contacts = Contact.objects.filter(organisation=organisation)
    visible = list(visible_contacts(user, contacts))
    return ContactsView(visible, contacts.count() - len(visible))


@dataclass
class RelationRow:
    """A relation read from one organisation's side, with the links of its row."""

    id: int
    label: str
    position: int
    other: str
    other_url: str
    outgoing: bool
    frequency: str
    formal: bool
    since: date | None
    declared_by: str
    themes: str = ""
    edit_url: str = ""
    delete_url: str = ""


def _named(name: str | None, acronym: str | None) -> str:
    return f"{name} ({acronym})" if acronym else str(name or "")


def _declarant_names(rows: list[dict[str, Any]]) -> dict[int, str]:
    """The name of the organisation that declared each relation, by its id: one
    of the relation's sides, or (rarely) read on its own."""
    names: dict[int, str] = {}
    for row in rows:
        for side in ("source", "target"):
            if row["declared_by_id"] == row[f"{side}_id"]:
                names[row[f"{side}_id"]] = _named(
                    row[f"{side}__name"], row[f"{side}__acronym"]
                )
    others = {row["declared_by_id"] for row in rows} - set(names) - {None}
    for pk, (name, acronym) in selectors.organisation_names(others).items():
        names[pk] = _named(name, acronym)
    return names


RELATIONS_PER_PAGE = 20


def organisation_relations(
    user: User, organisation: Organisation, page_number: Any = 1
) -> Page[RelationRow]:
    """One page of both directions of an organisation's relations, sorted by type,
    label and the other organisation's name; the inverse name reads an incoming
    one. Every relation is read (as plain values, to sort them), only the page's
    are completed with their themes."""
    # Each type's names and each frequency's label, once for all the rows.
    types = {
        pk: (relation_type.name, relation_type.inverse_name, relation_type.position)
        for pk, relation_type in terms_by_id(RelationType).items()
    }
    values = list(selectors.organisation_relations(organisation.pk))
    declarants = _declarant_names(values)
    frequencies = {code: str(label) for code, label in Relation.Frequency.choices}
    organisation_url = reverser("register:organisation_detail")
    edit_url = reverser("register:relation_update")
    delete_url = reverser("register:relation_delete")
    rows: list[RelationRow] = []
    for row in values:
        name, inverse_name, position = types[row["type_id"]]
        outgoing = row["source_id"] == organisation.pk
        other_side = "target" if outgoing else "source"
        relation = RelationRow(
            id=row["id"],
            label=name if outgoing else inverse_name,
            position=position,
            other=_named(row[f"{other_side}__name"], row[f"{other_side}__acronym"]),
            other_url=organisation_url(row[f"{other_side}_id"]),
            outgoing=outgoing,
            frequency=frequencies.get(row["frequency"], ""),
            formal=row["formal"],
            since=row["since"],
            declared_by=declarants.get(row["declared_by_id"], ""),
        )
        if can_edit_declared(user, row["declared_by_id"]):
            relation.edit_url = edit_url(row["id"])
            relation.delete_url = delete_url(row["id"])
        rows.append(relation)
    rows.sort(key=lambda row: (row.position, row.label, sort_key(row.other)))
    page = Paginator(rows, RELATIONS_PER_PAGE).get_page(page_number)
    # The shown relations' themes, named from the reference data in memory.
    themes = terms_by_id(Theme)
    shown: list[RelationRow] = list(page.object_list)
    theme_ids = selectors.relation_theme_ids([relation.id for relation in shown])
    for relation in shown:
        named = sorted(
            (themes[pk] for pk in theme_ids.get(relation.id, [])),
            key=lambda theme: (theme.position, theme.code),
        )
        relation.themes = ", ".join(pick_name(theme, "name") for theme in named)
    return page


def service_detail(pk: int) -> Service | None:
    """A service with everything its page shows."""
    return (
        Service.objects.select_related(
            "organisation",
            "organisation__commune",
            "theme",
            "subtheme",
        )
        .prefetch_related(
            "target_groups",
            Prefetch("funders", queryset=Organisation.objects.order_by("name")),
        )
        .filter(pk=pk)
        .first()
    )


SERVICES_PER_THEME = 3


@dataclass
class ThemeOffer:
    """What is on offer in a commune for one theme: the totals of its current
    services (planned or ongoing) and of the ended or suspended ones, and the
    newest current services."""

    theme: Theme
    service_count: int = 0
    organisation_count: int = 0
    ended_count: int = 0
    services: list[Service] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.service_count - len(self.services)


def commune_offer(commune: Commune) -> list[ThemeOffer]:
    """Every theme, in its order, with the current services of active
    organisations that serve a commune: totals, and at most SERVICES_PER_THEME
    services each; a theme without any is there too, with zeros (two queries,
    whatever the commune's size).

    The totals are those the writes keep (CommuneOffer). Beside each, the ids of
    the theme's most recently recorded current services are read from the
    service × commune index, newest first: a few entries per theme, not all."""
    # Archived organisations are few: leaving theirs out (NOT IN, from their
    # partial index) spares reading the organisation of each row.
    archived = Organisation.objects.filter(status=Organisation.Status.ARCHIVED)
    newest = (
        ServiceCommune.objects.filter(
            commune_id=OuterRef("commune_id"),
            theme_id=OuterRef("theme_id"),
            service__status__in=CURRENT_SERVICE_STATUSES,
        )
        .exclude(organisation_id__in=archived.values("pk"))
        .order_by("-service_id")
        .values("service_id")
    )
    totals = (
        CommuneOffer.objects.filter(commune=commune)
        .annotate(
            **{
                f"newest_{rank}": Subquery(newest[rank : rank + 1])
                for rank in range(SERVICES_PER_THEME)
            }
        )
        .values_list(
            "theme_id",
            "services",
            "organisations",
            "ended",
            *(f"newest_{rank}" for rank in range(SERVICES_PER_THEME)),
        )
    )
    # Themes from the reference data kept in memory, not joined row by row.
    themes = terms_by_id(Theme)
    offers = {
        theme.pk: ThemeOffer(theme)
        for theme in sorted(
            (theme for theme in themes.values() if theme.parent_id is None),
            key=lambda theme: (theme.position, theme.code),
        )
    }
    ranked: list[int] = []
    for theme_id, services, organisations, ended, *newest_ids in totals:
        offer = offers.get(theme_id)
        if offer is not None:
            offer.service_count = services
            offer.organisation_count = organisations
            offer.ended_count = ended
        ranked += [pk for pk in newest_ids if pk is not None]
    first = (
        Service.objects.filter(pk__in=ranked)
        .select_related("organisation")
        .only(
            "id",
            "title",
            "status",
            "theme_id",
            "subtheme_id",
            "organisation_id",
            "organisation__name",
            "organisation__acronym",
        )
        .order_by("organisation__name", "title")
    )
    service_url = reverser("register:service_detail")
    organisation_url = reverser("register:organisation_detail")
    for service in first:
        service.theme = themes[service.theme_id]
        service.subtheme = themes[service.subtheme_id] if service.subtheme_id else None
        service.page_url = service_url(service.pk)  # type: ignore[attr-defined]
        service.organisation_url = organisation_url(service.organisation_id)  # type: ignore[attr-defined]
        if service.theme_id in offers:
            offers[service.theme_id].services.append(service)
    return list(offers.values())


LOCAL_ACTOR_TYPES = ("commune", "cpas")
LOCAL_SHOWN = 6


def commune_administration(commune: Commune) -> list[Organisation]:
    """The commune's own administration and its CPAS, when the register has
    them: active organisations of those kinds seated in the commune, the
    administration first, at most LOCAL_SHOWN (one query; a commune has one of
    each, though a register may hold their antennas too)."""
    actor_types = {
        term.pk: term
        for term in terms_by_id(ActorType).values()
        if term.code in LOCAL_ACTOR_TYPES
    }
    local = list(
        Organisation.objects.filter(
            commune=commune,
            status=Organisation.Status.ACTIVE,
            actor_type_id__in=list(actor_types),
        )
        .only("id", "name", "acronym", "actor_type_id")
        .order_by(
            Case(
                When(
                    actor_type_id__in=[
                        pk
                        for pk, term in actor_types.items()
                        if term.code == LOCAL_ACTOR_TYPES[0]
                    ],
                    then=Value(0),
                ),
                default=Value(1),
            ),
            "name",
            "id",
        )[:LOCAL_SHOWN]
    )
    for organisation in local:
        organisation.actor_type = actor_types[organisation.actor_type_id]  # type: ignore[index]
    return local


# History


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: Any
    changes: list[Change]
    area_added: list[Commune]
    area_removed: list[Commune]
    is_creation: bool
    is_current: bool

    @property
    def reason(self) -> str:
        """Why this version was written, in the reader's language."""
        return reason_text(self.record.history_change_reason or "")


HIDDEN_HISTORY_FIELDS = ("version", "area_communes")
RELATED_MODELS: dict[str, Any] = {
    "level": InstitutionalLevel,
    "sector": Sector,
    "actor_type": ActorType,
    "parent": Organisation,
    "commune": Commune,
}


def _display(name: str, value: Any, related: dict[str, dict[Any, Any]]) -> str:
    if name in RELATED_MODELS:
        return str(related[name].get(value, "—")) if value else "—"
    if name == "status":
        # With a context: Django's own catalogue would turn "active" into "actif".
        return {
            "active": pgettext("organisation", "active"),
            "archived": pgettext("organisation", "archivée"),
        }.get(value, "—")
    if name == "languages":
        labels = dict(SpokenLanguage.choices)
        return ", ".join(str(labels.get(code, code)) for code in value or []) or "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return str(value) if value not in (None, "") else "—"


# simple-history names the reverse accessor from the historical area rows.
AREA_HISTORY = "historicalorganisation_area_communes_set"


def organisation_history_records(organisation: Organisation) -> QuerySet[Any]:
    """An organisation's history, newest first, each record with `area_rows`."""
    records: QuerySet[Any] = (
        organisation.history.select_related("history_user")
        .prefetch_related(Prefetch(AREA_HISTORY, to_attr="area_rows"))
        .order_by("-history_date", "-history_id")
    )
    return records


def organisation_history(
    records: Sequence[Any], previous: Any | None, *, first_is_current: bool
) -> list[HistoryEntry]:
    """Readable entries for a page of history records, newest first; `previous`
    is the record just older than the page's last (None at the very beginning).

    Field changes come from simple-history's diff_against; foreign keys and the
    area's communes are named with one query per kind of object."""
    chain = [*records, previous] if previous is not None else list(records)
    deltas = []
    for newer, older in pairwise(chain):
        deltas.append(
            newer.diff_against(older, excluded_fields=HIDDEN_HISTORY_FIELDS).changes
        )
    wanted: dict[str, set[Any]] = {name: set() for name in RELATED_MODELS}
    for changes in deltas:
        for change in changes:
            if change.field in RELATED_MODELS:
                wanted[change.field].update({change.old, change.new} - {None})
    related: dict[str, dict[Any, Any]] = {}
    for name, pks in wanted.items():
        model = RELATED_MODELS[name]
        related[name] = (
            {obj.pk: obj for obj in model._default_manager.filter(pk__in=pks)}
            if pks
            else {}
        )
    areas = [{row.commune_id for row in record.area_rows} for record in chain]
    moved = set().union(*(a ^ b for a, b in pairwise(areas)))
    communes = (
        {c.pk: c for c in Commune.objects.filter(pk__in=moved).defer("boundary")}
        if moved
        else {}
    )
    entries = []
    for index, record in enumerate(records):
        is_creation = index >= len(deltas)
        changes = [] if is_creation else deltas[index]
        labels = {f.name: f.verbose_name for f in Organisation._meta.fields}
        area_added: list[Commune] = []
        area_removed: list[Commune] = []
        if not is_creation:
            area_added = _communes(areas[index] - areas[index + 1], communes)
            area_removed = _communes(areas[index + 1] - areas[index], communes)
        entries.append(
            HistoryEntry(
                record=record,
                changes=[
                    Change(
                        str(labels.get(change.field, change.field)),
                        _display(change.field, change.old, related),
                        _display(change.field, change.new, related),
                    )
                    for change in changes
                ],
                area_added=area_added,
                area_removed=area_removed,
                is_creation=is_creation,
                is_current=first_is_current and index == 0,
            )
        )
    return entries


def _communes(pks: Iterable[str], communes: dict[str, Commune]) -> list[Commune]:
    return sorted(
        (communes[pk] for pk in pks if pk in communes), key=lambda c: sort_key(c.name)
    )
