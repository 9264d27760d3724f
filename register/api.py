"""Register endpoints: organisations, contacts, services, relations, assessments.

Thin adapters, with the permissions of the HTML pages: each endpoint fetches
through `register.access`, turns the codes and ids of the body into objects
(`Refs`, which gathers every unknown one into a single 422), calls one function
of `register.services` and answers the object as stored. Vocabulary values are
their codes, communes their NIS codes, organisations their ids.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from accounts.models import User
from accounts.permissions import can
from lib.problems import problems
from register import services
from register.access import (
    can_create_organisation,
    can_edit_organisation,
    can_read_register,
    get_contact_for_user,
    get_organisation_for_user,
    get_relation_for_user,
    get_service_for_user,
    visible_contacts,
)
from register.models import (
    Assessment,
    Contact,
    Organisation,
    Relation,
    Service,
    ServiceCommune,
    SpokenLanguage,
)
from register.search import search
from register.selectors import (
    OrganisationFilters,
    PagedRows,
    add_area_codes,
    organisation_pages,
    organisation_rows,
)
from taxonomy.models import (
    ActorType,
    InstitutionalLevel,
    RelationType,
    Sector,
    TargetGroup,
    Term,
    Theme,
)
from territory.models import Commune
from territory.selectors import commune_successor_nis

router = Router()

# The values of the models' choices, spelled out for the OpenAPI document
# (register/tests/test_api_schemas.py keeps them equal to the models').
OrganisationStatus = Literal["active", "archived"]
ServiceStatus = Literal["planned", "ongoing", "suspended", "ended"]
DeliveryMode = Literal["on_site", "remote", "mobile", "mixed"]
ServiceAccess = Literal["walk_in", "appointment", "referral"]
ServiceCost = Literal["free", "contribution", "paid"]
LegalBasis = Literal["consent", "public_task", "legitimate_interest"]
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly", "ad_hoc"]
Attitude = Literal["opposed", "reserved", "neutral", "supportive", "champion"]
Strategy = Literal["inform", "consult", "involve", "collaborate", "empower"]
Scale = int

LANGUAGES_HELP = "Codes of spoken languages: " + ", ".join(SpokenLanguage.values)
NIS_HELP = "NIS codes of communes; a former code is read as its successor's."


# Who is asking, and what they may do


def _user(request: HttpRequest) -> User:
    """The authenticated user (session or token): API_AUTH let nobody else in."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _reader(request: HttpRequest) -> User:
    user = _user(request)
    if not can_read_register(user):
        raise PermissionDenied
    return user


def _manager(request: HttpRequest) -> User:
    user = _user(request)
    if not can(user, "register.manage"):
        raise PermissionDenied
    return user


# From codes and ids to objects


