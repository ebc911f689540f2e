"""Events of stock (topic ``inventory``): reservations keyed by order id, stock by product id."""

from __future__ import annotations

from pydantic import AwareDatetime, Field, StrictInt

from streaming.events.contract import EventPayload, Money, StockLine
from streaming.events.registry import register
from streaming.topics import INVENTORY

__all__ = ["InventoryReservationFailed", "InventoryReserved", "InventoryUpdated", "Shortage"]


class Shortage(StockLine):
    """A line that could not be reserved: ``quantity`` asked, ``available`` in stock."""

    available: StrictInt


@register
class InventoryReserved(EventPayload):
    """Stock for every line of an order is held until ``expires_at``.

    Carries what payments needs to charge (owner, total, payment method), copied from
    OrderCreated, so payments keeps no copy of orders.
    """

    event_type = "InventoryReserved"
    topic = INVENTORY
    key_field = "order_id"

    order_id: str
    user_id: str
    items: list[StockLine] = Field(min_length=1)
    total: Money
    payment_method: str
    expires_at: AwareDatetime | None = None


@register
class InventoryReservationFailed(EventPayload):
    """Some line of an order could not be reserved; nothing was held."""

    event_type = "InventoryReservationFailed"
    topic = INVENTORY
    key_field = "order_id"

    order_id: str
    user_id: str
    reason: str
    shortages: list[Shortage] = Field(default_factory=list)


@register
class InventoryUpdated(EventPayload):
    """A product's available stock changed (reserved, released, committed or adjusted)."""

    event_type = "InventoryUpdated"
    topic = INVENTORY
    key_field = "product_id"

    product_id: str
    stock: StrictInt = Field(ge=0)
    delta: StrictInt
    reason: str
    order_id: str | None = None
