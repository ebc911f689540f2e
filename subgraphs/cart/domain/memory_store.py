"""Carts in this process (dev and tests): a dict with per-cart expiry."""

from __future__ import annotations

import time

from subgraphs.cart.domain.records import CartKey, Line, StoredCart

__all__ = ["MemoryCartStore"]

Entry = tuple[float, tuple[Line, ...], int]  # (expires at, lines, version)


class MemoryCartStore:
    """Each method runs without awaiting, so a compare-and-set is atomic on the event loop."""

    def __init__(self, ttl_seconds: int, max_carts: int = 100_000) -> None:
        self._ttl = ttl_seconds
        self._max = max_carts
        self._carts: dict[str, Entry] = {}

    async def load(self, key: CartKey) -> StoredCart:
        entry = self._live(key.storage)
        return StoredCart(key) if entry is None else StoredCart(key, entry[1], entry[2])

    async def load_two(self, first: CartKey, second: CartKey) -> tuple[StoredCart, StoredCart]:
        return await self.load(first), await self.load(second)

    async def save(self, cart: StoredCart, *, absorbed: StoredCart | None = None) -> bool:
        if self._version(cart.key.storage) != cart.version - 1:
            return False
        if absorbed is not None and self._version(absorbed.key.storage) != absorbed.version:
            return False
        if absorbed is not None:
            self._carts.pop(absorbed.key.storage, None)
        self._carts[cart.key.storage] = (time.monotonic() + self._ttl, cart.lines, cart.version)
        self._evict()
        return True

    async def empty_at_version(self, key: CartKey, version: int) -> bool:
        entry = self._live(key.storage)
        if entry is None or entry[2] != version or not entry[1]:
            return False
        return await self.save(StoredCart(key, entry[1], version).with_lines(()))

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._carts.clear()

    def _live(self, storage: str) -> Entry | None:
        entry = self._carts.get(storage)
        if entry is not None and entry[0] <= time.monotonic():
            del self._carts[storage]
            return None
        return entry

    def _version(self, storage: str) -> int:
        entry = self._live(storage)
        return 0 if entry is None else entry[2]

    def _evict(self) -> None:
        # Bounded memory: drop expired carts first, then those closest to expiring.
        if len(self._carts) <= self._max:
            return
        now = time.monotonic()
        for storage in [s for s, e in self._carts.items() if e[0] <= now]:
            del self._carts[storage]
        while len(self._carts) > self._max:
            del self._carts[min(self._carts, key=lambda s: self._carts[s][0])]
