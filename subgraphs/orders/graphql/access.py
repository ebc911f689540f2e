"""Who may see an order (its owner or an admin) and the request's batched loads of orders."""

from __future__ import annotations

from strawberry.types import Info

from subgraphs.kit.tokens import Principal
from subgraphs.orders.domain.records import OrderRecord

__all__ = ["authorization", "load_order", "visible"]


def visible(viewer: Principal | None, record: OrderRecord | None) -> OrderRecord | None:
    """The order for its owner or an admin; None for anyone else (DESIGN.md)."""
    if record is None or viewer is None:
        return None
    return record if viewer.id == record.user_id or viewer.is_admin else None


async def load_order(info: Info, order_id: str) -> OrderRecord | None:
    """By order id, through the request's loader: one SELECT per tick."""

    async def fetch(ids: list[str]) -> list[OrderRecord | None]:
        async with info.context.database.reads() as session:
            return await info.context.reads.get_many(session, ids)

    return await info.context.loader("orders", fetch).load(order_id)


def authorization(info: Info) -> str | None:
    """The caller's Authorization header, forwarded to cart and products."""
    return info.context.request.headers.get("authorization")
