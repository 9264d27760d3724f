"""Reference data (territory, vocabularies) read once and kept in memory.

Pages read the same few hundred communes and terms on every request; they change a
few times a year. A value is kept in the server process for REFERENCE_SECONDS, as
the very objects built (no copy: callers only read them), and dropped at once in
the process that saves or deletes a row of one of its source models; other server
processes catch up when it expires. Bulk loads (load_reference) call forget_all().
"""

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

REFERENCE_SECONDS = 300

_values: dict[str, tuple[float, Any]] = {}
_keys_by_model: dict[type[Model], set[str]] = {}


def cached_reference[T](
    key: str, build: Callable[[], T], *, sources: Iterable[type[Model]]
) -> T:
    """The value kept under `key`, built by `build()` when missing or expired;
    saving or deleting a row of any of `sources` drops it."""
    for model in sources:
        _watch(model, key)
    kept = _values.get(key)
    if kept is not None and kept[0] > time.monotonic():
        value: T = kept[1]
        return value
    value = build()
    _values[key] = (time.monotonic() + REFERENCE_SECONDS, value)
    return value


def forget_all() -> None:
    """Drop every kept value (after a bulk load, and between tests)."""
    _values.clear()


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
    for key in _keys_by_model.get(sender, ()):
        _values.pop(key, None)
