"""Who may see and change which coordination body: the only way views and the API
fetch one. Every signed-in role reads the bodies; coordinators and
administrators change them. Http404 when the body does not exist or may not be
seen, PermissionDenied when it may be seen but not changed."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import can
from coordination.models import CoordinationBody


def can_manage_bodies(user: User) -> bool:
    return can(user, "register.manage")


def get_body_for_user(
    user: User,
    pk: int,
    *,
    write: bool = False,
    queryset: QuerySet[CoordinationBody] | None = None,
) -> CoordinationBody:
    """A body; `queryset` reads it with what the caller shows of it."""
    if not can(user, "internal.view"):
        raise Http404
    if write and not can_manage_bodies(user):
        raise PermissionDenied
    rows = CoordinationBody.objects.all() if queryset is None else queryset
    body = rows.filter(pk=pk).first()
    if body is None:
        raise Http404(f"No coordination body has the id {pk}.")
    return body
