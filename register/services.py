"""Writes to the register. The HTML views and the API call these same functions.

Every function validates before it writes (a ValidationError names the fields),
runs in one transaction, records who made the change in history, and refuses a
stale `version` with VersionConflict instead of overwriting someone else's edit.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from lib import reasons
from lib.versioning import (
    assign,
    check_version,
    history_mark,
    history_paused,
    history_record_many,
    history_squash,
    save_with_history,
)
from register.models import (
    CURRENT_SERVICE_STATUSES,
    Assessment,
    CommuneOffer,
    Contact,
    Membership,
    Organisation,
    OrganisationCount,
    Relation,
    Service,
    ServiceCommune,
    ServiceCount,
)
from register.rules import (
    check_active,
    check_dates,
    check_enterprise_number,
    check_enterprise_number_free,
    check_not_own_parent,
    check_not_self_related,
    check_parent_active,
    check_postal_code,
    check_subtheme,
)
from register.search import organisation_search_text, service_search_text
from register.validators import normalise_enterprise_number
from taxonomy.models import Theme
from territory.models import Commune, PostalCode


def _save(obj: Any, *, by: User | None, reason: str = "") -> None:
    save_with_history(obj, by=by, reason=reason)


# Organisations


# Counts kept for reading: what the pages would otherwise count at each visit,
# counted again by every write that changes them (see OrganisationCount and
# CommuneOffer). `register_counts_recount` counts everything from scratch.


def organisation_counts_add(changes: Mapping[str, int]) -> None:
    """Add to the organisations counted by status (a negative number takes away)."""
    _counts_add(OrganisationCount, changes, organisation_counts_recount)


def service_counts_add(changes: Mapping[str, int]) -> None:
    """Add to the services of organisations not archived counted by status."""
    _counts_add(ServiceCount, changes, service_counts_recount)


def _counts_add(
    counts: type[OrganisationCount | ServiceCount],
    changes: Mapping[str, int],
    recount: Callable[[], None],
) -> None:
    for status, change in changes.items():
        if change and not counts.objects.filter(status=status).update(
            count=F("count") + change
        ):
            recount()
            return


def service_counts_recount() -> None:
    """Count the services of organisations not archived by status from scratch."""
    list(ServiceCount.objects.select_for_update().values_list("pk", flat=True))
    counted = _service_statuses(
        Service.objects.exclude(organisation__status=Organisation.Status.ARCHIVED)
    )
    for status in Service.Status.values:
        ServiceCount.objects.update_or_create(
            status=status, defaults={"count": counted.get(status, 0)}
        )


def _service_statuses(services: QuerySet[Service]) -> Counter[str]:
    """How many of `services` have each status."""
    return Counter(
        dict(
            services.order_by()
            .values_list("status")
            .annotate(count=Count("pk"))
            .values_list("status", "count")
        )
    )


def _services_counted(organisation_ids: Iterable[int], sign: int) -> None:
    """Count the services of organisations archived (-1) or restored (+1)."""
    counted = _service_statuses(
        Service.objects.filter(organisation__in=organisation_ids)
    )
    service_counts_add({status: sign * count for status, count in counted.items()})


def organisation_counts_recount() -> None:
    """Count the organisations by status from scratch."""
    # Wait for the writes that add to the counts to end, then count.
    list(OrganisationCount.objects.select_for_update().values_list("pk", flat=True))
    counted = dict(
        Organisation.objects.order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    for status in Organisation.Status.values:
        OrganisationCount.objects.update_or_create(
            status=status, defaults={"count": counted.get(status, 0)}
        )


type OfferKey = tuple[str, int]  # (commune, theme)


def _offer_lookup(keys: Iterable[OfferKey]) -> Q:
    """The rows of these communes × themes, as one lookup per theme."""
    communes: dict[int, set[str]] = defaultdict(set)
    for commune, theme in keys:
        communes[theme].add(commune)
    lookup = Q(pk__in=[])
    for theme, names in communes.items():
        lookup |= Q(theme_id=theme, commune_id__in=sorted(names))
    return lookup


def offer_keys(
    *, organisation_ids: Iterable[int] = (), service_ids: Iterable[int] = ()
) -> set[OfferKey]:
    """The communes × themes these organisations' or services' offer counts in."""
    return set(
        ServiceCommune.objects.filter(
            Q(organisation_id__in=list(organisation_ids))
            | Q(service_id__in=list(service_ids))
        )
        .order_by()
        .values_list("commune_id", "theme_id")
        .distinct()
    )


def _lock_offers(communes: Iterable[str] | None) -> None:
    """Make the writers that count these communes' offer (all when None) take
    turns until this transaction ends, so that each counts what the one before
    committed. The commune rows are locked without blocking what refers to them
    (FOR NO KEY UPDATE; SQLite writes one transaction at a time anyway)."""
    locked = Commune.objects.select_for_update(no_key=True).order_by("pk")
    if communes is not None:
        locked = locked.filter(pk__in=sorted(set(communes)))
    list(locked.values_list("pk", flat=True))


def commune_offers_recount(keys: Iterable[OfferKey] | None = None) -> None:
    """Count again the services and organisations on offer in these communes ×
    themes (all of them when None), from the service × commune rows of active
    organisations."""
    rows = ServiceCommune.objects.exclude(
        organisation_id__in=Organisation.objects.filter(
            status=Organisation.Status.ARCHIVED
        ).values("pk")
    )
    stored = CommuneOffer.objects.all()
    if keys is not None:
        keys = set(keys)
        if not keys:
            return
        rows = rows.filter(_offer_lookup(keys))
        stored = stored.filter(_offer_lookup(keys))
    _lock_offers(None if keys is None else {commune for commune, _ in keys})
    current = Q(service__status__in=CURRENT_SERVICE_STATUSES)
    counted = (
        rows.order_by()
        .values("commune_id", "theme_id")
        .annotate(
            services=Count("pk", filter=current),
            organisations=Count("organisation_id", distinct=True, filter=current),
            ended=Count("pk", filter=~current),
        )
    )
    fresh = [CommuneOffer(**row) for row in counted]
    stored.delete()
    CommuneOffer.objects.bulk_create(fresh, batch_size=MANY_CHUNK)


def _commune_offers_add(rows: Sequence[ServiceCommune]) -> None:
    """Count in new service × commune rows of active organisations, before they
    are written (each with its `service`): the organisations already there with
    a current service in a theme are not counted twice."""
    if not rows:
        return
    keys = {(row.commune_id, row.theme_id) for row in rows}
    _lock_offers({commune for commune, _ in keys})
    current = [row for row in rows if row.service.status in CURRENT_SERVICE_STATUSES]
    there = set(
        ServiceCommune.objects.filter(
            organisation_id__in={row.organisation_id for row in current},
            service__status__in=CURRENT_SERVICE_STATUSES,
        )
        .order_by()
        .values_list("commune_id", "theme_id", "organisation_id")
        .distinct()
    )
    services = Counter((row.commune_id, row.theme_id) for row in current)
    new = {(row.commune_id, row.theme_id, row.organisation_id) for row in current}
    organisations = Counter((commune, theme) for commune, theme, _ in new - there)
    ended = Counter(
        (row.commune_id, row.theme_id)
        for row in rows
        if row.service.status not in CURRENT_SERVICE_STATUSES
    )
    stored = {
        (offer.commune_id, offer.theme_id): offer
        for offer in CommuneOffer.objects.filter(
            theme_id__in={theme for _, theme in keys},
            commune_id__in={commune for commune, _ in keys},
        )
    }
    offers = []
    for key in keys:
        offer = stored.get(key) or CommuneOffer()
        offers.append(
            CommuneOffer(
                commune_id=key[0],
                theme_id=key[1],
                services=offer.services + services[key],
                organisations=offer.organisations + organisations[key],
                ended=offer.ended + ended[key],
            )
        )
    CommuneOffer.objects.bulk_create(
        offers,
        update_conflicts=True,
        unique_fields=["commune", "theme"],
        update_fields=["services", "organisations", "ended"],
        batch_size=MANY_CHUNK,
    )


@transaction.atomic
def register_counts_recount() -> None:
    """Count everything the register keeps counted from scratch: after writes
    that went around the services (an import, the admin)."""
    organisation_counts_recount()
    service_counts_recount()
    commune_offers_recount()


def postal_code_commune(postal_code: str, commune: Commune | None = None) -> Commune:
    """The commune of a postal code; with two candidates, the one given must be one."""
    candidates = list(
        Commune.objects.filter(
            pk__in=PostalCode.objects.filter(code=postal_code).values("commune_id")
        )
    )
    return check_postal_code(
        postal_code=postal_code, commune=commune, candidates=candidates
    )


def _clean_organisation_fields(
    fields: dict[str, Any], current: Organisation | None = None
) -> dict[str, Any]:
    fields = dict(fields)
    if fields.get("postal_code"):
        fields["commune"] = postal_code_commune(
            fields["postal_code"], fields.get("commune")
        )
    elif "postal_code" in fields:
        fields["commune"] = fields.get("commune")
    parent = fields.get("parent")
    # A parent archived later does not block other edits; choosing one does.
    kept = current is not None and parent is not None and current.parent_id == parent.pk
    if parent is not None:
        check_parent_active(archived=parent.is_archived, kept=kept)
    if "enterprise_number" in fields:
        fields["enterprise_number"] = check_enterprise_number(
            fields["enterprise_number"] or ""
        )
    return fields


# Deeper than any real hierarchy (a federation, its members, their antennas).
MAX_PARENT_DEPTH = 50


def _check_no_parent_cycle(organisation: Organisation) -> None:
    """Refuse a parent that is one of the organisation's own descendants (A → B →
    A): the hierarchy is walked up from the new parent, one query per level."""
    seen = {organisation.pk}
    parent_id = organisation.parent_id
    for _level in range(MAX_PARENT_DEPTH):
        if parent_id is None:
            return
        if parent_id in seen:
            raise ValidationError(
                {
                    "parent": _(
                        "Cette organisation est déjà, directement ou non, parente "
                        "de celle choisie : le rattachement formerait une boucle."
                    )
                }
            )
        seen.add(parent_id)
        parent_id = (
            Organisation.objects.filter(pk=parent_id)
            .values_list("parent_id", flat=True)
            .first()
        )


def _check_enterprise_number_free(organisation: Organisation) -> None:
    # The unique constraint alone would give a message naming no field.
    number = organisation.enterprise_number
    if not number:
        return
    others = Organisation.objects.filter(enterprise_number=number).exclude(
        pk=organisation.pk
    )
    check_enterprise_number_free(number=number, taken=others.exists())


def organisation_reindex(*, organisation_ids: Iterable[int]) -> None:
    """Recompute the search text of organisations from their names and services."""
    ids = list(organisation_ids)
    _reindex_organisations(ids)
    changed = []
    for service in (
        Service.objects.filter(organisation_id__in=ids)
        .select_related("organisation")
        .only(
            "title",
            "description",
            "search_text",
            "organisation__name",
            "organisation__acronym",
        )
    ):
        text = service_search_text(service, service.organisation)
        if text != service.search_text:
            service.search_text = text
            changed.append(service)
    Service.objects.bulk_update(changed, ["search_text"], batch_size=500)


def _reindex_organisations(ids: list[int]) -> None:
    """The organisations' part of organisation_reindex (services_create_many
    indexes its new services itself)."""
    services: dict[int, list[str]] = {pk: [] for pk in ids}
    for organisation_id, title, description in Service.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "title", "description"):
        services[organisation_id] += [title, description]
    stale = []
    for organisation in Organisation.objects.filter(pk__in=ids).only(
        "name", "name_fr", "name_nl", "name_de", "acronym", "search_text"
    ):
        text = organisation_search_text(organisation, services[organisation.pk])
        if text != organisation.search_text:
            organisation.search_text = text
            stale.append(organisation)
    # One statement each for the organisations and their services, however many
    # an import touched.
    Organisation.objects.bulk_update(stale, ["search_text"], batch_size=500)


@transaction.atomic
def organisation_create(
    *,
    by: User,
    fields: Mapping[str, Any],
    area_communes: Iterable[Commune] = (),
) -> Organisation:
    organisation = Organisation(**_clean_organisation_fields(dict(fields)))
    _check_enterprise_number_free(organisation)
    _save(organisation, by=by, reason=reasons.reason(reasons.CREATED))
    organisation.area_communes.set(list(area_communes))
    history_squash(organisation, 0)
    organisation_counts_add({organisation.status: 1})
    organisation_reindex(organisation_ids=[organisation.pk])
    organisation.refresh_from_db()
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation_id: int,
    by: User,
    expected_version: int | None,
    fields: Mapping[str, Any],
    area_communes: Iterable[Commune] | None = None,
    reason: str = "",
) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    check_version(organisation, expected_version)
    status = organisation.status
    changed = assign(
        organisation, _clean_organisation_fields(dict(fields), organisation)
    )
    check_not_own_parent(
        organisation_id=organisation.pk, parent_id=organisation.parent_id
    )
    if "parent" in changed:
        _check_no_parent_cycle(organisation)
    area = None if area_communes is None else list(area_communes)
    new_area = None if area is None else {commune.pk for commune in area}
    old_area = (
        None
        if new_area is None
        else set(organisation.area_communes.values_list("pk", flat=True))
    )
    if changed or new_area != old_area:
        organisation.version += 1
        if "enterprise_number" in changed:
            _check_enterprise_number_free(organisation)
        if new_area is not None and old_area is not None and new_area != old_area:
            _set_area(organisation, old=old_area, new=new_area)
        # The service checked the constraints (own parent, enterprise number).
        save_with_history(
            organisation,
            by=by,
            reason=reason or reasons.reason(reasons.UPDATED),
            update_fields=changed,
            validate_constraints=False,
        )
        _count_status_change(organisation, was=status)
        names = {"name", "name_fr", "name_nl", "name_de", "acronym"}
        if names & set(changed):
            # The stored search text changes; the returned object keeps the old.
            organisation_reindex(organisation_ids=[organisation.pk])
    return organisation


def _set_area(organisation: Organisation, *, old: set[str], new: set[str]) -> None:
    """Write the area's difference in two statements, without a history row of
    its own: the organisation's save that follows records the area."""
    through = Organisation.area_communes.through
    with history_paused(organisation):
        if old - new:
            through.objects.filter(
                organisation=organisation, commune_id__in=old - new
            ).delete()
        through.objects.bulk_create(
            [through(organisation=organisation, commune_id=nis) for nis in new - old]
        )


