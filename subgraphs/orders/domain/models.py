"""SQLAlchemy models of the orders database, with its outbox and inbox tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from streaming.events import OrderStatus
from streaming.inbox import inbox_table
from streaming.outbox import outbox_table
from subgraphs.kit.columns import UtcDateTime
from subgraphs.kit.models import domain_metadata

__all__ = ["INBOX", "OUTBOX", "Base", "Order", "OrderItem", "OrderStatusChange"]


class Base(DeclarativeBase):
    """Declarative base of the orders database only."""

    metadata = domain_metadata()


_STATUSES = ", ".join(f"'{status.value}'" for status in OrderStatus)
OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)


class Order(Base):
    """An order; ``(user_id, cart_id, cart_version)`` is unique, so one cart version is bought
    once however often checkout is called. ``row_version`` guards concurrent transitions: an
    UPDATE that finds another row_version than it read changes nothing (repository.move)."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("user_id", "cart_id", "cart_version", name="uq_orders_checkout"),
        Index("ix_orders_user_newest", "user_id", "created_at", "id"),
        Index("ix_orders_status_created", "status", "created_at"),
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        CheckConstraint("total_amount >= 0", name="total_amount"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))
    total_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    payment_method: Mapped[str] = mapped_column(String(255))
    cart_id: Mapped[str] = mapped_column(String(255))
    cart_version: Mapped[int] = mapped_column(Integer)
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    cancellation_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    row_version: Mapped[int] = mapped_column(Integer)


class OrderItem(Base):
    """One order line, priced and named as products said at checkout."""

    __tablename__ = "order_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("unit_amount >= 0", name="unit_amount"),
    )

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(String(255))
    product_name: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class OrderStatusChange(Base):
    """One status an order entered, when and why; appended, never changed."""

    __tablename__ = "order_status_changes"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    previous_status: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)

