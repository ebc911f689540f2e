"""Where carts live: one interface, in-process or Redis, with compare-and-set writes.

Every write names the version it replaces (``cart.version - 1``), so two concurrent changes to
one cart cannot both win: the loser re-reads and tries again (optimistic concurrency). Writes
refresh the cart's time to live, so carts expire after a period without changes.
"""

from __future__ import annotations

from typing import Protocol

import orjson

from subgraphs.cart.domain.records import CartKey, Line, StoredCart

__all__ = ["CartStore", "decode_lines", "encode_lines"]


class CartStore(Protocol):
    async def load(self, key: CartKey) -> StoredCart:
        """The stored cart, or an empty version-0 cart when there is none (or it expired)."""
        ...

    async def load_two(self, first: CartKey, second: CartKey) -> tuple[StoredCart, StoredCart]:
        """``load`` of two carts (a merge's target and guest) in one round trip."""
        ...

    async def save(self, cart: StoredCart, *, absorbed: StoredCart | None = None) -> bool:
        """Store ``cart`` if the stored version is still ``cart.version - 1``; when ``absorbed``
        is given, delete it in the same step, if its version is unchanged too. All or nothing;
        False when another writer got there first."""
        ...

    async def empty_at_version(self, key: CartKey, version: int) -> bool:
        """Empty the cart if it is still at ``version`` and holds lines: the next version, with
        no lines and a refreshed time to live, in one atomic step (no read-then-write race to
        retry). False, changing nothing, when it is at another version or already empty."""
        ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


def encode_lines(lines: tuple[Line, ...]) -> bytes:
    return orjson.dumps([[line.product_id, line.quantity] for line in lines])


def decode_lines(data: bytes) -> tuple[Line, ...]:
    return tuple(Line(str(pid), int(qty)) for pid, qty in orjson.loads(data))