def _set_status(
    organisation_id: int, *, by: User, expected_version: int | None, status: str
) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    check_version(organisation, expected_version)
    if organisation.status != status:
        was = organisation.status
        organisation.status = status
        organisation.version += 1
        reason = reasons.reason(
            reasons.ARCHIVED
            if status == Organisation.Status.ARCHIVED
            else reasons.RESTORED
        )
        _save(organisation, by=by, reason=reason)
        _count_status_change(organisation, was=was)
    return organisation


def _count_status_change(organisation: Organisation, *, was: str) -> None:
    """Count an organisation that changed status under its new one, and count
    its services in or out of its communes' offer."""
    if organisation.status == was:
        return
    organisation_counts_add({was: -1, organisation.status: 1})
    archived = Organisation.Status.ARCHIVED
    if archived in (was, organisation.status):
        _services_counted(
            [organisation.pk], -1 if organisation.status == archived else 1
        )
    commune_offers_recount(offer_keys(organisation_ids=[organisation.pk]))


@transaction.atomic
def organisation_archive(
    *, organisation_id: int, by: User, expected_version: int | None = None
) -> Organisation:
    """Archive instead of deleting: the organisation stays on what refers to it."""
    return _set_status(
        organisation_id,
        by=by,
        expected_version=expected_version,
        status=Organisation.Status.ARCHIVED,
    )