class Refs:
    """Resolves the codes and ids a request body refers to, and gathers every
    unknown one, so that one 422 names them all (`check`)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.errors: dict[str, list[str]] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def unknown(self, field: str, value: object) -> None:
        self.fail(
            field,
            _("%(field)s : valeur inconnue « %(value)s ».")
            % {"field": field, "value": value},
        )

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)

    def term[T: Term](self, model: type[T], field: str, code: str | None) -> T | None:
        if code is None:
            return None
        found = model._default_manager.filter(code=code).first()
        if found is None:
            self.unknown(field, code)
        return found

    def terms[T: Term](
        self, model: type[T], field: str, codes: Iterable[str]
    ) -> list[T]:
        wanted = list(dict.fromkeys(codes))
        found = {t.code: t for t in model._default_manager.filter(code__in=wanted)}
        for code in wanted:
            if code not in found:
                self.unknown(field, code)
        return [found[code] for code in wanted if code in found]

    def theme(self, field: str, code: str | None, *, main: bool) -> Theme | None:
        theme = self.term(Theme, field, code)
        if theme is not None and main and theme.parent_id is not None:
            self.fail(
                field,
                _(
                    "« %(code)s » est un sous-thème : donnez son thème dans `theme` "
                    "et lui-même dans `subtheme`."
                )
                % {"code": code},
            )
        return theme

    def communes(self, field: str, codes: Iterable[str]) -> list[Commune]:
        wanted = list(dict.fromkeys(codes))
        current = set(
            Commune.objects.filter(nis__in=wanted).values_list("nis", flat=True)
        )
        resolved: list[str] = []
        for code in wanted:
            nis = code if code in current else commune_successor_nis(code)
            if nis is None:
                self.unknown(field, code)
            else:
                resolved.append(nis)
        communes = Commune.objects.defer("boundary").in_bulk(resolved)
        return [communes[nis] for nis in dict.fromkeys(resolved)]

    def commune(self, field: str, code: str | None) -> Commune | None:
        if code is None:
            return None
        found = self.communes(field, [code])
        return found[0] if found else None

    def territory_communes(self, field: str, codes: Iterable[str]) -> list[Commune]:
        """The communes of whole regions, provinces or arrondissements."""
        wanted = list(dict.fromkeys(codes))
        communes = list(
            Commune.objects.defer("boundary").filter(
                Q(region_id__in=wanted)
                | Q(province_id__in=wanted)
                | Q(arrondissement_id__in=wanted)
            )
        )
        known = {
            code
            for commune in communes
            for code in (
                commune.region_id,
                commune.province_id,
                commune.arrondissement_id,
            )
        }
        for code in wanted:
            if code not in known:
                self.unknown(field, code)
        return communes

    def languages(self, field: str, codes: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(codes))
        for code in wanted:
            if code not in SpokenLanguage.values:
                self.unknown(field, code)
        return wanted

    def organisation(
        self, field: str, pk: int | None, *, write: bool = False
    ) -> Organisation | None:
        """An organisation the body refers to; `write`: one the user may change
        (PermissionDenied otherwise)."""
        if pk is None:
            return None
        try:
            return get_organisation_for_user(self.user, pk, write=write)
        except Http404:
            self.unknown(field, pk)
            return None

    def organisations(self, field: str, pks: Iterable[int]) -> list[Organisation]:
        # Every role that reaches an endpoint reads every organisation
        # (see register.access): one query for the lot.
        wanted = list(dict.fromkeys(pks))
        found = Organisation.objects.in_bulk(wanted)
        for pk in wanted:
            if pk not in found:
                self.unknown(field, pk)
        return [found[pk] for pk in wanted if pk in found]


def _blank_none(data: dict[str, Any], names: Iterable[str]) -> None:
    """An explicit null on a text field means 'empty'."""
    for name in names:
        if name in data and data[name] is None:
            data[name] = ""


def _not_null(refs: Refs, data: dict[str, Any], names: Iterable[str]) -> None:
    for name in names:
        if name in data and data[name] is None:
            refs.fail(name, _("Ce champ est obligatoire."))


# Schemas shared by the endpoints


class VersionIn(Schema):
    version: int = Field(..., ge=1, description="The version the client read.")


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


class OrganisationOut(Schema):
    id: int
    name: str
    name_fr: str
    name_nl: str
    name_de: str
    acronym: str
    enterprise_number: str = Field(..., description="BCE/KBO number, 10 digits.")
    external_id: str
    level: str = Field(..., description="Code of the institutional level.")
    sector: str = Field(..., description="Code of the sector.")
    actor_type: str = Field(..., description="Code of the actor type.")
    parent: int | None = Field(..., description="Id of the parent organisation.")
    street: str
    postal_code: str
    commune: str | None = Field(..., description="NIS code of the address' commune.")
    area_communes: list[str] = Field(
        ..., description="NIS codes of the communes it operates in."
    )
    website: str
    email: str
    phone: str
    languages: list[str] = Field(..., description=LANGUAGES_HELP)
    description: str
    status: OrganisationStatus
    published: bool = Field(..., description="Shown in the public directory.")
    version: int = Field(..., description="Send it back to change the organisation.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_level(obj: Organisation) -> str:
        return obj.level.code

    @staticmethod
    def resolve_sector(obj: Organisation) -> str:
        return obj.sector.code

    @staticmethod
    def resolve_actor_type(obj: Organisation) -> str:
        return obj.actor_type.code

    @staticmethod
    def resolve_parent(obj: Organisation) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_commune(obj: Organisation) -> str | None:
        return obj.commune_id

    @staticmethod
    def resolve_area_communes(obj: Organisation) -> list[str]:
        codes: list[str] | None = getattr(obj, "area_codes", None)
        if codes is not None:
            return codes
        return [commune.pk for commune in obj.area_communes.all()]


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1)
    name_fr: str = ""
    name_nl: str = ""
    name_de: str = ""
    acronym: str = ""
    enterprise_number: str = Field(
        "", description="BCE/KBO number, checked: '0123.456.749' or '0123456749'."
    )
    external_id: str = ""
    level: str = Field(..., description="Code of an institutional level.")
    sector: str = Field(..., description="Code of a sector.")
    actor_type: str = Field(..., description="Code of an actor type.")
    parent: int | None = None
    street: str = ""
    postal_code: str = Field(
        "",
        description="Sets `commune`; give `commune` too when the code serves two.",
    )
    commune: str | None = None
    area_communes: list[str] = Field(default_factory=list, description=NIS_HELP)
    area_territories: list[str] = Field(
        default_factory=list,
        description=(
            "Shortcut: NIS codes of regions, provinces or arrondissements whose "
            "communes all join `area_communes`."
        ),
    )
    website: str = ""
    email: str = ""
    phone: str = ""
    languages: list[str] = Field(default_factory=list, description=LANGUAGES_HELP)
    description: str = ""
    published: bool = False


class OrganisationPatch(Schema):
    """Only the fields sent change; `area_communes` replaces the whole area."""

    version: int = Field(..., ge=1, description="The version the client read.")
    name: str | None = None
    name_fr: str | None = None
    name_nl: str | None = None
    name_de: str | None = None
    acronym: str | None = None
    enterprise_number: str | None = None
    external_id: str | None = None
    level: str | None = None
    sector: str | None = None
    actor_type: str | None = None
    parent: int | None = None
    street: str | None = None
    postal_code: str | None = None
    commune: str | None = None
    area_communes: list[str] | None = Field(None, description=NIS_HELP)
    area_territories: list[str] | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    languages: list[str] | None = None
    description: str | None = None
    published: bool | None = None


class OrganisationFiltersIn(Schema):
    q: str = Field("", description="Full-text search, accents and case ignored.")
    level: str = Field("", description="Code of an institutional level.")
    sector: str = Field("", description="Code of a sector.")
    actor_type: str = Field("", description="Code of an actor type.")
    theme: str = Field("", description="Code of a theme or sub-theme of a service.")
    target_group: str = Field("", description="Code of a target group of a service.")
    province: str = Field("", description="NIS code of a province it serves.")
    arrondissement: str = Field(
        "", description="NIS code of an arrondissement it serves."
    )
    commune: str = Field("", description="NIS code of a commune it serves.")
    language: str = Field("", description="Code of a language spoken.")
    status: Literal["active", "archived", "all"] = "active"
    sort: Literal["name", "-name", "updated", "-updated"] = "name"


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
    refs: Refs, data: dict[str, Any], current: Organisation | None = None
) -> dict[str, Any]:
    data = {
        name: value
        for name, value in data.items()
        if name not in {"version", "area_communes", "area_territories"}
    }
    _blank_none(data, ORGANISATION_TEXT)
    _not_null(refs, data, ["name", "published", *ORGANISATION_TERMS])
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
    refs: Refs, data: dict[str, Any], current: Organisation | None = None
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


class IdsFirstPagination(PageNumberPagination):
    """Page numbers over selectors.PagedRows: the matching rows counted, the
    page's ids read first, then their rows."""

    def paginate_queryset(  # type: ignore[override]  # PagedRows, not a QuerySet
        self,
        queryset: PagedRows[Any],
        pagination: PageNumberPagination.Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        return {
            self.items_attribute: queryset.page(offset, page_size),
            "count": queryset.count(),
        }


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
    _reader(request)
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
def get_organisation(request: HttpRequest, organisation_id: int) -> Organisation:
    organisation = get_organisation_for_user(_user(request), organisation_id)
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
    user = _user(request)
    if not can_create_organisation(user):
        raise PermissionDenied
    refs = Refs(user)
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
    request: HttpRequest, organisation_id: int, payload: OrganisationPatch
) -> OrganisationOut:
    user = _user(request)
    organisation = get_organisation_for_user(user, organisation_id, write=True)
    refs = Refs(user)
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
    user = _user(request)
    organisation = get_organisation_for_user(user, organisation_id, write=True)
    # Archiving takes an actor out of the register: coordinators decide it.
    if not can(user, "register.manage"):
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
    request: HttpRequest, organisation_id: int, payload: VersionIn
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
    request: HttpRequest, organisation_id: int, payload: VersionIn
) -> OrganisationOut:
    return _set_status(
        request, organisation_id, payload.version, services.organisation_restore
    )


