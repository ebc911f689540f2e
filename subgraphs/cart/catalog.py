"""The domain's ``Catalog`` over the products subgraph: one batched ``_entities`` read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from subgraphs.cart.domain.pricing import CatalogProduct
from subgraphs.kit.entity_client import EntityClient, UpstreamUnavailable

__all__ = ["ProductsCatalog"]

SELECTION = "id name price { amount currency } stock"


class ProductsCatalog:
    """Current name, price and stock, asked of products on behalf of one caller."""

    def __init__(self, client: EntityClient, authorization: str | None = None) -> None:
        self._client = client
        self._authorization = authorization

    async def lookup(self, product_ids: Sequence[str]) -> dict[str, CatalogProduct]:
        ids = list(dict.fromkeys(product_ids))
        if not ids:
            return {}
        keys = [{"id": product_id} for product_id in ids]
        rows = await self._client.fetch(
            "Product", keys, SELECTION, authorization=self._authorization
        )
        return {pid: _product(pid, row) for pid, row in zip(ids, rows, strict=True) if row}


def _product(product_id: str, row: dict[str, Any]) -> CatalogProduct:
    try:
        price = row["price"]
        return CatalogProduct(product_id, str(row["name"]), int(price["amount"]),
                              str(price["currency"]), int(row["stock"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise UpstreamUnavailable("products answered with an unexpected shape") from exc
