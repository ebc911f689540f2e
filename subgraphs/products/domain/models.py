"""SQLAlchemy models of the catalog and its reservations, with the event outbox and inbox."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from streaming.inbox import inbox_table
from streaming.outbox import outbox_table
from subgraphs.kit.columns import UtcDateTime
from subgraphs.kit.models import domain_metadata
from subgraphs.products.domain.records import ProductRecord

__all__ = ["INBOX", "OUTBOX", "Base", "Product", "Reservation", "ReservationStatus", "UtcDateTime"]


class Base(DeclarativeBase):
    """Declarative base of the products database only."""

    metadata = domain_metadata()


OUTBOX = outbox_table(Base.metadata)
INBOX = inbox_table(Base.metadata)


class Product(Base):
    """A sellable item. ``stock`` counts units available now; reserved units are already out."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price_amount >= 0", name="price_not_negative"),
        Index("ix_products_price", "price_amount", "id"),
        Index("ix_products_name_key", "name_key", "id"),
        Index("ix_products_created", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # casefolded name, computed in Python so sorting and cursors agree on every dialect
    name_key: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    price_amount: Mapped[int] = mapped_column(Integer)
    price_currency: Mapped[str] = mapped_column(String(3))
    category: Mapped[str | None] = mapped_column(String(64), index=True)
    stock: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # +1 on every stock change, under the row lock: the catalog cache orders copies by it
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    def to_record(self) -> ProductRecord:
        return ProductRecord(
            id=self.id,
            sku=self.sku,
            name=self.name,
            description=self.description,
            price_amount=self.price_amount,
            price_currency=self.price_currency,
            category=self.category,
            stock=self.stock,
            created_at=self.created_at,
            version=self.version,
        )


class ReservationStatus(enum.StrEnum):
    """RESERVED holds units until ``expires_at``; COMMITTED keeps them sold; RELEASED gave them
    back; REJECTED records a failed reservation (it holds nothing), so a repeat fails alike."""

    RESERVED = "RESERVED"
    COMMITTED = "COMMITTED"
    RELEASED = "RELEASED"
    REJECTED = "REJECTED"


class Reservation(Base):
    """Units of one product held for one order; the units are already out of ``stock``."""

    __tablename__ = "reservations"
    __table_args__ = (
        UniqueConstraint("order_id", "product_id", name="uq_reservations_order_product"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_reservations_due", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    order_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    product_id: Mapped[str] = mapped_column(String(36))
    quantity: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # the saga's correlation id, so events the expiry sweep writes join the order's saga
    correlation_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
