"""Services (4W rows) of organisations."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_auth import api_user
from lib.api import Id, PageNumbers, blank_none, not_null
from lib.problems import problems
from register import services
from register.access import (
    can_read_register,
    get_service_for_user,
)
from register.models import (
    Organisation,
    Service,
    ServiceCommune,
)
from register.refs import RegisterRefs
from register.schemas import (
    ServiceFiltersIn,
    ServiceIn,
    ServiceOut,
    ServicePatch,
)
from register.selectors import ServiceFilters, service_list
from taxonomy.models import (
    TargetGroup,
)
from territory.selectors import commune_successor_nis

router = Router()

# Services

SERVICE_TEXT = (
    "description",
    "eligibility",
    "capacity_unit",
    "referral_how",
    "opening_hours",
)


def _services(services: QuerySet[Service] | None = None) -> QuerySet[Service]:
    services = Service.objects.all() if services is None else services
    return services.select_related("theme", "subtheme").prefetch_related(
        Prefetch("target_groups", queryset=TargetGroup.objects.only("code")),
        Prefetch(
            "service_communes",
            queryset=ServiceCommune.objects.only("service_id", "commune_id").order_by(
                "commune_id"
            ),
        ),
        Prefetch("funders", queryset=Organisation.objects.only("id").order_by("id")),
    )


def service_out(service: Service) -> ServiceOut:
    return ServiceOut.from_orm(_services().get(pk=service.pk))


def _service_fields(
    refs: RegisterRefs, data: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service's own fields, and its lists (communes, target groups,
    funders) as the keyword arguments of the services."""
    lists: dict[str, Any] = {}
    if data.get("communes") is not None:
        lists["communes"] = refs.communes("communes", data["communes"])
    if data.get("target_groups") is not None:
        lists["target_groups"] = refs.terms(
            TargetGroup, "target_groups", data["target_groups"]
        )
    if data.get("funders") is not None:
        lists["funders"] = refs.organisations("funders", data["funders"])
    data = {
        name: value
        for name, value in data.items()
        if name not in {"version", "organisation", "communes"}
        and name not in {"target_groups", "funders"}
    }
    blank_none(data, SERVICE_TEXT)
    not_null(
        refs,
        data,
        ["title", "delivery_mode", "cost", "access", "status", "published"],
    )
    if "theme" in data:
        if data["theme"] is None:
            refs.fail("theme", _("Ce champ est obligatoire."))
        else:
            data["theme"] = refs.theme("theme", data["theme"], main=True)
    if "subtheme" in data:
        data["subtheme"] = refs.theme("subtheme", data["subtheme"], main=False)
    if "languages" in data:
        data["languages"] = refs.languages("languages", data["languages"] or [])
    return data, lists


@router.get(
    "/services",
    response={200: list[ServiceOut], **problems(401, 422)},
    operation_id="register_service_list",
    summary="List and search services (the 4W rows)",
)
@paginate(PageNumbers)
def list_services(
    request: HttpRequest, filters: Query[ServiceFiltersIn]
) -> QuerySet[Service]:
    api_user(request, may=can_read_register)
    commune = filters.commune and (
        commune_successor_nis(filters.commune) or filters.commune
    )
    matching = service_list(
        ServiceFilters(
            q=filters.q,
            theme=filters.theme,
            target_group=filters.target_group,
            level=filters.level,
            province=filters.province,
            arrondissement=filters.arrondissement,
            commune=commune,
            language=filters.language,
            status=filters.status or "all",
            active_on=filters.active_on.isoformat() if filters.active_on else "",
            organisation=filters.organisation,
            include_archived=True,
        )
    )
    if filters.published is not None:
        matching = matching.filter(published=filters.published)
    return _services(matching).order_by(
        "organisation_id", "theme__position", "title", "id"
    )


@router.get(
    "/services/{service_id}",
    response={200: ServiceOut, **problems(401, 404)},
    operation_id="register_service_detail",
    summary="One service",
)
def get_service(request: HttpRequest, service_id: Id) -> ServiceOut:
    return service_out(get_service_for_user(api_user(request), service_id))


@router.post(
    "/services",
    response={201: ServiceOut, **problems(401, 403, 422)},
    operation_id="register_service_create",
    summary="Add a service to an organisation you may change",
)
def create_service(request: HttpRequest, payload: ServiceIn) -> Status[ServiceOut]:
    user = api_user(request)
    refs = RegisterRefs(user)
    organisation = refs.organisation("organisation", payload.organisation, write=True)
    fields, lists = _service_fields(refs, payload.model_dump())
    refs.check()
    service = services.service_create(
        by=user, fields={**fields, "organisation": organisation}, **lists
    )
    return Status(201, service_out(service))


@router.patch(
    "/services/{service_id}",
    response={200: ServiceOut, **problems(401, 403, 404, 409, 422)},
    operation_id="register_service_update",
    summary="Change a service",
)
def update_service(
    request: HttpRequest, service_id: Id, payload: ServicePatch
) -> ServiceOut:
    user = api_user(request)
    service = get_service_for_user(user, service_id, write=True)
    refs = RegisterRefs(user)
    fields, lists = _service_fields(refs, payload.model_dump(exclude_unset=True))
    refs.check()
    service = services.service_update(
        service_id=service.pk,
        by=user,
        expected_version=payload.version,
        fields=fields,
        **lists,
    )
    return service_out(service)


@router.delete(
    "/services/{service_id}",
    response={204: None, **problems(401, 403, 404)},
    operation_id="register_service_delete",
    summary="Delete a service",
)
def delete_service(request: HttpRequest, service_id: Id) -> Status[None]:
    user = api_user(request)
    service = get_service_for_user(user, service_id, write=True)
    services.service_delete(service_id=service.pk, by=user)
    return Status(204, None)
