"""Territory endpoints: public, read-only reference data."""

import re
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from lib.api import PageNumbers
from territory import selectors
from territory.models import Commune, CommuneQuerySet, Province

router = Router()

NIS_CODE = re.compile(r"[0-9]{5}")

Scope = Literal["BE", "02000", "03000", "04000"]


class ProvinceOut(Schema):
    nis: str
    name_fr: str
    name_nl: str
    name_de: str
    name_en: str
    region: str = Field(..., description="NIS code of the region.")
    commune_count: int = Field(..., description="Communes loaded in the province.")

    @staticmethod
    def resolve_region(obj: Province) -> str:
        return obj.region_id


class CommuneOut(Schema):
    nis: str
    name_fr: str
    name_nl: str
    name_de: str
    province: str | None = Field(
        ..., description="NIS code of the province; null in Brussels-Capital."
    )
    arrondissement: str = Field(..., description="NIS code of the arrondissement.")
    region: str = Field(..., description="NIS code of the region.")
    language_area: Literal["fr", "nl", "de", "fr-nl"]
    postal_codes: list[str]
    has_boundary: bool = Field(..., description="Whether boundaries were imported.")

    @staticmethod
    def resolve_province(obj: Commune) -> str | None:
        return obj.province_id

    @staticmethod
    def resolve_arrondissement(obj: Commune) -> str:
        return obj.arrondissement_id

    @staticmethod
    def resolve_region(obj: Commune) -> str:
        return obj.region_id

    @staticmethod
    def resolve_postal_codes(obj: Commune) -> list[str]:
        return [postal_code.code for postal_code in obj.postal_codes.all()]


class CommuneDetailOut(CommuneOut):
    former_codes: list[str] = Field(
        ..., description="Former NIS codes that lead to this commune."
    )
    latitude: float | None = Field(
        ..., description="A point inside the commune (WGS84), once boundaries exist."
    )
    longitude: float | None
    resolved_from: str | None = Field(
        None,
        description="The former code asked for, when it led to this commune.",
    )

    @staticmethod
    def resolve_former_codes(obj: Commune) -> list[str]:
        return [former.old_nis for former in obj.former_codes.all()]


class CommuneFilters(Schema):
    region: Scope | None = Field(
        None,
        description=(
            'A region\'s NIS code, or "BE" for all Belgium; default: the '
            "platform's scope."
        ),
    )
    province: str | None = Field(None, description="A province's NIS code.")
    arrondissement: str | None = Field(
        None, description="An arrondissement's NIS code."
    )
    postal_code: str | None = Field(None, pattern=r"^\d{4}$")
    name: str | None = Field(
        None,
        max_length=100,
        description="Part of a name in any language, accents and case ignored.",
    )


class ProvinceFilters(Schema):
    region: Scope | None = Field(
        None,
        description=(
            'A region\'s NIS code, or "BE" for all Belgium; default: the '
            "platform's scope."
        ),
    )


@router.get(
    "/provinces",
    response=list[ProvinceOut],
    auth=None,
    operation_id="territory_province_list",
    summary="List provinces",
)
def province_list(
    request: HttpRequest, filters: Query[ProvinceFilters]
) -> list[Province]:
    scope = filters.region or settings.TERRITORY_SCOPE
    return list(selectors.provinces_with_counts(scope))


@router.get(
    "/communes",
    response=list[CommuneOut],
    auth=None,
    operation_id="territory_commune_list",
    summary="List and search communes",
)
@paginate(PageNumbers)
def commune_list(
    request: HttpRequest, filters: Query[CommuneFilters]
) -> CommuneQuerySet:
    return selectors.commune_search(
        scope=filters.region or settings.TERRITORY_SCOPE,
        name=filters.name or "",
        postal_code=filters.postal_code or "",
        province=filters.province or "",
        arrondissement=filters.arrondissement or "",
    )


@router.get(
    "/communes/{nis}",
    response=CommuneDetailOut,
    auth=None,
    operation_id="territory_commune_detail",
    summary="One commune, by its NIS code or a former one",
)
def commune_detail(request: HttpRequest, nis: str) -> CommuneDetailOut:
    missing = HttpError(404, f"No commune has the NIS code {nis!r}.")
    # Only five digits name a commune; a NUL character would fail on PostgreSQL.
    if not NIS_CODE.fullmatch(nis):
        raise missing
    commune = selectors.commune_detail(nis)
    resolved_from = None
    if commune is None:
        successor = selectors.commune_successor_nis(nis)
        if successor is not None:
            commune = selectors.commune_detail(successor)
            resolved_from = nis
    if commune is None:
        raise missing
    out = CommuneDetailOut.from_orm(commune)
    out.resolved_from = resolved_from
    return out
