"""Writes to the coordination bodies; the HTML views and the API call these."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from coordination.models import BodyMember, CoordinationBody
from lib.versioning import VersionConflict, history_mark, history_squash
from register.models import Organisation
from taxonomy.models import Theme
from territory.models import Commune

Members = Iterable[tuple[Organisation, str]]


def _check_organisations(
    organisations: Iterable[Organisation], field: str, kept: Iterable[int] = ()
) -> None:
    """Refuse archived organisations, except those already there (`kept` ids):
    archiving a convenor must not make its body impossible to edit."""
    already = set(kept)
    archived = [str(o) for o in organisations if o.is_archived and o.pk not in already]
    if archived:
        raise ValidationError(
            {
                field: _("Organisations archivées : %(names)s.")
                % {"names": ", ".join(archived)}
            }
        )


def _set_relations(
    body: CoordinationBody,
    *,
    convenors: list[Organisation] | None,
    communes: Iterable[Commune] | None,
    themes: Iterable[Theme] | None,
    members: list[tuple[Organisation, str]] | None,
) -> None:
    if convenors is not None:
        body.convenors.set(convenors)
    if communes is not None:
        body.communes.set(list(communes))
    if themes is not None:
        body.themes.set(list(themes))
    if members is not None:
        roles = {choice.value for choice in BodyMember.Role}
        if any(role not in roles for _organisation, role in members):
            raise ValidationError({"members": _("Rôle de membre inconnu.")})
        organisation_ids = [organisation.pk for organisation, _role in members]
        if len(set(organisation_ids)) != len(organisation_ids):
            raise ValidationError(
                {"members": _("Une organisation figure deux fois parmi les membres.")}
            )
        body.members.all().delete()
        BodyMember.objects.bulk_create(
            [
                BodyMember(body=body, organisation=organisation, role=role)
                for organisation, role in members
            ]
        )


@transaction.atomic
def body_create(
    *,
    by: User,
    fields: Mapping[str, Any],
    convenors: Iterable[Organisation] = (),
    communes: Iterable[Commune] = (),
    themes: Iterable[Theme] = (),
    members: Members = (),
) -> CoordinationBody:
    convenor_list, member_list = list(convenors), list(members)
    _check_organisations(convenor_list, "convenors")
    _check_organisations([o for o, _role in member_list], "members")
    body = CoordinationBody(**fields)
    body._history_user = by  # type: ignore[attr-defined]
    body.full_clean()
    body.save()
    _set_relations(
        body,
        convenors=convenor_list,
        communes=communes,
        themes=themes,
        members=member_list,
    )
    history_squash(body, 0)
    return body


@transaction.atomic
def body_update(
    *,
    body_id: int,
    by: User,
    expected_version: int | None,
    fields: Mapping[str, Any],
    convenors: Iterable[Organisation] | None = None,
    communes: Iterable[Commune] | None = None,
    themes: Iterable[Theme] | None = None,
    members: Members | None = None,
) -> CoordinationBody:
    body = CoordinationBody.objects.select_for_update().get(pk=body_id)
    if expected_version is not None and body.version != expected_version:
        raise VersionConflict(body)
    mark = history_mark(body)
    convenor_list = None if convenors is None else list(convenors)
    member_list = None if members is None else list(members)
    _check_organisations(
        convenor_list or [],
        "convenors",
        kept=body.convenors.values_list("pk", flat=True),
    )
    _check_organisations(
        [o for o, _role in member_list or []],
        "members",
        kept=body.members.values_list("organisation_id", flat=True),
    )
    for name, value in fields.items():
        setattr(body, name, value)
    body.version += 1
    body._history_user = by  # type: ignore[attr-defined]
    body.full_clean()
    body.save()
    _set_relations(
        body,
        convenors=convenor_list,
        communes=communes,
        themes=themes,
        members=member_list,
    )
    history_squash(body, mark)
    return body


@transaction.atomic
def body_member_add(
    *,
    body_id: int,
    organisation: Organisation,
    by: User,
    role: str = BodyMember.Role.MEMBER,
    reason: str = "",
) -> bool:
    """Add one member, keeping the others; False when it is a member already.
    The body's history records the change, with `reason` when given."""
    body = CoordinationBody.objects.select_for_update().get(pk=body_id)
    if body.members.filter(organisation=organisation).exists():
        return False
    _check_organisations([organisation], "members")
    BodyMember.objects.create(body=body, organisation=organisation, role=role)
    body.version += 1
    body._history_user = by  # type: ignore[attr-defined]
    if reason:
        body._change_reason = reason  # type: ignore[attr-defined]
    body.save(update_fields=["version", "updated_at"])
    return True