# Contacts

CONTACT_TEXT = ("function", "email", "phone")


class ContactOut(Schema):
    id: int
    organisation: int
    name: str
    function: str
    email: str
    phone: str
    is_focal_point: bool
    languages: list[str] = Field(..., description=LANGUAGES_HELP)
    legal_basis: LegalBasis
    consent_date: date | None
    shared: bool = Field(..., description="Other organisations' members see it.")
    last_verified: date | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_organisation(obj: Contact) -> int:
        return obj.organisation_id


class ContactIn(Schema):
    organisation: int
    name: str = Field(..., min_length=1)
    function: str = ""
    email: str = ""
    phone: str = ""
    is_focal_point: bool = False
    languages: list[str] = Field(default_factory=list, description=LANGUAGES_HELP)
    legal_basis: LegalBasis
    consent_date: date | None = None
    shared: bool = False
    last_verified: date | None = None


class ContactPatch(Schema):
    version: int = Field(..., ge=1, description="The version the client read.")
    name: str | None = None
    function: str | None = None
    email: str | None = None
    phone: str | None = None
    is_focal_point: bool | None = None
    languages: list[str] | None = None
    legal_basis: LegalBasis | None = None
    consent_date: date | None = None
    shared: bool | None = None
    last_verified: date | None = None


