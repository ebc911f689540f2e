"""A small LRU map for the pipeline's preparation caches, bounded by entries and by weight."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

__all__ = ["LRU", "text_key"]

V = TypeVar("V")


def text_key(text: str) -> bytes:
    """A fixed-size cache key for a document: caches then hold no client text as keys."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class LRU(Generic[V]):
    """Least-recently-used cache of at most ``size`` entries and ``max_weight`` total weight.

    The weight of an entry is what its value costs in memory (e.g. the document's length, which
    bounds its AST), so a few huge documents cannot pin memory that many small ones would not.
    """

    def __init__(self, size: int, max_weight: int | None = None) -> None:
        self.size = size
        self.max_weight = max_weight
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = Lock()
        self.hits = 0
        self.misses = 0

    def get_or_make(self, key: Hashable, make: Callable[[], V], weight: int = 0) -> V:
        """The cached value for ``key``, made (outside the lock) on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key][0]
        value = make()
        with self._lock:
            self.misses += 1
            if key not in self._items:
                self._items[key] = (value, weight)
                self._weight += weight
            self._evict()
        return value

    def __contains__(self, key: Hashable) -> bool:
        """Whether ``key`` is cached (a peek: neither a hit nor a use)."""
        return key in self._items

    def _evict(self) -> None:
        limit = self.max_weight
        while self._items and (
            len(self._items) > self.size or (limit is not None and self._weight > limit)
        ):
            _, (_, weight) = self._items.popitem(last=False)
            self._weight -= weight

    @property
    def weight(self) -> int:
        return self._weight

    def __len__(self) -> int:
        return len(self._items)
