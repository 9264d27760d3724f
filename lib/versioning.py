"""Optimistic locking and history, shared by every app whose objects people edit.

A writer sends the `version` it read; a stale one raises VersionConflict instead
of overwriting someone else's change. History is kept by django-simple-history:
one row per write, squashed when a write also changes many-to-many relations.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """Optimistic locking: a writer sends the version it read; stale ones fail."""

    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class VersionConflict(Exception):
    """The object changed since the writer read it; `current` is what is stored now."""

    def __init__(self, current: Any) -> None:
        super().__init__(f"{type(current).__name__} {current.pk} changed meanwhile.")
        self.current = current


def check_version(current: Any, expected_version: int | None) -> None:
    """Raise VersionConflict when the writer read another version (None: no check)."""
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current)


def assign(obj: Any, fields: Mapping[str, Any]) -> list[str]:
    """Set the fields that differ; the names of those changed.

    A foreign key is compared by id: reading the object it points to would cost
    a query."""
    changed = []
    for name, value in fields.items():
        field = obj._meta.get_field(name)
        if field.many_to_one:
            before = getattr(obj, field.attname)
            after = value.pk if isinstance(value, models.Model) else value
        else:
            before, after = getattr(obj, name), value
        if before != after:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def history_mark(obj: Any) -> int:
    """The newest history row of an object, to squash what one write adds after it."""
    latest: int | None = obj.history.aggregate(latest=Max("history_id"))["latest"]
    return latest or 0


def history_squash(obj: Any, after: int) -> None:
    """Keep one history row per write: each many-to-many change adds its own row."""
    rows = obj.history.filter(history_id__gt=after)
    newest = rows.order_by("-history_id").values_list("history_id", flat=True).first()
    if newest is not None:
        rows.exclude(history_id=newest).delete()


@contextmanager
def history_paused(obj: Any) -> Iterator[None]:
    """Change an object's many-to-many relations without a history row each:
    the save that follows records them all in its own row."""
    obj.skip_history_when_saving = True
    try:
        yield
    finally:
        del obj.skip_history_when_saving


def save_with_history(
    obj: Any,
    *,
    by: Any,
    reason: str = "",
    update_fields: Iterable[str] | None = None,
    validate_constraints: bool = True,
) -> None:
    """Validate and save, recording who made the change and why in history.

    With `update_fields` (the fields a write changed), only those are validated
    (the others were when they were written), foreign keys excepted (they are
    objects the caller read: checking each again costs a query), and only their
    columns, with `version` and `updated_at`, written. `validate_constraints`
    False leaves the model's constraints to the database, for a service that
    checks them itself with its own messages."""
    obj._history_user = by
    if reason:
        obj._change_reason = reason
    if update_fields is None:
        obj.full_clean()
        obj.save()
        return
    changed = set(update_fields)
    obj.full_clean(
        exclude=[
            field.name
            for field in obj._meta.fields
            if field.name not in changed or field.many_to_one
        ],
        validate_constraints=validate_constraints,
    )
    obj.save(update_fields=[*dict.fromkeys([*changed, "version", "updated_at"])])


def history_record_many(
    model: type[models.Model],
    ids: Sequence[Any],
    *,
    by: Any,
    reason: str,
    kind: str = "+",
) -> None:
    """One history row per object written in bulk (bulk_create and update() write
    none), as a save of each would have recorded it: `kind` "+" for created, "~"
    for changed, with the author, reason and date. The rows are copied from the
    stored objects, and the many-to-many fields the history keeps with them, by
    INSERT … SELECT: no historical instance is built in Python."""
    if not ids:
        return
    history: Any = model.history.model  # type: ignore[attr-defined]
    quote = connection.ops.quote_name
    table = quote(history._meta.db_table)
    copied = [
        quote(field.column)
        for field in history._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    placeholders = ", ".join(["%s"] * len(ids))
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(history_id) FROM {table}")  # noqa: S608
        mark = cursor.fetchone()[0] or 0
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(copied)}, history_date, "  # noqa: S608
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {', '.join(copied)}, %s, %s, %s, %s "
            f"FROM {quote(model._meta.db_table)} WHERE id IN ({placeholders})",
            [stamp, reason, kind, getattr(by, "pk", None), *ids],
        )
        for field in history._history_m2m_fields:
            through = field.remote_field.through
            own = quote(through._meta.get_field(field.m2m_field_name()).column)
            other = quote(
                through._meta.get_field(field.m2m_reverse_field_name()).column
            )
            cursor.execute(
                f"INSERT INTO {quote(_history_through(history, field).db_table)} "  # noqa: S608
                f"(id, {own}, {other}, history_id) "
                f"SELECT t.id, t.{own}, t.{other}, h.history_id "
                f"FROM {quote(through._meta.db_table)} t "
                f"JOIN {table} h ON h.id = t.{own} "
                "WHERE h.history_id > %s AND h.history_type = %s "
                f"AND t.{own} IN ({placeholders})",
                [mark, kind, *ids],
            )


def _history_through(history: Any, field: models.ManyToManyField[Any, Any]) -> Any:
    """The options of the table where the history keeps a many-to-many field."""
    name = f"{history.__name__}_{field.name}"
    for relation in history._meta.related_objects:
        if relation.related_model.__name__ == name:
            return relation.related_model._meta
    raise LookupError(name)
