"""A fixed-window rate limit kept in the cache: how many times a client may do
something in a window (a public form's new answers, for instance)."""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    """The client's address (the proxy in front sets REMOTE_ADDR)."""
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limited(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one more use of `scope` by `key`; True once the window's limit is
    passed."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{bucket}"
    if cache.add(cache_key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window)
        count = 1
    return count > limit