class ContactFiltersIn(Schema):
    organisation: int | None = Field(None, description="Id of an organisation.")


def _contact_fields(refs: Refs, data: dict[str, Any]) -> dict[str, Any]:
    data = {name: value for name, value in data.items() if name != "version"}
    _blank_none(data, CONTACT_TEXT)
    _not_null(refs, data, ["name", "legal_basis", "is_focal_point", "shared"])
    if "languages" in data:
        data["languages"] = refs.languages("languages", data["languages"] or [])
    return data


@router.get(
    "/contacts",
    response={200: list[ContactOut], **problems(401, 422)},
    operation_id="register_contact_list",
    summary="List the contact persons you may see",
)
@paginate(PageNumberPagination)
def list_contacts(
    request: HttpRequest, filters: Query[ContactFiltersIn]
) -> QuerySet[Contact]:
    """Contacts are personal data: coordinators see all, focal points the shared
    ones and their organisations', observers none."""
    contacts = visible_contacts(_user(request), Contact.objects.all())
    if filters.organisation is not None:
        contacts = contacts.filter(organisation_id=filters.organisation)
    return contacts.order_by("organisation_id", "-is_focal_point", "name", "id")


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **problems(401, 404)},
    operation_id="register_contact_detail",
    summary="One contact person",
)
def get_contact(request: HttpRequest, contact_id: int) -> Contact:
    return get_contact_for_user(_user(request), contact_id)


@router.post(
    "/contacts",
    response={201: ContactOut, **problems(401, 403, 422)},
    operation_id="register_contact_create",
    summary="Add a contact person to an organisation you may change",
)
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    user = _user(request)
    refs = Refs(user)
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
    request: HttpRequest, contact_id: int, payload: ContactPatch
) -> Contact:
    user = _user(request)
    contact = get_contact_for_user(user, contact_id, write=True)
    refs = Refs(user)
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
def erase_contact(request: HttpRequest, contact_id: int) -> Status[None]:
    user = _user(request)
    contact = get_contact_for_user(user, contact_id, write=True)
    services.contact_erase(contact_id=contact.pk, by=user)
    return Status(204, None)