@transaction.atomic
def organisation_restore(
    *, organisation_id: int, by: User, expected_version: int | None = None
) -> Organisation:
    return _set_status(
        organisation_id,
        by=by,
        expected_version=expected_version,
        status=Organisation.Status.ACTIVE,
    )


REVERTIBLE_FIELDS = (
    "name",
    "name_fr",
    "name_nl",
    "name_de",
    "acronym",
    "enterprise_number",
    "external_id",
    "level_id",
    "sector_id",
    "actor_type_id",
    "parent_id",
    "street",
    "postal_code",
    "commune_id",
    "website",
    "email",
    "phone",
    "languages",
    "description",
    "status",
    "published",
)


@transaction.atomic
def organisation_revert(
    *, organisation_id: int, history_id: int, by: User
) -> Organisation:
    """Bring back the fields and area of a former version, as a new version."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    record = organisation.history.filter(history_id=history_id).first()
    mark = history_mark(organisation)
    if record is None:
        raise ValidationError(_("Cette version n'existe pas pour cette organisation."))
    status = organisation.status
    changed = assign(
        organisation, {name: getattr(record, name) for name in REVERTIBLE_FIELDS}
    )
    area = [row.commune for row in record.area_communes.select_related("commune")]
    area_changed = {commune.pk for commune in area} != set(
        organisation.area_communes.values_list("pk", flat=True)
    )
    if changed or area_changed:
        organisation.version += 1
        _save(organisation, by=by, reason=reasons.reverted_reason(record.history_date))
        if area_changed:
            organisation.area_communes.set(area)
        history_squash(organisation, mark)
        _count_status_change(organisation, was=status)
        organisation_reindex(organisation_ids=[organisation.pk])
    return organisation


# Memberships


@transaction.atomic
def membership_add(*, user: User, organisation: Organisation) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation
    )
    return membership


@transaction.atomic
def membership_remove(*, user: User, organisation: Organisation) -> None:
    Membership.objects.filter(user=user, organisation=organisation).delete()


# Contacts


def _check_active(organisation: Organisation, field: str = "organisation") -> None:
    check_active(
        organisation=organisation, archived=organisation.is_archived, field=field
    )


@transaction.atomic
def contact_create(*, by: User, fields: Mapping[str, Any]) -> Contact:
    contact = Contact(**fields)
    _check_active(contact.organisation)
    _save(contact, by=by, reason=reasons.reason(reasons.CREATED))
    return contact


@transaction.atomic
def contact_update(
    *,
    contact_id: int,
    by: User,
    expected_version: int | None,
    fields: Mapping[str, Any],
) -> Contact:
    contact = Contact.objects.select_for_update().get(pk=contact_id)
    check_version(contact, expected_version)
    if assign(contact, fields):
        contact.version += 1
        _save(contact, by=by, reason=reasons.reason(reasons.UPDATED))
    return contact


@transaction.atomic
def contact_erase(*, contact_id: int, by: User) -> None:
    """Erase a contact person and the personal data in their history (GDPR)."""
    Contact.objects.filter(pk=contact_id).delete()
    # The deletion itself wrote one more history row: erase the whole trail.
    Contact.history.filter(id=contact_id).delete()


# Services


def _check_service_references(
    service: Service, funders: Iterable[Organisation], kept: Iterable[int] = ()
) -> None:
    """Refuse an archived organisation or funder, except funders already there
    (`kept` ids): archiving a funder must not make its services impossible to
    edit."""
    _check_active(service.organisation)
    already = set(kept)
    for funder in funders:
        if funder.pk not in already:
            _check_active(funder, "funders")
    check_subtheme(
        theme_id=service.theme_id,
        subtheme_id=service.subtheme_id,
        subtheme_parent_id=(
            service.subtheme.parent_id if service.subtheme is not None else None
        ),
    )
    check_dates(start_date=service.start_date, end_date=service.end_date)


def service_commune(service: Service, commune_id: str) -> ServiceCommune:
    """A new service × commune row, with its service's keys (see ServiceCommune)."""
    return ServiceCommune(
        service=service,
        commune_id=commune_id,
        theme_id=service.theme_id,
        organisation_id=service.organisation_id,
    )


