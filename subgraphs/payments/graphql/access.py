"""Who may see a payment, and the request's batched loads of payments by id and by order."""

from __future__ import annotations

from strawberry.types import Info

from subgraphs.kit.tokens import Principal
from subgraphs.payments.domain.records import PaymentRecord

__all__ = ["load_payment", "load_payment_of_order", "visible"]


def visible(viewer: Principal | None, record: PaymentRecord | None) -> PaymentRecord | None:
    """The payment for the order's owner or an admin; None for anyone else (DESIGN.md: only
    the owner of an order or an admin may read it)."""
    if record is None or viewer is None:
        return None
    return record if viewer.id == record.user_id or viewer.is_admin else None


async def load_payment(info: Info, payment_id: str) -> PaymentRecord | None:
    """By payment id, through the request's loader: one SELECT per tick."""

    async def fetch(ids: list[str]) -> list[PaymentRecord | None]:
        async with info.context.database.reads() as session:
            return await info.context.payments.get_many(session, ids)

    return await info.context.loader("payments", fetch).load(payment_id)


async def load_payment_of_order(info: Info, order_id: str) -> PaymentRecord | None:
    """By order id, through the request's loader: one SELECT per tick."""

    async def fetch(ids: list[str]) -> list[PaymentRecord | None]:
        async with info.context.database.reads() as session:
            return await info.context.payments.by_orders(session, ids)

    return await info.context.loader("payments_by_order", fetch).load(order_id)
