"""Versioned event contracts: the envelope, the payloads of every domain, the codec."""

from streaming.events.codec import decode, encode
from streaming.events.contract import (
    Contract,
    EventPayload,
    Money,
    OrderItem,
    OrderStatus,
    PaymentStatus,
    StockLine,
)
from streaming.events.envelope import Envelope, child_traceparent, current_traceparent
from streaming.events.inventory import (
    InventoryReservationFailed,
    InventoryReserved,
    InventoryUpdated,
    Shortage,
)
from streaming.events.orders import (
    OrderCancelled,
    OrderCreated,
    OrderEvent,
    OrderShipped,
    OrderStatusChanged,
)
from streaming.events.payments import PaymentProcessed, PaymentRefunded
from streaming.events.registry import (
    MalformedEventError,
    PoisonMessageError,
    UnknownEventError,
    payload_model,
    register,
    registered,
)
from streaming.events.users import (
    EmailVerificationRequested,
    PasswordResetRequested,
    UserRegistered,
)

__all__ = [
    "Contract",
    "EmailVerificationRequested",
    "Envelope",
    "EventPayload",
    "InventoryReservationFailed",
    "InventoryReserved",
    "InventoryUpdated",
    "MalformedEventError",
    "Money",
    "OrderCancelled",
    "OrderCreated",
    "OrderEvent",
    "OrderItem",
    "OrderShipped",
    "OrderStatus",
    "OrderStatusChanged",
    "PasswordResetRequested",
    "PaymentProcessed",
    "PaymentRefunded",
    "PaymentStatus",
    "PoisonMessageError",
    "Shortage",
    "StockLine",
    "UnknownEventError",
    "UserRegistered",
    "child_traceparent",
    "current_traceparent",
    "decode",
    "encode",
    "payload_model",
    "register",
    "registered",
]