def service_communes_align(*, service_ids: Iterable[int]) -> None:
    """Copy the theme and organisation of these services onto their service ×
    commune rows, in one statement: after a write that may have changed them."""
    service = Service.objects.filter(pk=OuterRef("service_id"))
    ServiceCommune.objects.filter(service_id__in=list(service_ids)).update(
        theme_id=Subquery(service.values("theme_id")[:1]),
        organisation_id=Subquery(service.values("organisation_id")[:1]),
    )


def _set_service_relations(
    service: Service,
    *,
    communes: Iterable[Commune] | None,
    target_groups: Iterable[Any] | None,
    funders: Iterable[Organisation] | None,
    new: bool = False,
) -> None:
    """Set a service's communes, target groups and funders (those not None). A
    `new` service's communes are counted into their offer here; a changed one's
    are counted again by service_update."""
    if communes is not None:
        wanted = {commune.pk for commune in communes}
        current = (
            set()
            if new
            else set(service.service_communes.values_list("commune_id", flat=True))
        )
        if current - wanted:
            ServiceCommune.objects.filter(
                service=service, commune_id__in=current - wanted
            ).delete()
        added = [service_commune(service, pk) for pk in wanted - current]
        if new:
            _commune_offers_add(added)
        ServiceCommune.objects.bulk_create(added)
    if target_groups is not None:
        service.target_groups.set(list(target_groups))
    if funders is not None:
        service.funders.set(list(funders))


