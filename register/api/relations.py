"""Relations between organisations, declared by one of them or by coordinators."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from accounts.api_auth import api_user
from accounts.models import User
from accounts.permissions import can
from lib.api import Id, PageNumbers, blank_none, not_null
from lib.problems import problems
from register import services
from register.access import (
    can_edit_organisation,
    can_read_register,
    get_relation_for_user,
)
from register.models import (
    Organisation,
    Relation,
)
from register.refs import RegisterRefs
from register.schemas import (
    RelationFiltersIn,
    RelationIn,
    RelationOut,
    RelationPatch,
)
from taxonomy.models import (
    RelationType,
    Theme,
)

router = Router()

# Relations

RELATION_TEXT = ("source_note", "note")


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
    refs: RegisterRefs, data: dict[str, Any]
) -> tuple[dict[str, Any], list[Theme] | None]:
    themes = None
    if data.get("themes") is not None:
        themes = refs.terms(Theme, "themes", data["themes"])
    data = {
        name: value
        for name, value in data.items()
        if name not in {"version", "themes", "source", "target", "declared_by"}
    }
    blank_none(data, (*RELATION_TEXT, "frequency"))
    not_null(refs, data, ["type", "formal"])
    if data.get("type") is not None:
        data["type"] = refs.term(RelationType, "type", data["type"])
    return data, themes


@router.get(
    "/relations",
    response={200: list[RelationOut], **problems(401, 422)},
    operation_id="register_relation_list",
    summary="List relations between organisations",
)
@paginate(PageNumbers)
def list_relations(
    request: HttpRequest, filters: Query[RelationFiltersIn]
) -> QuerySet[Relation]:
    api_user(request, may=can_read_register)
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
def get_relation(request: HttpRequest, relation_id: Id) -> RelationOut:
    return relation_out(get_relation_for_user(api_user(request), relation_id))


@router.post(
    "/relations",
    response={201: RelationOut, **problems(401, 403, 422)},
    operation_id="register_relation_create",
    summary="Declare a relation between two organisations",
)
def create_relation(request: HttpRequest, payload: RelationIn) -> Status[RelationOut]:
    user = api_user(request)
    refs = RegisterRefs(user)
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
    request: HttpRequest, relation_id: Id, payload: RelationPatch
) -> RelationOut:
    user = api_user(request)
    relation = get_relation_for_user(user, relation_id, write=True)
    refs = RegisterRefs(user)
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
def delete_relation(request: HttpRequest, relation_id: Id) -> Status[None]:
    user = api_user(request)
    relation = get_relation_for_user(user, relation_id, write=True)
    services.relation_delete(relation_id=relation.pk, by=user)
    return Status(204, None)