# Services

SERVICE_TEXT = (
    "description",
    "eligibility",
    "capacity_unit",
    "referral_how",
    "opening_hours",
)


class ServiceOut(Schema):
    id: int
    organisation: int
    theme: str = Field(..., description="Code of the theme.")
    subtheme: str | None = Field(..., description="Code of the sub-theme.")
    title: str
    description: str
    target_groups: list[str] = Field(..., description="Codes of target groups.")
    eligibility: str
    communes: list[str] = Field(..., description="NIS codes of the communes served.")
    delivery_mode: DeliveryMode
    languages: list[str] = Field(..., description=LANGUAGES_HELP)
    capacity: int | None
    capacity_unit: str
    cost: ServiceCost
    access: ServiceAccess
    referral_how: str
    opening_hours: str
    start_date: date | None
    end_date: date | None
    status: ServiceStatus
    funders: list[int] = Field(..., description="Ids of funding organisations.")
    published: bool = Field(..., description="Shown in the public directory.")
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_organisation(obj: Service) -> int:
        return obj.organisation_id

    @staticmethod
    def resolve_theme(obj: Service) -> str:
        return obj.theme.code

    @staticmethod
    def resolve_subtheme(obj: Service) -> str | None:
        return obj.subtheme.code if obj.subtheme is not None else None

    @staticmethod
    def resolve_target_groups(obj: Service) -> list[str]:
        return [group.code for group in obj.target_groups.all()]

    @staticmethod
    def resolve_communes(obj: Service) -> list[str]:
        return [row.commune_id for row in obj.service_communes.all()]

    @staticmethod
    def resolve_funders(obj: Service) -> list[int]:
        return [funder.pk for funder in obj.funders.all()]


class ServiceIn(Schema):
    organisation: int
    theme: str = Field(..., description="Code of a (main) theme.")
    subtheme: str | None = Field(None, description="Code of one of its sub-themes.")
    title: str = Field(..., min_length=1)
    description: str = ""
    target_groups: list[str] = Field(default_factory=list)
    eligibility: str = ""
    communes: list[str] = Field(default_factory=list, description=NIS_HELP)
    delivery_mode: DeliveryMode = "on_site"
    languages: list[str] = Field(default_factory=list, description=LANGUAGES_HELP)
    capacity: int | None = Field(None, ge=0)
    capacity_unit: str = ""
    cost: ServiceCost = "free"
    access: ServiceAccess = "appointment"
    referral_how: str = ""
    opening_hours: str = ""
    start_date: date | None = None
    end_date: date | None = None
    status: ServiceStatus = "ongoing"
    funders: list[int] = Field(default_factory=list)
    published: bool = False


class ServicePatch(Schema):
    """Only the fields sent change; a list replaces the whole list."""

    version: int = Field(..., ge=1, description="The version the client read.")
    theme: str | None = None
    subtheme: str | None = None
    title: str | None = None
    description: str | None = None
    target_groups: list[str] | None = None
    eligibility: str | None = None
    communes: list[str] | None = Field(None, description=NIS_HELP)
    delivery_mode: DeliveryMode | None = None
    languages: list[str] | None = None
    capacity: int | None = Field(None, ge=0)
    capacity_unit: str | None = None
    cost: ServiceCost | None = None
    access: ServiceAccess | None = None
    referral_how: str | None = None
    opening_hours: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: ServiceStatus | None = None
    funders: list[int] | None = None
    published: bool | None = None


class ServiceFiltersIn(Schema):
    organisation: int | None = Field(None, description="Id of an organisation.")
    theme: str = Field("", description="Code of a theme or sub-theme.")
    target_group: str = Field("", description="Code of a target group.")
    commune: str = Field("", description="NIS code of a commune served.")
    status: ServiceStatus | None = None
    published: bool | None = None
    q: str = Field("", description="Full-text search, accents and case ignored.")