@transaction.atomic
def service_create(
    *,
    by: User,
    fields: Mapping[str, Any],
    communes: Iterable[Commune] = (),
    target_groups: Iterable[Any] = (),
    funders: Iterable[Organisation] = (),
    reason: str = "",
) -> Service:
    service = Service(**fields)
    funders = list(funders)
    _check_service_references(service, funders)
    _save(service, by=by, reason=reason or reasons.reason(reasons.CREATED))
    _set_service_relations(
        service,
        communes=communes,
        target_groups=target_groups,
        funders=funders,
        new=True,
    )
    history_squash(service, 0)
    # A service is only written for an active organisation
    # (_check_service_references): it counts.
    service_counts_add({service.status: 1})
    organisation_reindex(organisation_ids=[service.organisation_id])
    service.refresh_from_db()
    return service


@transaction.atomic
def service_update(
    *,
    service_id: int,
    by: User,
    expected_version: int | None,
    fields: Mapping[str, Any],
    communes: Iterable[Commune] | None = None,
    target_groups: Iterable[Any] | None = None,
    funders: Iterable[Organisation] | None = None,
    reason: str = "",
) -> Service:
    service = Service.objects.select_for_update().get(pk=service_id)
    check_version(service, expected_version)
    mark = history_mark(service)
    keys = (service.theme_id, service.organisation_id, service.status)
    offered = offer_keys(service_ids=[service.pk])
    assign(service, fields)
    funders = None if funders is None else list(funders)
    _check_service_references(
        service, funders or [], kept=service.funders.values_list("pk", flat=True)
    )
    service.version += 1
    _save(service, by=by, reason=reason or reasons.reason(reasons.UPDATED))
    if (service.theme_id, service.organisation_id) != keys[:2]:
        ServiceCommune.objects.filter(service=service).update(
            theme_id=service.theme_id, organisation_id=service.organisation_id
        )
    _set_service_relations(
        service, communes=communes, target_groups=target_groups, funders=funders
    )
    if service.status != keys[2]:
        # Both organisations are active (_check_service_references, and a
        # service of an archived organisation is not updated): only its status
        # moves it between counts.
        service_counts_add({keys[2]: -1, service.status: 1})
    if (
        communes is not None
        or (
            service.theme_id,
            service.organisation_id,
            service.status,
        )
        != keys
    ):
        commune_offers_recount(offered | offer_keys(service_ids=[service.pk]))
    history_squash(service, mark)
    organisation_reindex(organisation_ids=[service.organisation_id])
    service.refresh_from_db()
    return service


@transaction.atomic
def service_delete(*, service_id: int, by: User) -> None:
    service = Service.objects.get(pk=service_id)
    organisation_id = service.organisation_id
    offered = offer_keys(service_ids=[service.pk])
    service._history_user = by  # type: ignore[attr-defined]
    service.delete()
    commune_offers_recount(offered)
    organisation_reindex(organisation_ids=[organisation_id])


# Relations


def _check_not_duplicate(*, duplicate: bool) -> None:
    if duplicate:
        raise ValidationError(
            {"type": _("Cette relation existe déjà entre ces deux organisations.")}
        )


def _check_relation(relation: Relation) -> None:
    check_not_self_related(source=relation.source_id, target=relation.target_id)
    _check_active(relation.source, "source")
    _check_active(relation.target, "target")
    duplicate = Relation.objects.filter(
        source_id=relation.source_id,
        target_id=relation.target_id,
        type=relation.type_id,
    ).exclude(pk=relation.pk)
    _check_not_duplicate(duplicate=duplicate.exists())


