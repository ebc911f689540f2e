"""The one in-process cache type: least recently used entries go first, bounded by count and weight.

Every bounded cache of the gateway and the subgraphs is one of these (preparation and plan
caches, APQ documents, rate-limit buckets, stale answers, verified tokens, token versions, the
kit's dev cache). An entry may carry a weight (what it costs in memory, so a few huge values
cannot pin what many small ones would not) and an expiry on the cache's clock. Every operation
holds one lock, so threads (the pipeline's ``get_or_make``, the token verifier) may share it.
``cachetools`` was considered: its caches bound either count or size, not both, and have no
per-entry expiry; this is ~80 lines.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

__all__ = ["LRU"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_NEVER = float("inf")


class LRU(Generic[K, V]):
    """At most ``size`` entries and ``max_weight`` total weight; ``get`` refreshes an entry."""

    def __init__(self, size: int, max_weight: int | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size, self.max_weight, self._clock = size, max_weight, clock
        self._items: OrderedDict[K, tuple[V, int, float]] = OrderedDict()  # value, weight, expiry
        self._weight = 0
        self._lock = Lock()
        self.hits = self.misses = 0

    def get(self, key: K, *, refresh: bool = True) -> V | None:
        """The live value for ``key`` (None when absent or expired), made most recent unless
        ``refresh`` is false (a cache that drops the least recently *stored*)."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[2] <= self._clock():
                self._drop(key)
                return None
            if refresh:
                self._items.move_to_end(key)
            return item[0]

    def put(self, key: K, value: V, *, weight: int = 0, expires: float = _NEVER) -> None:
        """Store ``value`` as the most recent entry; ``expires`` is a time on the cache's clock."""
        with self._lock:
            self._drop(key)
            self._items[key] = (value, weight, expires)
            self._weight += weight
            self._evict()

    def get_or_make(self, key: K, make: Callable[[], V], weight: int = 0) -> V:
        """The cached value for ``key``, made (outside the lock) on a miss."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return item[0]
        value = make()
        with self._lock:
            self.misses += 1
            if key not in self._items:
                self._items[key] = (value, weight, _NEVER)
                self._weight += weight
                self._evict()
        return value

    def pop(self, key: K) -> V | None:
        with self._lock:
            item = self._drop(key)
        return None if item is None else item[0]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0

    def _drop(self, key: K) -> tuple[V, int, float] | None:
        item = self._items.pop(key, None)
        if item is not None:
            self._weight -= item[1]
        return item

    def _evict(self) -> None:
        limit = self.max_weight
        while self._items and (
            len(self._items) > self.size or (limit is not None and self._weight > limit)
        ):
            _, (_, weight, _) = self._items.popitem(last=False)
            self._weight -= weight

    @property
    def weight(self) -> int:
        return self._weight

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items
