"""Who may see and change which register object: the only way views and the API
fetch a protected object.

Reading the register's non-personal data is open to every signed-in role.
Coordinators and administrators change everything; a focal point changes what
belongs to the organisations they are members of. Contacts are personal data:
a contact that was not shared is seen only by coordinators, administrators and
the members of its organisation; observers see no contacts.

Each helper raises Http404 when the object does not exist or may not be seen,
and PermissionDenied when it may be seen but not changed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import (
    ADMIN,
    COORDINATOR,
    FOCAL_POINT,
    OBSERVER,
    add_rules,
    can,
)
from register.models import Assessment, Contact, Organisation, Relation, Service

add_rules(
    {
        # Read stakeholder assessments (judgements about organisations).
        "assessment.view": frozenset({ADMIN, COORDINATOR, OBSERVER}),
        # Focal points edit what belongs to the organisations they are members of.
        "register.edit_own": frozenset({FOCAL_POINT}),
        # Archiving takes an actor out of the register, restoring brings it back:
        # coordinators decide it, also through a former version.
        "organisation.archive": frozenset({ADMIN, COORDINATOR}),
    }
)


def member_organisation_ids(user: User) -> set[int]:
    """The organisations the user is a member of (cached on the user object)."""
    cached: set[int] | None = getattr(user, "_member_organisation_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("organisation_id", flat=True))
        user._member_organisation_ids = cached  # type: ignore[attr-defined]
    return cached


def can_read_register(user: User) -> bool:
    return can(user, "internal.view")


def can_edit_organisation(user: User, organisation_id: int) -> bool:
    if can(user, "register.manage"):
        return True
    if not can(user, "register.edit_own"):
        return False
    return organisation_id in member_organisation_ids(user)


def can_create_organisation(user: User) -> bool:
    return can(user, "register.manage")


def visible_contacts(user: User, queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    """The contacts among the queryset that the user may see."""
    if can(user, "personal_data.view"):
        return queryset
    if not can(user, "register.edit_own"):
        return queryset.none()
    return queryset.filter(
        Q(shared=True) | Q(organisation_id__in=member_organisation_ids(user))
    )


def get_organisation_for_user(
    user: User, pk: int, *, write: bool = False
) -> Organisation:
    if not can_read_register(user):
        raise Http404
    organisation = (
        Organisation.objects.select_related(
            "level", "sector", "actor_type", "parent", "commune"
        )
        .filter(pk=pk)
        .first()
    )
    if organisation is None:
        raise Http404(f"No organisation has the id {pk}.")
    if write and not can_edit_organisation(user, organisation.pk):
        raise PermissionDenied
    return organisation


def get_contact_for_user(user: User, pk: int, *, write: bool = False) -> Contact:
    contact = (
        visible_contacts(user, Contact.objects.select_related("organisation"))
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404(f"No contact with the id {pk} is visible to you.")
    if write and not can_edit_organisation(user, contact.organisation_id):
        raise PermissionDenied
    return contact


def get_service_for_user(user: User, pk: int, *, write: bool = False) -> Service:
    if not can_read_register(user):
        raise Http404
    service = (
        Service.objects.select_related("organisation", "theme", "subtheme")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise Http404(f"No service has the id {pk}.")
    if write and not can_edit_organisation(user, service.organisation_id):
        raise PermissionDenied
    return service


def can_edit_relation(user: User, relation: Relation) -> bool:
    """Coordinators edit every relation; a focal point those their organisation
    declared."""
    return can_edit_declared(user, relation.declared_by_id)


def can_edit_declared(user: User, declared_by_id: int | None) -> bool:
    """Whether the user may edit a relation declared by this organisation (None:
    declared by the coordination)."""
    if can(user, "register.manage"):
        return True
    if declared_by_id is None:
        return False
    return can_edit_organisation(user, declared_by_id)


def get_relation_for_user(user: User, pk: int, *, write: bool = False) -> Relation:
    if not can_read_register(user):
        raise Http404
    relation = (
        Relation.objects.select_related("source", "target", "type", "declared_by")
        .filter(pk=pk)
        .first()
    )
    if relation is None:
        raise Http404(f"No relation has the id {pk}.")
    if write and not can_edit_relation(user, relation):
        raise PermissionDenied
    return relation


def can_archive_organisation(user: User) -> bool:
    """Whether the user may archive or restore organisations (the one place)."""
    return can(user, "organisation.archive")


def get_assessment_for_user(user: User, pk: int) -> Assessment:
    """An assessment, for those who may read judgements about organisations."""
    if not can(user, "assessment.view"):
        raise PermissionDenied
    assessment = Assessment.objects.select_related("author").filter(pk=pk).first()
    if assessment is None:
        raise Http404(f"No assessment has the id {pk}.")
    return assessment