@transaction.atomic
def relation_create(
    *,
    by: User,
    fields: Mapping[str, Any],
    themes: Iterable[Any] = (),
    reason: str = "",
) -> Relation:
    relation = Relation(**fields)
    _check_relation(relation)
    _save(relation, by=by, reason=reason or reasons.reason(reasons.CREATED))
    relation.themes.set(list(themes))
    history_squash(relation, 0)
    return relation


@transaction.atomic
def relation_update(
    *,
    relation_id: int,
    by: User,
    expected_version: int | None,
    fields: Mapping[str, Any],
    themes: Iterable[Any] | None = None,
) -> Relation:
    relation = Relation.objects.select_for_update().get(pk=relation_id)
    check_version(relation, expected_version)
    mark = history_mark(relation)
    assign(relation, fields)
    _check_relation(relation)
    relation.version += 1
    _save(relation, by=by, reason=reasons.reason(reasons.UPDATED))
    if themes is not None:
        relation.themes.set(list(themes))
    history_squash(relation, mark)
    return relation


@transaction.atomic
def relation_delete(*, relation_id: int, by: User) -> None:
    relation = Relation.objects.get(pk=relation_id)
    relation._history_user = by  # type: ignore[attr-defined]
    relation.delete()


# Assessments


@transaction.atomic
def assessment_create(*, by: User, fields: Mapping[str, Any]) -> Assessment:
    """Record a new assessment; earlier ones stay as the series."""
    assessment = Assessment(author=by, **fields)
    _check_active(assessment.organisation)
    assessment.full_clean()
    assessment.save()
    return assessment


# Many at once


