"""The ``subscriptions`` section of the gateway's settings (transports, limits, queues).

Part of the one strict ``GatewayConfig``; kept apart so that model stays readable.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SubscriptionsConfig"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubscriptionsConfig(_Strict):
    """Subscriptions over WebSocket (graphql-transport-ws), SSE and multipart HTTP."""

    enabled: bool = Field(True, description="Serve subscription operations.")
    max_total: int = Field(
        10_000, ge=1, description="Client subscriptions open at once in this gateway process; "
        "one more is refused with SUBSCRIPTION_LIMIT."
    )
    max_per_connection: int = Field(
        100, ge=1, description="Subscriptions one WebSocket connection may have open at once."
    )
    queue_size: int = Field(
        64, ge=1, description="Events buffered per client subscription; a subscriber that falls "
        "further behind is ended with SUBSCRIPTION_QUEUE_OVERFLOW (nothing is dropped silently)."
    )
    connection_init_timeout_seconds: float = Field(
        10.0, gt=0, description="A WebSocket client must send connection_init this soon (4408)."
    )
    heartbeat_seconds: float = Field(
        5.0, gt=0, description="Keep-alive interval of SSE comments and multipart `{}` parts."
    )
    upstream_per_connection: int = Field(
        100, ge=1, description="Subscriptions multiplexed on one WebSocket to a subgraph "
        "(Strawberry's default limit is 100)."
    )
    upstream_timeout_seconds: float = Field(
        10.0, gt=0, description="Connecting and handshaking with a subgraph's WebSocket."
    )
    upstream_linger_seconds: float = Field(
        10.0, ge=0, description="A WebSocket to a subgraph left without subscriptions stays "
        "open this long for the next subscription of the same identity (a user following one "
        "order, then the next), sparing a handshake and connection_init; never past the expiry "
        "of the token it was opened with. 0: close it at once."
    )
    upstream_resume_seconds: float = Field(
        30.0, ge=0, description="When a subgraph's WebSocket drops (a restart), subscribe again "
        "for this long while client streams stay open; then they end with "
        "SUBGRAPH_STREAM_CLOSED. 0: end them at once."
    )
