"""Base model of every wire contract: camelCase JSON, strict types, tolerant of added fields."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationInfo, model_validator
from pydantic.alias_generators import to_camel

__all__ = [
    "TOLERANT",
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


TOLERANT = {"tolerant": True}
"""Validation context of decoding: fields a newer producer added are dropped, not refused."""


class Contract(BaseModel):
    """Frozen, camelCase on the wire. Building one with an unknown field is an error (a typo
    must not vanish silently); decoding with :data:`TOLERANT` ignores unknown fields instead."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        frozen=True,
        extra="forbid",
    )

    @model_validator(mode="before")
    @classmethod
    def _tolerate_unknown(cls, data: Any, info: ValidationInfo) -> Any:
        if not (isinstance(data, dict) and info.context and info.context.get("tolerant")):
            return data
        known = {n for name, f in cls.model_fields.items() for n in (name, f.alias)}
        return {key: value for key, value in data.items() if key in known}


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
