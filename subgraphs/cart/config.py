"""Cart settings: the kit's options plus where products lives, cart expiry and currency."""

from __future__ import annotations

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings

__all__ = ["PORT", "SERVICE", "CartSettings"]

SERVICE = "cart"
PORT = 5003
WEEK = 7 * 24 * 3600


class CartSettings(ServiceSettings):
    """Read from ``CART_<OPTION>`` then ``<OPTION>`` (see ``kit.settings.load_settings``)."""

    trusted_callers: dict[str, list[str]] = Field(
        default_factory=lambda: {"gateway": [], "orders": []},
        description="Services allowed to call this one -> the scopes each may hold (JSON); "
        "by default the gateway, and orders reading the buyer's cart at checkout.",
    )

    products_url: str = Field(
        "http://127.0.0.1:5002/graphql", description="GraphQL endpoint of the products subgraph."
    )
    products_timeout_seconds: float = Field(
        5.0, gt=0, description="How long one products lookup may take before UPSTREAM_UNAVAILABLE."
    )
    products_max_connections: int = Field(
        100,
        ge=1,
        description="Connections to products this process opens at most; idle ones stay open "
        "and are reused, so bursts of concurrent cart reads do not reconnect.",
    )
    cart_ttl_seconds: int = Field(
        WEEK, ge=1, description="A cart expires after this long without a change."
    )
    cart_namespace: str = Field("cart", min_length=1, description="Key prefix in Redis.")
    default_currency: str = Field(
        "USD", pattern=r"^[A-Z]{3}$", description="Currency of an empty cart's zero total."
    )
    consume_order_events: bool = Field(
        True, description="Consume OrderCreated from Kafka to empty carts after checkout."
    )
