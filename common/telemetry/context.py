"""Per-request ids every log line carries: the request id and the saga's correlation id."""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["correlation_id", "request_id"]

# Set by the HTTP boundary of each process (gateway: x-request-id; subgraphs: x-request-id and
# x-correlation-id), read by the log formatter and by whatever writes events.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