class ManyInvalid(ValidationError):
    """An object given to a `…_create_many` service breaks a rule; nothing was
    written. `index` is its position among the objects given."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(error)
        self.index = index


@dataclass(frozen=True)
class NewOrganisation:
    """An organisation for organisations_create_many: `fields` as
    organisation_create takes them (foreign keys as objects or as ids,
    `level_id`), its area as commune codes."""

    fields: Mapping[str, Any]
    area_communes: Sequence[str] = ()


@dataclass(frozen=True)
class NewService:
    """A service for services_create_many: `fields` as service_create takes them,
    its communes, target groups and funders as ids."""

    fields: Mapping[str, Any]
    communes: Sequence[str] = ()
    target_groups: Sequence[int] = ()
    funders: Sequence[int] = ()


@dataclass(frozen=True)
class NewRelation:
    """A relation for relations_create_many: `fields` as relation_create takes
    them, its themes as ids."""

    fields: Mapping[str, Any]
    themes: Sequence[int] = ()


# Objects checked, written and recorded in history at a time.
MANY_CHUNK = 2000


def _chunks[T](items: Sequence[T]) -> Iterator[tuple[int, Sequence[T]]]:
    for start in range(0, len(items), MANY_CHUNK):
        yield start, items[start : start + MANY_CHUNK]


class _Fields:
    """What full_clean checks of each field, for objects of one model checked
    together: the ids their foreign keys point to are looked up once for all,
    one query per model pointed to (a relation's source, target and declarer
    together), not once per object and key. The model's constraints are left
    to the rules the services apply."""

    def __init__(self, objects: Sequence[models.Model]) -> None:
        self.keys: list[Any] = []
        self.known: dict[Any, set[Any]] = {}
        self.plain: list[str] = []
        if not objects:
            return
        meta = objects[0]._meta
        self.keys = [field for field in meta.concrete_fields if field.many_to_one]
        self.plain = [
            field.name for field in meta.concrete_fields if not field.many_to_one
        ]
        wanted: dict[Any, set[Any]] = defaultdict(set)
        for key in self.keys:
            wanted[self._target(key)] |= {getattr(obj, key.attname) for obj in objects}
        for (model, attname), values in wanted.items():
            self.known[model, attname] = set(
                model._base_manager.filter(
                    **{f"{attname}__in": values - {None}}
                ).values_list(attname, flat=True)
            )

    @staticmethod
    def _target(key: Any) -> tuple[Any, str]:
        return key.related_model, key.target_field.attname

    def check(self, obj: models.Model) -> None:
        obj.clean_fields(exclude=[key.name for key in self.keys])
        for key in self.keys:
            value = getattr(obj, key.attname)
            if value not in self.known[self._target(key)] and (
                value is not None or not key.blank
            ):
                # The model's own message for a missing or unknown one (and its
                # query, for this object only).
                obj.clean_fields(exclude=self.plain)


def _archived() -> set[int]:
    """The ids of the archived organisations: few, read from their own index once
    per bulk write, rather than the status of every organisation referred to."""
    return set(
        Organisation.objects.filter(status=Organisation.Status.ARCHIVED).values_list(
            "pk", flat=True
        )
    )


def _check_active_many(archived: set[int], pk: int | None, field: str) -> None:
    """check_active for an organisation known by id; its name, for the message,
    is read only when it is archived."""
    if pk in archived:
        check_active(
            organisation=Organisation.objects.get(pk=pk), archived=True, field=field
        )


# Rows of a many-to-many field per INSERT statement (10,000 parameters).
LINKS_PER_INSERT = 5000


def _insert_links(
    model: type[models.Model], attribute: str, rows: Iterable[tuple[Any, Any]]
) -> None:
    """Add the rows (object id, other id) of a many-to-many field, many per
    INSERT: no model instance for each, as the importer writes them."""
    field: Any = model._meta.get_field(attribute)
    through = field.remote_field.through._meta
    own = through.get_field(field.m2m_field_name()).column
    other = through.get_field(field.m2m_reverse_field_name()).column
    quote = connection.ops.quote_name
    values = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(values), LINKS_PER_INSERT):
            batch = values[start : start + LINKS_PER_INSERT]
            cursor.execute(
                f"INSERT INTO {quote(through.db_table)} "  # noqa: S608
                f"({quote(own)}, {quote(other)}) "
                f"VALUES {', '.join(['(%s, %s)'] * len(batch))}",
                [value for row in batch for value in row],
            )


@transaction.atomic
def organisations_create_many(
    *,
    by: User | None,
    organisations: Sequence[NewOrganisation],
    reason: str = "",
    batch_size: int | None = None,
) -> list[Organisation]:
    """Create organisations in bulk, each checked as organisation_create checks
    it: the enterprise number normalised, valid and free (in the register and
    among those given), the commune of the postal code, an active parent, then
    every field by the model's own validators; indexed for search by its names.

    A few queries per MANY_CHUNK organisations (bulk_create), one history row
    each (`reason`, by default "Création"; `by` None for data a program made).
    Raises ManyInvalid for the first that breaks a rule, and then writes nothing.
    """
    reason = reason or reasons.reason(reasons.CREATED)
    created: list[Organisation] = []
    seen: set[str] = set()
    archived = _archived()
    for first, chunk in _chunks(organisations):
        objects = [Organisation(**item.fields) for item in chunk]
        candidates: dict[str, list[str]] = {}
        for code, commune in PostalCode.objects.filter(
            code__in={obj.postal_code for obj in objects if obj.postal_code}
        ).values_list("code", "commune_id"):
            candidates.setdefault(code, []).append(commune)
        taken = set(
            Organisation.objects.filter(
                enterprise_number__in={
                    normalise_enterprise_number(obj.enterprise_number)
                    for obj in objects
                    if obj.enterprise_number
                }
            ).values_list("enterprise_number", flat=True)
        )
        fields = _Fields(objects)
        for offset, obj in enumerate(objects):
            try:
                if obj.postal_code:
                    obj.commune_id = check_postal_code(
                        postal_code=obj.postal_code,
                        commune=obj.commune_id,
                        candidates=candidates.get(obj.postal_code, []),
                    )
                check_parent_active(archived=obj.parent_id in archived, kept=False)
                number = check_enterprise_number(obj.enterprise_number or "")
                obj.enterprise_number = number
                if number:
                    check_enterprise_number_free(
                        number=number, taken=number in taken or number in seen
                    )
                    seen.add(number)
                fields.check(obj)
            except ValidationError as error:
                raise ManyInvalid(first + offset, error) from None
            obj.search_text = organisation_search_text(obj, ())
        Organisation.objects.bulk_create(objects, batch_size=batch_size)
        _insert_links(
            Organisation,
            "area_communes",
            (
                (obj.pk, commune)
                for obj, item in zip(objects, chunk, strict=True)
                for commune in dict.fromkeys(item.area_communes)
            ),
        )
        history_record_many(
            Organisation, [obj.pk for obj in objects], by=by, reason=reason
        )
        created += objects
    organisation_counts_add(Counter(obj.status for obj in created))
    return created


@transaction.atomic
def services_create_many(
    *,
    by: User | None,
    services: Sequence[NewService],
    reason: str = "",
    batch_size: int | None = None,
) -> list[Service]:
    """Create services in bulk, each checked as service_create checks it: an
    active organisation and active funders, a sub-theme of the theme, an end
    after the start, then every field by the model's own validators. Services
    and their organisations are indexed for search as service_create does.

    A few queries per MANY_CHUNK services (bulk_create), one history row each
    (`reason`, by default "Création"; `by` None for data a program made), then
    the organisations' search text. Raises ManyInvalid for the first that breaks
    a rule, and then writes nothing.
    """
    reason = reason or reasons.reason(reasons.CREATED)
    created: list[Service] = []
    touched: set[int] = set()
    archived = _archived()
    for first, chunk in _chunks(services):
        objects = [Service(**item.fields) for item in chunk]
        owners = {
            pk: Organisation(pk=pk, name=name, acronym=acronym)
            for pk, name, acronym in Organisation.objects.filter(
                pk__in={obj.organisation_id for obj in objects}
            ).values_list("pk", "name", "acronym")
        }
        parents = dict(
            Theme.objects.filter(
                pk__in={obj.subtheme_id for obj in objects if obj.subtheme_id}
            ).values_list("pk", "parent_id")
        )
        fields = _Fields(objects)
        for offset, (obj, item) in enumerate(zip(objects, chunk, strict=True)):
            try:
                _check_active_many(archived, obj.organisation_id, "organisation")
                for funder in item.funders:
                    _check_active_many(archived, funder, "funders")
                check_subtheme(
                    theme_id=obj.theme_id,
                    subtheme_id=obj.subtheme_id,
                    subtheme_parent_id=(
                        parents.get(obj.subtheme_id) if obj.subtheme_id else None
                    ),
                )
                check_dates(start_date=obj.start_date, end_date=obj.end_date)
                fields.check(obj)
            except ValidationError as error:
                raise ManyInvalid(first + offset, error) from None
            obj.search_text = service_search_text(obj, owners[obj.organisation_id])
        Service.objects.bulk_create(objects, batch_size=batch_size)
        pairs = list(zip(objects, chunk, strict=True))
        rows = [
            service_commune(obj, commune)
            for obj, item in pairs
            for commune in dict.fromkeys(item.communes)
        ]
        _commune_offers_add(rows)
        ServiceCommune.objects.bulk_create(rows, batch_size=batch_size)
        for attribute in ("target_groups", "funders"):
            _insert_links(
                Service,
                attribute,
                (
                    (obj.pk, value)
                    for obj, item in pairs
                    for value in dict.fromkeys(getattr(item, attribute))
                ),
            )
        history_record_many(Service, [obj.pk for obj in objects], by=by, reason=reason)
        touched |= {obj.organisation_id for obj in objects}
        created += objects
    archived = set(
        Organisation.objects.filter(
            pk__in=touched, status=Organisation.Status.ARCHIVED
        ).values_list("pk", flat=True)
    )
    service_counts_add(
        Counter(obj.status for obj in created if obj.organisation_id not in archived)
    )
    ordered = sorted(touched)
    for start in range(0, len(ordered), MANY_CHUNK):
        _reindex_organisations(ordered[start : start + MANY_CHUNK])
    return created


@transaction.atomic
def relations_create_many(
    *,
    by: User | None,
    relations: Sequence[NewRelation],
    reason: str = "",
    batch_size: int | None = None,
) -> list[Relation]:
    """Create relations in bulk, each checked as relation_create checks it: not
    to itself, between active organisations, not already there (in the register
    or among those given), then every field by the model's own validators.

    A few queries per MANY_CHUNK relations (bulk_create), one history row each
    (`reason`, by default "Création"; `by` None for data a program made). Raises
    ManyInvalid for the first that breaks a rule, and then writes nothing.
    """
    reason = reason or reasons.reason(reasons.CREATED)
    created: list[Relation] = []
    seen: set[tuple[int, int, int]] = set()
    archived = _archived()
    for first, chunk in _chunks(relations):
        objects = [Relation(**item.fields) for item in chunk]
        sources = {obj.source_id for obj in objects}
        # By source alone: the unique index answers it at once.
        there = set(
            Relation.objects.filter(source_id__in=sources)
            .order_by()
            .values_list("source_id", "target_id", "type_id")
        )
        fields = _Fields(objects)
        for offset, obj in enumerate(objects):
            triple = (obj.source_id, obj.target_id, obj.type_id)
            try:
                check_not_self_related(source=obj.source_id, target=obj.target_id)
                _check_active_many(archived, obj.source_id, "source")
                _check_active_many(archived, obj.target_id, "target")
                _check_not_duplicate(duplicate=triple in there or triple in seen)
                fields.check(obj)
            except ValidationError as error:
                raise ManyInvalid(first + offset, error) from None
            seen.add(triple)
        Relation.objects.bulk_create(objects, batch_size=batch_size)
        _insert_links(
            Relation,
            "themes",
            (
                (obj.pk, theme)
                for obj, item in zip(objects, chunk, strict=True)
                for theme in dict.fromkeys(item.themes)
            ),
        )
        history_record_many(Relation, [obj.pk for obj in objects], by=by, reason=reason)
        created += objects
    return created


@transaction.atomic
def organisations_archive_many(
    *, by: User | None, organisation_ids: Iterable[int], reason: str = ""
) -> int:
    """Archive organisations in bulk, as organisation_archive archives each: a
    new version and one history row each (`reason`, by default "Archivage").
    Those already archived are left as they are; returns how many were."""
    reason = reason or reasons.reason(reasons.ARCHIVED)
    ids = sorted(
        Organisation.objects.filter(pk__in=set(organisation_ids))
        .exclude(status=Organisation.Status.ARCHIVED)
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), MANY_CHUNK):
        chunk = ids[start : start + MANY_CHUNK]
        Organisation.objects.filter(pk__in=chunk).update(
            status=Organisation.Status.ARCHIVED,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        history_record_many(Organisation, chunk, by=by, reason=reason, kind="~")
    organisation_counts_add(
        {Organisation.Status.ACTIVE: -len(ids), Organisation.Status.ARCHIVED: len(ids)}
    )
    for start in range(0, len(ids), MANY_CHUNK):
        _services_counted(ids[start : start + MANY_CHUNK], -1)
    commune_offers_recount(offer_keys(organisation_ids=ids))
    return len(ids)