def _services() -> QuerySet[Service]:
    return Service.objects.select_related("theme", "subtheme").prefetch_related(
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
    refs: Refs, data: dict[str, Any]
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
    _blank_none(data, SERVICE_TEXT)
    _not_null(
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
@paginate(PageNumberPagination)
def list_services(
    request: HttpRequest, filters: Query[ServiceFiltersIn]
) -> QuerySet[Service]:
    _reader(request)
    services_ = _services()
    if filters.organisation is not None:
        services_ = services_.filter(organisation_id=filters.organisation)
    if filters.theme:
        services_ = services_.filter(
            Q(theme__code=filters.theme) | Q(subtheme__code=filters.theme)
        )
    if filters.target_group:
        services_ = services_.filter(target_groups__code=filters.target_group)
    if filters.commune:
        commune = commune_successor_nis(filters.commune) or filters.commune
        services_ = services_.filter(service_communes__commune_id=commune)
    if filters.status is not None:
        services_ = services_.filter(status=filters.status)
    if filters.published is not None:
        services_ = services_.filter(published=filters.published)
    if filters.q:
        services_ = search(services_, filters.q)
    return services_.order_by("organisation_id", "theme__position", "title", "id")


@router.get(
    "/services/{service_id}",
    response={200: ServiceOut, **problems(401, 404)},
    operation_id="register_service_detail",
    summary="One service",
)
def get_service(request: HttpRequest, service_id: int) -> ServiceOut:
    return service_out(get_service_for_user(_user(request), service_id))


@router.post(
    "/services",
    response={201: ServiceOut, **problems(401, 403, 422)},
    operation_id="register_service_create",
    summary="Add a service to an organisation you may change",
)
def create_service(request: HttpRequest, payload: ServiceIn) -> Status[ServiceOut]:
    user = _user(request)
    refs = Refs(user)
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
    request: HttpRequest, service_id: int, payload: ServicePatch
) -> ServiceOut:
    user = _user(request)
    service = get_service_for_user(user, service_id, write=True)
    refs = Refs(user)
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
def delete_service(request: HttpRequest, service_id: int) -> Status[None]:
    user = _user(request)
    service = get_service_for_user(user, service_id, write=True)
    services.service_delete(service_id=service.pk, by=user)
    return Status(204, None)


# Relations

RELATION_TEXT = ("source_note", "note")


class RelationOut(Schema):
    id: int
    source: int = Field(..., description="Id of the organisation that acts.")
    target: int = Field(..., description="Id of the organisation acted upon.")
    type: str = Field(
        ..., description="Code of the relation type: source <type> target."
    )
    themes: list[str] = Field(..., description="Codes of themes.")
    frequency: Frequency | None
    formal: bool
    since: date | None
    declared_by: int | None = Field(
        ..., description="Id of the organisation that declared it."
    )
    source_note: str
    note: str
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_source(obj: Relation) -> int:
        return obj.source_id

    @staticmethod
    def resolve_target(obj: Relation) -> int:
        return obj.target_id

    @staticmethod
    def resolve_type(obj: Relation) -> str:
        return obj.type.code

    @staticmethod
    def resolve_themes(obj: Relation) -> list[str]:
        return [theme.code for theme in obj.themes.all()]

    @staticmethod
    def resolve_frequency(obj: Relation) -> str | None:
        return obj.frequency or None

    @staticmethod
    def resolve_declared_by(obj: Relation) -> int | None:
        return obj.declared_by_id


class RelationIn(Schema):
    source: int
    target: int
    type: str = Field(..., description="Code of a relation type.")
    themes: list[str] = Field(default_factory=list)
    frequency: Frequency | None = None
    formal: bool = False
    since: date | None = None
    declared_by: int | None = Field(
        None,
        description=(
            "Focal points declare their own organisations' relations: by default "
            "the source or target that is theirs."
        ),
    )
    source_note: str = ""
    note: str = ""


class RelationPatch(Schema):
    version: int = Field(..., ge=1, description="The version the client read.")
    type: str | None = None
    themes: list[str] | None = None
    frequency: Frequency | None = None
    formal: bool | None = None
    since: date | None = None
    declared_by: int | None = None
    source_note: str | None = None
    note: str | None = None


class RelationFiltersIn(Schema):
    organisation: int | None = Field(
        None, description="Id of an organisation on either side."
    )
    type: str = Field("", description="Code of a relation type.")


def _relations() -> QuerySet[Relation]:
    return Relation.objects.select_related("type").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("code"))
    )


