"""Contact persons: those the user may see; personal data, erasable."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_auth import api_user
from lib.api import Id, PageNumbers, blank_none, not_null
from lib.problems import problems
from register import services
from register.access import (
    get_contact_for_user,
    visible_contacts,
)
from register.models import (
    Contact,
)
from register.refs import RegisterRefs
from register.schemas import (
    ContactFiltersIn,
    ContactIn,
    ContactOut,
    ContactPatch,
)

router = Router()

# Contacts

CONTACT_TEXT = ("function", "email", "phone")


def _contact_fields(refs: RegisterRefs, data: dict[str, Any]) -> dict[str, Any]:
    data = {name: value for name, value in data.items() if name != "version"}
    blank_none(data, CONTACT_TEXT)
    not_null(refs, data, ["name", "legal_basis", "is_focal_point", "shared"])
    if "languages" in data:
        data["languages"] = refs.languages("languages", data["languages"] or [])
    return data


@router.get(
    "/contacts",
    response={200: list[ContactOut], **problems(401, 422)},
    operation_id="register_contact_list",
    summary="List the contact persons you may see",
)
@paginate(PageNumbers)
def list_contacts(
    request: HttpRequest, filters: Query[ContactFiltersIn]
) -> QuerySet[Contact]:
    """Contacts are personal data: coordinators see all, focal points the shared
    ones and their organisations', observers none."""
    contacts = visible_contacts(api_user(request), Contact.objects.all())
    if filters.organisation is not None:
        contacts = contacts.filter(organisation_id=filters.organisation)
    return contacts.order_by("organisation_id", "-is_focal_point", "name", "id")


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **problems(401, 404)},
    operation_id="register_contact_detail",
    summary="One contact person",
)
def get_contact(request: HttpRequest, contact_id: Id) -> Contact:
    return get_contact_for_user(api_user(request), contact_id)


@router.post(
    "/contacts",
    response={201: ContactOut, **problems(401, 403, 422)},
    operation_id="register_contact_create",
    summary="Add a contact person to an organisation you may change",
)
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    user = api_user(request)
    refs = RegisterRefs(user)
    organisation = refs.organisation("organisation", payload.organisation, write=True)
    fields = _contact_fields(refs, payload.model_dump())
    refs.check()
    fields["organisation"] = organisation
    return Status(201, services.contact_create(by=user, fields=fields))


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, **problems(401, 403, 404, 409, 422)},
    operation_id="register_contact_update",
    summary="Change a contact person",
)
def update_contact(
    request: HttpRequest, contact_id: Id, payload: ContactPatch
) -> Contact:
    user = api_user(request)
    contact = get_contact_for_user(user, contact_id, write=True)
    refs = RegisterRefs(user)
    fields = _contact_fields(refs, payload.model_dump(exclude_unset=True))
    refs.check()
    return services.contact_update(
        contact_id=contact.pk,
        by=user,
        expected_version=payload.version,
        fields=fields,
    )


@router.delete(
    "/contacts/{contact_id}",
    response={204: None, **problems(401, 403, 404)},
    operation_id="register_contact_erase",
    summary="Erase a contact person and their history (GDPR)",
)
def erase_contact(request: HttpRequest, contact_id: Id) -> Status[None]:
    user = api_user(request)
    contact = get_contact_for_user(user, contact_id, write=True)
    services.contact_erase(contact_id=contact.pk, by=user)
    return Status(204, None)
