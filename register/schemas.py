"""The register API's input and output schemas: the shape of organisations,
contacts, services, relations and assessments in JSON, shared by the API and the
exports."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from lib.api import LINES, ONE_LINE, Id
from lib.text import DESCRIPTION_MAX_LENGTH, NOTE_MAX_LENGTH
from register.models import (
    Assessment,
    Contact,
    Organisation,
    Relation,
    Service,
    SpokenLanguage,
)

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
# A service's capacity is a PositiveIntegerField: 32 bits in PostgreSQL.
MAX_CAPACITY = 2**31 - 1

# The texts people write, bounded as the models bound them (the lengths spelled
# out for the OpenAPI document; register/tests/test_api_schemas.py keeps them
# equal to the models'), without control characters (lib/text.py).
Line4 = Annotated[str, StringConstraints(max_length=4), ONE_LINE]
Line40 = Annotated[str, StringConstraints(max_length=40), ONE_LINE]
Line60 = Annotated[str, StringConstraints(max_length=60), ONE_LINE]
Line100 = Annotated[str, StringConstraints(max_length=100), ONE_LINE]
Line200 = Annotated[str, StringConstraints(max_length=200), ONE_LINE]
Line255 = Annotated[str, StringConstraints(max_length=255), ONE_LINE]
Description = Annotated[
    str, StringConstraints(max_length=DESCRIPTION_MAX_LENGTH), LINES
]
Note = Annotated[str, StringConstraints(max_length=NOTE_MAX_LENGTH), LINES]

LANGUAGES_HELP = "Codes of spoken languages: " + ", ".join(SpokenLanguage.values)
NIS_HELP = "NIS codes of communes; a former code is read as its successor's."


class OrganisationOut(Schema):
    id: int
    name: str
    name_fr: str
    name_nl: str
    name_de: str
    acronym: str
    enterprise_number: str = Field(..., description="BCE/KBO number, 10 digits.")
    external_id: str
    level: str | None = Field(
        ..., description="Code of the institutional level; null: to complete."
    )
    sector: str | None = Field(
        ..., description="Code of the sector; null: to complete."
    )
    actor_type: str | None = Field(
        ..., description="Code of the actor type; null: to complete."
    )
    incomplete: bool = Field(
        ...,
        description=(
            "Created from a partner's 4W sheet without its level, sector or actor "
            "type: to complete."
        ),
    )
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
    def resolve_level(obj: Organisation) -> str | None:
        return obj.level.code if obj.level is not None else None

    @staticmethod
    def resolve_sector(obj: Organisation) -> str | None:
        return obj.sector.code if obj.sector is not None else None

    @staticmethod
    def resolve_actor_type(obj: Organisation) -> str | None:
        return obj.actor_type.code if obj.actor_type is not None else None

    @staticmethod
    def resolve_incomplete(obj: Organisation) -> bool:
        return obj.is_incomplete

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
    name: Line255 = Field(..., min_length=1)
    name_fr: Line255 = ""
    name_nl: Line255 = ""
    name_de: Line255 = ""
    acronym: Line40 = ""
    enterprise_number: str = Field(
        "", description="BCE/KBO number, checked: '0123.456.749' or '0123456749'."
    )
    external_id: Line100 = ""
    level: str = Field(..., description="Code of an institutional level.")
    sector: str = Field(..., description="Code of a sector.")
    actor_type: str = Field(..., description="Code of an actor type.")
    parent: Id | None = None
    street: Line255 = ""
    postal_code: Line4 = Field(
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
    phone: Line40 = ""
    languages: list[str] = Field(default_factory=list, description=LANGUAGES_HELP)
    description: Description = ""
    published: bool = False


class OrganisationPatch(Schema):
    """Only the fields sent change; `area_communes` replaces the whole area."""

    version: Id = Field(..., description="The version the client read.")
    name: Line255 | None = None
    name_fr: Line255 | None = None
    name_nl: Line255 | None = None
    name_de: Line255 | None = None
    acronym: Line40 | None = None
    enterprise_number: str | None = None
    external_id: Line100 | None = None
    level: str | None = None
    sector: str | None = None
    actor_type: str | None = None
    parent: Id | None = None
    street: Line255 | None = None
    postal_code: Line4 | None = None
    commune: str | None = None
    area_communes: list[str] | None = Field(None, description=NIS_HELP)
    area_territories: list[str] | None = None
    website: str | None = None
    email: str | None = None
    phone: Line40 | None = None
    languages: list[str] | None = None
    description: Description | None = None
    published: bool | None = None


# A filter's text: no control characters (PostgreSQL refuses NUL in a query's
# parameters), and no longer than any code or search is.
FilterText = Annotated[
    str, StringConstraints(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")
]


class OrganisationFiltersIn(Schema):
    q: FilterText = Field("", description="Full-text search, accents and case ignored.")
    level: FilterText = Field("", description="Code of an institutional level.")
    sector: FilterText = Field("", description="Code of a sector.")
    actor_type: FilterText = Field("", description="Code of an actor type.")
    theme: FilterText = Field(
        "", description="Code of a theme or sub-theme of a service."
    )
    target_group: FilterText = Field(
        "", description="Code of a target group of a service."
    )
    province: FilterText = Field("", description="NIS code of a province it serves.")
    arrondissement: FilterText = Field(
        "", description="NIS code of an arrondissement it serves."
    )
    commune: FilterText = Field("", description="NIS code of a commune it serves.")
    language: FilterText = Field("", description="Code of a language spoken.")
    status: Literal["active", "archived", "incomplete", "all"] = Field(
        "active", description="incomplete: the active organisations to complete."
    )
    sort: Literal["name", "-name", "updated", "-updated"] = "name"


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
    organisation: Id
    name: Line200 = Field(..., min_length=1)
    function: Line200 = ""
    email: str = ""
    phone: Line40 = ""
    is_focal_point: bool = False
    languages: list[str] = Field(default_factory=list, description=LANGUAGES_HELP)
    legal_basis: LegalBasis
    consent_date: date | None = None
    shared: bool = False
    last_verified: date | None = None


class ContactPatch(Schema):
    version: Id = Field(..., description="The version the client read.")
    name: Line200 | None = None
    function: Line200 | None = None
    email: str | None = None
    phone: Line40 | None = None
    is_focal_point: bool | None = None
    languages: list[str] | None = None
    legal_basis: LegalBasis | None = None
    consent_date: date | None = None
    shared: bool | None = None
    last_verified: date | None = None


class ContactFiltersIn(Schema):
    organisation: Id | None = Field(None, description="Id of an organisation.")


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
    organisation: Id
    theme: str = Field(..., description="Code of a (main) theme.")
    subtheme: str | None = Field(None, description="Code of one of its sub-themes.")
    title: Line255 = Field(..., min_length=1)
    description: Description = ""
    target_groups: list[str] = Field(default_factory=list)
    eligibility: Note = ""
    communes: list[str] = Field(default_factory=list, description=NIS_HELP)
    delivery_mode: DeliveryMode = "on_site"
    languages: list[str] = Field(default_factory=list, description=LANGUAGES_HELP)
    capacity: int | None = Field(None, ge=0, le=MAX_CAPACITY)
    capacity_unit: Line60 = ""
    cost: ServiceCost = "free"
    access: ServiceAccess = "appointment"
    referral_how: Note = ""
    opening_hours: Note = ""
    start_date: date | None = None
    end_date: date | None = None
    status: ServiceStatus = "ongoing"
    funders: list[Id] = Field(default_factory=list)
    published: bool = False


class ServicePatch(Schema):
    """Only the fields sent change; a list replaces the whole list."""

    version: Id = Field(..., description="The version the client read.")
    theme: str | None = None
    subtheme: str | None = None
    title: Line255 | None = None
    description: Description | None = None
    target_groups: list[str] | None = None
    eligibility: Note | None = None
    communes: list[str] | None = Field(None, description=NIS_HELP)
    delivery_mode: DeliveryMode | None = None
    languages: list[str] | None = None
    capacity: int | None = Field(None, ge=0, le=MAX_CAPACITY)
    capacity_unit: Line60 | None = None
    cost: ServiceCost | None = None
    access: ServiceAccess | None = None
    referral_how: Note | None = None
    opening_hours: Note | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: ServiceStatus | None = None
    funders: list[Id] | None = None
    published: bool | None = None


class ServiceFiltersIn(Schema):
    organisation: Id | None = Field(None, description="Id of an organisation.")
    theme: FilterText = Field("", description="Code of a theme or sub-theme.")
    target_group: FilterText = Field("", description="Code of a target group.")
    level: FilterText = Field(
        "", description="Code of its organisation's institutional level."
    )
    province: FilterText = Field("", description="NIS code of a province served.")
    arrondissement: FilterText = Field(
        "", description="NIS code of an arrondissement served."
    )
    commune: FilterText = Field("", description="NIS code of a commune served.")
    language: FilterText = Field("", description="Code of a language spoken.")
    status: ServiceStatus | Literal["current"] | None = Field(
        None,
        description="A status, or `current` (planned or ongoing); any if left out.",
    )
    active_on: date | None = Field(
        None, description="A day the service runs on (its start and end dates)."
    )
    published: bool | None = None
    q: FilterText = Field("", description="Full-text search, accents and case ignored.")


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
    source: Id
    target: Id
    type: str = Field(..., description="Code of a relation type.")
    themes: list[str] = Field(default_factory=list)
    frequency: Frequency | None = None
    formal: bool = False
    since: date | None = None
    declared_by: Id | None = Field(
        None,
        description=(
            "Focal points declare their own organisations' relations: by default "
            "the source or target that is theirs."
        ),
    )
    source_note: Line255 = ""
    note: Note = ""


class RelationPatch(Schema):
    version: Id = Field(..., description="The version the client read.")
    type: str | None = None
    themes: list[str] | None = None
    frequency: Frequency | None = None
    formal: bool | None = None
    since: date | None = None
    declared_by: Id | None = None
    source_note: Line255 | None = None
    note: Note | None = None


class RelationFiltersIn(Schema):
    organisation: Id | None = Field(
        None, description="Id of an organisation on either side."
    )
    type: str = Field("", description="Code of a relation type.")


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
    organisation: Id
    influence: Scale = Field(..., ge=1, le=5)
    interest: Scale = Field(..., ge=1, le=5)
    attitude: Attitude
    capacity: Scale = Field(..., ge=1, le=5)
    strategy: Strategy
    assessed_on: date | None = Field(None, description="Today when left out.")
    note: Note = ""


class AssessmentFiltersIn(Schema):
    organisation: Id | None = Field(None, description="Id of an organisation.")
