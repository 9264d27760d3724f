"""Organisations: list and search, read, create, change, archive and restore."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_auth import api_user
from lib.api import Id, IdsFirstPagination, VersionIn, blank_none, not_null
from lib.paging import PagedRows
from lib.problems import problems
from register import services
from register.access import (
    can_archive_organisation,
    can_create_organisation,
    can_read_register,
    get_organisation_for_user,
)
from register.models import (
    Organisation,
)
from register.refs import RegisterRefs
from register.schemas import (
    OrganisationFiltersIn,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
)
from register.selectors import (
    OrganisationFilters,
    add_area_codes,
    organisation_pages,
    organisation_rows,
)
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    Sector,
    Term,
)
from territory.models import Commune
from territory.selectors import commune_successor_nis

router = Router()

# Organisations

ORGANISATION_TEXT = (
    "name_fr",
    "name_nl",
    "name_de",
    "acronym",
    "enterprise_number",
    "external_id",
    "street",
    "postal_code",
    "website",
    "email",
    "phone",
    "description",
)
ORGANISATION_TERMS: dict[str, type[Term]] = {
    "level": InstitutionalLevel,
    "sector": Sector,
    "actor_type": ActorType,
}


AREA_PREFETCH = Prefetch(
    "area_communes", queryset=Commune.objects.only("nis").order_by("nis")
)


def _organisations() -> QuerySet[Organisation]:
    return Organisation.objects.select_related(
        "level", "sector", "actor_type"
    ).prefetch_related(AREA_PREFETCH)


def organisation_out(organisation: Organisation) -> OrganisationOut:
    return OrganisationOut.from_orm(_organisations().get(pk=organisation.pk))


def _organisation_fields(
    refs: RegisterRefs, data: dict[str, Any], current: Organisation | None = None
) -> dict[str, Any]:
    data = {
        name: value
        for name, value in data.items()
        if name not in {"version", "area_communes", "area_territories"}
    }
    blank_none(data, ORGANISATION_TEXT)
    not_null(refs, data, ["name", "published", *ORGANISATION_TERMS])
    for name, model in ORGANISATION_TERMS.items():
        if data.get(name) is not None:
            data[name] = refs.term(model, name, data[name])
    if "parent" in data:
        data["parent"] = refs.organisation("parent", data["parent"])
    if "commune" in data:
        data["commune"] = refs.commune("commune", data["commune"])
        if current is not None and "postal_code" not in data:
            # Checked against the postal code it keeps.
            data["postal_code"] = current.postal_code
    if data.get("languages") is not None:
        data["languages"] = refs.languages("languages", data["languages"])
    elif "languages" in data:
        data["languages"] = []
    return data


def _organisation_area(
    refs: RegisterRefs, data: dict[str, Any], current: Organisation | None = None
) -> list[Commune] | None:
    """The area asked for, or None to keep the current one."""
    communes = data.get("area_communes")
    territories = data.get("area_territories")
    if communes is None and territories is None:
        return None if current is not None else []
    if communes is not None:
        area = refs.communes("area_communes", communes)
    elif current is not None:
        area = list(current.area_communes.defer("boundary"))
    else:
        area = []
    area += refs.territory_communes("area_territories", territories or [])
    return list({commune.pk: commune for commune in area}.values())


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **problems(401, 422)},
    operation_id="register_organisation_list",
    summary="List and search organisations",
)
@paginate(IdsFirstPagination)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFiltersIn]
) -> PagedRows[Organisation]:
    """The filters of the register's list page; a territory filter means 'serves
    it': operates there or runs a service there."""
    api_user(request, may=can_read_register)
    commune = filters.commune
    if commune:
        commune = commune_successor_nis(commune) or commune
    return organisation_pages(
        OrganisationFilters(
            q=filters.q,
            level=filters.level,
            sector=filters.sector,
            actor_type=filters.actor_type,
            theme=filters.theme,
            target_group=filters.target_group,
            province=filters.province,
            arrondissement=filters.arrondissement,
            commune=commune,
            language=filters.language,
            status=filters.status,
            sort=filters.sort,
        ),
        organisation_rows()
        .select_related(None)
        .select_related("level", "sector", "actor_type"),
        add_area_codes,
    )


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **problems(401, 404)},
    operation_id="register_organisation_detail",
    summary="One organisation",
)
def get_organisation(request: HttpRequest, organisation_id: Id) -> Organisation:
    organisation = get_organisation_for_user(api_user(request), organisation_id)
    prefetch_related_objects([organisation], AREA_PREFETCH)
    return organisation


@router.post(
    "/organisations",
    response={201: OrganisationOut, **problems(401, 403, 422)},
    operation_id="register_organisation_create",
    summary="Create an organisation (coordinators)",
)
def create_organisation(
    request: HttpRequest, payload: OrganisationIn
) -> Status[OrganisationOut]:
    user = api_user(request)
    if not can_create_organisation(user):
        raise PermissionDenied
    refs = RegisterRefs(user)
    data = payload.model_dump()
    fields = _organisation_fields(refs, data)
    area = _organisation_area(refs, data) or []
    refs.check()
    organisation = services.organisation_create(
        by=user, fields=fields, area_communes=area
    )
    return Status(201, organisation_out(organisation))


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **problems(401, 403, 404, 409, 422)},
    operation_id="register_organisation_update",
    summary="Change an organisation (coordinators, its focal points)",
)
def update_organisation(
    request: HttpRequest, organisation_id: Id, payload: OrganisationPatch
) -> OrganisationOut:
    user = api_user(request)
    organisation = get_organisation_for_user(user, organisation_id, write=True)
    refs = RegisterRefs(user)
    data = payload.model_dump(exclude_unset=True)
    fields = _organisation_fields(refs, data, organisation)
    area = _organisation_area(refs, data, organisation)
    refs.check()
    organisation = services.organisation_update(
        organisation_id=organisation.pk,
        by=user,
        expected_version=payload.version,
        fields=fields,
        area_communes=area,
    )
    return organisation_out(organisation)


def _set_status(
    request: HttpRequest,
    organisation_id: int,
    version: int,
    change: Callable[..., Organisation],
) -> OrganisationOut:
    user = api_user(request)
    organisation = get_organisation_for_user(user, organisation_id, write=True)
    if not can_archive_organisation(user):
        raise PermissionDenied
    organisation = change(
        organisation_id=organisation.pk, by=user, expected_version=version
    )
    return organisation_out(organisation)


@router.post(
    "/organisations/{organisation_id}/archive",
    response={200: OrganisationOut, **problems(401, 403, 404, 409)},
    operation_id="register_organisation_archive",
    summary="Archive an organisation (coordinators); it stays where referenced",
)
def archive_organisation(
    request: HttpRequest, organisation_id: Id, payload: VersionIn
) -> OrganisationOut:
    return _set_status(
        request, organisation_id, payload.version, services.organisation_archive
    )


@router.post(
    "/organisations/{organisation_id}/restore",
    response={200: OrganisationOut, **problems(401, 403, 404, 409)},
    operation_id="register_organisation_restore",
    summary="Restore an archived organisation (coordinators)",
)
def restore_organisation(
    request: HttpRequest, organisation_id: Id, payload: VersionIn
) -> OrganisationOut:
    return _set_status(
        request, organisation_id, payload.version, services.organisation_restore
    )
