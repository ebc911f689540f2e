"""What checkout needs from other domains, as seams: the buyer's cart and the catalog.

Adapters over the cart and products subgraphs (``subgraphs/orders/upstream.py``) implement
them; tests may serve the real subgraphs' shapes in-process.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from subgraphs.orders.domain.records import CartSnapshot, CatalogProduct

__all__ = ["CartSource", "Catalog"]


class CartSource(Protocol):
    """The signed-in buyer's cart, read on their behalf."""

    async def snapshot(self) -> CartSnapshot: ...


class Catalog(Protocol):
    """Authoritative names and prices; products that no longer exist are absent."""

    async def lookup(self, product_ids: Sequence[str]) -> dict[str, CatalogProduct]: ...
