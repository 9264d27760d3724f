"""Reference data (territory, vocabularies) read once and kept in the cache.

Pages read the same few hundred communes and terms on every request; they change a
few times a year. A value is kept for REFERENCE_SECONDS and dropped at once, in the
process that saves or deletes a row of one of its source models; other server
processes catch up when it expires. Bulk loads (load_reference) clear the cache.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

REFERENCE_SECONDS = 300

_keys_by_model: dict[type[Model], set[str]] = {}


def cached_reference[T](
    key: str, build: Callable[[], T], *, sources: Iterable[type[Model]]
) -> T:
    """The cached value under `key`, built by `build()` when missing; saving or
    deleting a row of any of `sources` drops it."""
    for model in sources:
        _watch(model, key)
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, REFERENCE_SECONDS)
    return value


def _watch(model: type[Model], key: str) -> None:
    keys = _keys_by_model.get(model)
    if keys is None:
        keys = _keys_by_model[model] = set()
        for signal in (post_save, post_delete):
            signal.connect(
                _forget,
                sender=model,
                dispatch_uid=f"refcache-{model._meta.label_lower}",
            )
    keys.add(key)


def _forget(sender: type[Model], **_kwargs: Any) -> None:
    cache.delete_many(list(_keys_by_model.get(sender, ())))
