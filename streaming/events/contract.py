"""Base model of every wire contract: camelCase JSON, strict types, tolerant of added fields."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from pydantic.alias_generators import to_camel

__all__ = [
    "Contract",
    "EventPayload",
    "Money",
    "OrderItem",
    "OrderStatus",
    "PaymentStatus",
    "Quantity",
    "StockLine",
]

Quantity = Annotated[StrictInt, Field(gt=0)]


class Contract(BaseModel):
    """Frozen, camelCase on the wire; unknown fields are ignored so producers may add fields."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        frozen=True,
        extra="ignore",
    )


class EventPayload(Contract):
    """A versioned event body; subclasses name their type, version, topic and key field.

    Adding an optional field keeps the version; renaming, removing or retyping one is a new
    version registered beside the old one, so old and new consumers can both decode.
    """

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1
    topic: ClassVar[str]
    key_field: ClassVar[str]

    @property
    def key(self) -> str:
        """The aggregate id: the Kafka message key, so one aggregate's events stay ordered."""
        return str(getattr(self, self.key_field))


class Money(Contract):
    """Integer minor units plus ISO 4217 currency; never floats."""

    amount: StrictInt
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class OrderItem(Contract):
    """One order line at the price snapshotted at checkout."""

    product_id: str
    quantity: Quantity
    unit_price: Money


class StockLine(Contract):
    """A product and a quantity, as reserved, released or missing."""

    product_id: str
    quantity: Quantity


class OrderStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    CANCELLED = "CANCELLED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REFUNDED = "REFUNDED"