def relation_out(relation: Relation) -> RelationOut:
    return RelationOut.from_orm(_relations().get(pk=relation.pk))


def _check_declarant(
    user: User, declared_by: Organisation | None, sides: Iterable[int]
) -> None:
    """A focal point declares relations for their organisations only, and only
    relations those organisations are part of."""
    if can(user, "register.manage"):
        return
    if declared_by is None:
        raise PermissionDenied
    if not can_edit_organisation(user, declared_by.pk):
        raise PermissionDenied
    if declared_by.pk not in set(sides):
        raise PermissionDenied


def _relation_fields(
    refs: Refs, data: dict[str, Any]
) -> tuple[dict[str, Any], list[Theme] | None]:
    themes = None
    if data.get("themes") is not None:
        themes = refs.terms(Theme, "themes", data["themes"])
    data = {
        name: value
        for name, value in data.items()
        if name not in {"version", "themes", "source", "target", "declared_by"}
    }
    _blank_none(data, (*RELATION_TEXT, "frequency"))
    _not_null(refs, data, ["type", "formal"])
    if data.get("type") is not None:
        data["type"] = refs.term(RelationType, "type", data["type"])
    return data, themes


@router.get(
    "/relations",
    response={200: list[RelationOut], **problems(401, 422)},
    operation_id="register_relation_list",
    summary="List relations between organisations",
)
@paginate(PageNumberPagination)
def list_relations(
    request: HttpRequest, filters: Query[RelationFiltersIn]
) -> QuerySet[Relation]:
    _reader(request)
    relations = _relations()
    if filters.organisation is not None:
        relations = relations.filter(
            Q(source_id=filters.organisation) | Q(target_id=filters.organisation)
        )
    if filters.type:
        relations = relations.filter(type__code=filters.type)
    return relations.order_by("source_id", "type__position", "target_id", "id")


@router.get(
    "/relations/{relation_id}",
    response={200: RelationOut, **problems(401, 404)},
    operation_id="register_relation_detail",
    summary="One relation",
)
def get_relation(request: HttpRequest, relation_id: int) -> RelationOut:
    return relation_out(get_relation_for_user(_user(request), relation_id))


@router.post(
    "/relations",
    response={201: RelationOut, **problems(401, 403, 422)},
    operation_id="register_relation_create",
    summary="Declare a relation between two organisations",
)
def create_relation(request: HttpRequest, payload: RelationIn) -> Status[RelationOut]:
    user = _user(request)
    refs = Refs(user)
    source = refs.organisation("source", payload.source)
    target = refs.organisation("target", payload.target)
    declared_by = refs.organisation("declared_by", payload.declared_by)
    refs.check()
    if payload.declared_by is None and not can(user, "register.manage"):
        declared_by = next(
            (
                side
                for side in (source, target)
                if side is not None and can_edit_organisation(user, side.pk)
            ),
            None,
        )
    _check_declarant(user, declared_by, [payload.source, payload.target])
    fields, themes = _relation_fields(refs, payload.model_dump())
    refs.check()
    relation = services.relation_create(
        by=user,
        fields={
            **fields,
            "source": source,
            "target": target,
            "declared_by": declared_by,
        },
        themes=themes or [],
    )
    return Status(201, relation_out(relation))


@router.patch(
    "/relations/{relation_id}",
    response={200: RelationOut, **problems(401, 403, 404, 409, 422)},
    operation_id="register_relation_update",
    summary="Change a relation your organisation declared",
)
def update_relation(
    request: HttpRequest, relation_id: int, payload: RelationPatch
) -> RelationOut:
    user = _user(request)
    relation = get_relation_for_user(user, relation_id, write=True)
    refs = Refs(user)
    data = payload.model_dump(exclude_unset=True)
    fields, themes = _relation_fields(refs, data)
    if "declared_by" in data:
        declared_by = refs.organisation("declared_by", data["declared_by"])
        refs.check()
        _check_declarant(user, declared_by, [relation.source_id, relation.target_id])
        fields["declared_by"] = declared_by
    refs.check()
    relation = services.relation_update(
        relation_id=relation.pk,
        by=user,
        expected_version=payload.version,
        fields=fields,
        themes=themes,
    )
    return relation_out(relation)


