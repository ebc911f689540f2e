"""The one envelope every event travels in: id, type, version, time, correlation, trace, payload."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Self

from opentelemetry import trace
from pydantic import (
    AwareDatetime,
    Field,
    SerializeAsAny,
    ValidationInfo,
    field_validator,
    model_validator,
)

from streaming.events.contract import Contract, EventPayload
from streaming.events.registry import payload_model

__all__ = ["Envelope", "child_traceparent", "current_traceparent"]

# W3C Trace Context, section 3.2 (traceparent header): version-traceid-parentid-flags.
TRACEPARENT = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"


class Envelope(Contract):
    """An event on the wire. Build one with :meth:`wrap`; never set ``type``/``version`` by hand."""

    id: uuid.UUID
    type: str
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    correlation_id: str
    traceparent: str = Field(pattern=TRACEPARENT)
    payload: SerializeAsAny[EventPayload]

    @classmethod
    def wrap(
        cls,
        payload: EventPayload,
        *,
        cause: Envelope | None = None,
        correlation_id: str | None = None,
        traceparent: str | None = None,
    ) -> Self:
        """A new event carrying ``payload``; ``cause`` (the event being handled) passes on its
        correlation id and trace, so a whole saga shares one correlation id and one trace."""
        event_id = uuid.uuid4()
        return cls(
            id=event_id,
            type=payload.event_type,
            version=payload.event_version,
            occurred_at=datetime.now(UTC),
            correlation_id=correlation_id or (cause.correlation_id if cause else str(event_id)),
            traceparent=traceparent or _trace_of(cause),
            payload=payload,
        )

    @property
    def key(self) -> str:
        """The Kafka key: the payload's aggregate id."""
        return self.payload.key

    @property
    def topic(self) -> str:
        """The payload's default topic (its aggregate family)."""
        return self.payload.topic

    @field_validator("payload", mode="before")
    @classmethod
    def _typed_payload(cls, value: object, info: ValidationInfo) -> object:
        # The payload's model is chosen by the envelope's type and version (registry.py);
        # an unregistered pair raises UnknownEventError straight through pydantic.
        if isinstance(value, EventPayload) or not isinstance(value, dict):
            return value
        if "type" not in info.data or "version" not in info.data:
            raise ValueError("payload without a valid type and version")
        model = payload_model(info.data["type"], info.data["version"])
        return model.model_validate(value, context=info.context)

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _matches_payload(self) -> Self:
        expected = (self.payload.event_type, self.payload.event_version)
        if (self.type, self.version) != expected:
            raise ValueError(f"envelope says {self.type} v{self.version}, payload is {expected}")
        return self


def current_traceparent() -> str:
    """The active OpenTelemetry span as a traceparent, or a fresh sampled trace when none."""
    ctx = trace.get_current_span().get_span_context()
    if ctx.is_valid:
        return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def child_traceparent(parent: str) -> str:
    """Same trace and flags as ``parent``, new parent-id (W3C Trace Context, section 3.2.2.3)."""
    version, trace_id, _span, flags = parent.split("-")
    return f"{version}-{trace_id}-{secrets.token_hex(8)}-{flags}"


def _trace_of(cause: Envelope | None) -> str:
    # A handler runs in a span of the cause's trace (streaming/tracing.py): the new event is
    # that span's child, so the trace stays connected; elsewhere, a new id in the same trace.
    if cause is None:
        return current_traceparent()
    context = trace.get_current_span().get_span_context()
    if context.is_valid and f"{context.trace_id:032x}" == cause.traceparent.split("-")[1]:
        return current_traceparent()
    return child_traceparent(cause.traceparent)
