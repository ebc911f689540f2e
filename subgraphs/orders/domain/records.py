"""Plain frozen values the orders domain takes in (cart snapshot, catalog) and hands out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streaming.events import OrderStatus

__all__ = [
    "CartLine",
    "CartSnapshot",
    "CatalogProduct",
    "OrderLine",
    "OrderPage",
    "OrderRecord",
    "StatusChange",
]


@dataclass(frozen=True, slots=True)
class CartLine:
    product_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class CartSnapshot:
    """The buyer's cart as cart answered at checkout: its id, version and lines."""

    cart_id: str
    version: int
    lines: tuple[CartLine, ...]


@dataclass(frozen=True, slots=True)
class CatalogProduct:
    """A product's authoritative name and price, as products answered at checkout."""

    id: str
    name: str
    price_amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line at the price snapshotted at checkout."""

    product_id: str
    product_name: str
    quantity: int
    unit_amount: int
    currency: str

    @property
    def line_amount(self) -> int:
        return self.unit_amount * self.quantity


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One row of an order's status history; the first has no previous status."""

    previous_status: OrderStatus | None
    status: OrderStatus
    reason: str | None
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class OrderRecord:
    id: str
    user_id: str
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    total_amount: int
    currency: str
    payment_method: str
    cart_id: str
    cart_version: int
    tracking_number: str | None
    cancellation_reason: str | None
    history: tuple[StatusChange, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OrderPage:
    """One page of a user's orders, newest first, each with its opaque cursor."""

    items: tuple[tuple[str, OrderRecord], ...]
    has_next_page: bool
    has_previous_page: bool
    total_count: int