@router.delete(
    "/relations/{relation_id}",
    response={204: None, **problems(401, 403, 404)},
    operation_id="register_relation_delete",
    summary="Delete a relation your organisation declared",
)
def delete_relation(request: HttpRequest, relation_id: int) -> Status[None]:
    user = _user(request)
    relation = get_relation_for_user(user, relation_id, write=True)
    services.relation_delete(relation_id=relation.pk, by=user)
    return Status(204, None)


# Assessments


class AssessmentOut(Schema):
    id: int
    organisation: int
    influence: Scale = Field(..., ge=1, le=5)
    interest: Scale = Field(..., ge=1, le=5)
    attitude: Attitude
    capacity: Scale = Field(..., ge=1, le=5)
    strategy: Strategy
    assessed_on: date
    author: str = Field(..., description="Name of who assessed.")
    note: str
    created_at: datetime

    @staticmethod
    def resolve_organisation(obj: Assessment) -> int:
        return obj.organisation_id

    @staticmethod
    def resolve_author(obj: Assessment) -> str:
        return str(obj.author)


class AssessmentIn(Schema):
    organisation: int
    influence: Scale = Field(..., ge=1, le=5)
    interest: Scale = Field(..., ge=1, le=5)
    attitude: Attitude
    capacity: Scale = Field(..., ge=1, le=5)
    strategy: Strategy
    assessed_on: date | None = Field(None, description="Today when left out.")
    note: str = ""


class AssessmentFiltersIn(Schema):
    organisation: int | None = Field(None, description="Id of an organisation.")


def _assessment_reader(request: HttpRequest) -> User:
    user = _user(request)
    if not can(user, "assessment.view"):
        raise PermissionDenied
    return user


@router.get(
    "/assessments",
    response={200: list[AssessmentOut], **problems(401, 403, 422)},
    operation_id="register_assessment_list",
    summary="List stakeholder assessments, newest first (not for focal points)",
)
@paginate(PageNumberPagination)
def list_assessments(
    request: HttpRequest, filters: Query[AssessmentFiltersIn]
) -> QuerySet[Assessment]:
    _assessment_reader(request)
    assessments = Assessment.objects.select_related("author")
    if filters.organisation is not None:
        assessments = assessments.filter(organisation_id=filters.organisation)
    return assessments.order_by("organisation_id", "-assessed_on", "-id")


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **problems(401, 403, 404)},
    operation_id="register_assessment_detail",
    summary="One stakeholder assessment",
)
def get_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    _assessment_reader(request)
    assessment = (
        Assessment.objects.select_related("author").filter(pk=assessment_id).first()
    )
    if assessment is None:
        raise Http404(f"No assessment has the id {assessment_id}.")
    return assessment


@router.post(
    "/assessments",
    response={201: AssessmentOut, **problems(401, 403, 422)},
    operation_id="register_assessment_create",
    summary="Record a stakeholder assessment (coordinators); the series is kept",
)
def create_assessment(
    request: HttpRequest, payload: AssessmentIn
) -> Status[Assessment]:
    user = _manager(request)
    refs = Refs(user)
    organisation = refs.organisation("organisation", payload.organisation)
    refs.check()
    fields = payload.model_dump()
    fields["organisation"] = organisation
    fields["assessed_on"] = fields["assessed_on"] or timezone.localdate()
    return Status(201, services.assessment_create(by=user, fields=fields))


# What a 409 shows: the object as stored now (see maillage.api).
CONFLICT_OUT: dict[type[Model], Callable[[Any], Schema]] = {
    Organisation: organisation_out,
    Contact: ContactOut.from_orm,
    Service: service_out,
    Relation: relation_out,
}
