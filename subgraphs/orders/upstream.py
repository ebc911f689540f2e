"""The checkout seams over the other subgraphs: the buyer's cart (cart's ``User.cart``) and the
catalog (products' ``Product``), each one batched ``_entities`` read forwarding the caller's
Authorization, the way the gateway would ask them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from subgraphs.kit.entity_client import EntityClient, UpstreamUnavailable
from subgraphs.orders.domain.records import CartLine, CartSnapshot, CatalogProduct

__all__ = ["CART_SELECTION", "PRODUCT_SELECTION", "ProductsCatalog", "UserCart"]

CART_SELECTION = "cart { id version items { product { id } quantity } }"
PRODUCT_SELECTION = "id name price { amount currency }"


class UserCart:
    """The signed-in user's cart as cart shows it to them (so cart checks who asks)."""

    def __init__(self, client: EntityClient, user_id: str, authorization: str | None) -> None:
        self._client, self._user_id, self._authorization = client, user_id, authorization

    async def snapshot(self) -> CartSnapshot:
        [row] = await self._client.fetch(
            "User", [{"id": self._user_id}], CART_SELECTION, authorization=self._authorization
        )
        try:
            cart = (row or {})["cart"]
            lines = tuple(_line(item) for item in cart["items"])
            return CartSnapshot(str(cart["id"]), _int(cart["version"]), lines)
        except (KeyError, TypeError, ValueError) as exc:
            raise UpstreamUnavailable("cart answered with an unexpected shape") from exc


class ProductsCatalog:
    """Current names and prices, asked of products on behalf of one caller."""

    def __init__(self, client: EntityClient, authorization: str | None) -> None:
        self._client, self._authorization = client, authorization

    async def lookup(self, product_ids: Sequence[str]) -> dict[str, CatalogProduct]:
        ids = list(dict.fromkeys(product_ids))
        rows = await self._client.fetch(
            "Product", [{"id": pid} for pid in ids], PRODUCT_SELECTION,
            authorization=self._authorization,
        )
        try:
            return {pid: _product(pid, row) for pid, row in zip(ids, rows, strict=True) if row}
        except (KeyError, TypeError, ValueError) as exc:
            raise UpstreamUnavailable("products answered with an unexpected shape") from exc


def _line(item: dict[str, Any]) -> CartLine:
    quantity = _int(item["quantity"])
    if quantity < 1:
        raise ValueError("a cart line without a positive quantity")
    return CartLine(str(item["product"]["id"]), quantity)


def _product(product_id: str, row: dict[str, Any]) -> CatalogProduct:
    price = row["price"]
    return CatalogProduct(product_id, str(row["name"]), _int(price["amount"]),
                          str(price["currency"]))


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected an integer, got {type(value).__name__}")
    return value
