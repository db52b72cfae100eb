"""Cache backends for fault and race tests (named in CACHES["default"]["BACKEND"])."""

from __future__ import annotations

import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache


class UnreachableCache(BaseCache):
    """Every operation fails as a stopped Redis does (redis-py raises ConnectionError)."""

    def __init__(self, location, params):  # type: ignore[no-untyped-def]
        super().__init__(params)

    def _fail(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    add = get = set = touch = delete = incr = decr = has_key = clear = _fail
    get_many = set_many = delete_many = _fail


class SlowLocMemCache(LocMemCache):
    """Process memory with a network's latency before every operation, so that a read followed
    by a write (not atomic) is interleaved by other threads as it would be on a shared Redis.
    Each operation itself stays atomic, as on Redis."""

    LATENCY = 0.002

    def get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(self.LATENCY)
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(self.LATENCY)
        return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(self.LATENCY)
        return super().add(*args, **kwargs)

    def incr(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(self.LATENCY)
        return super().incr(*args, **kwargs)
