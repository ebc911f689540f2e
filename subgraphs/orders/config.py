"""Orders settings: the kit's options plus where cart and products live and payment expiry."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings

__all__ = ["CONSUMER_GROUP", "MIGRATIONS_DIR", "PORT", "SERVICE", "OrdersSettings"]

SERVICE = "orders"
PORT = 5004
CONSUMER_GROUP = "orders"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class OrdersSettings(ServiceSettings):
    """Read from ``ORDERS_<OPTION>`` then ``<OPTION>`` (see ``kit.settings.load_settings``)."""

    cart_url: str = Field(
        "http://127.0.0.1:5003/graphql", description="GraphQL endpoint of the cart subgraph."
    )
    products_url: str = Field(
        "http://127.0.0.1:5002/graphql", description="GraphQL endpoint of the products subgraph."
    )
    upstream_timeout_seconds: float = Field(
        5.0, gt=0, description="How long one cart or products read may take at checkout."
    )
    payment_timeout_seconds: int = Field(
        900, ge=1, description="A PENDING order older than this is cancelled ('payment timeout')."
    )
    expiry_interval_seconds: float = Field(
        30.0, gt=0, description="How often the sweep looks for PENDING orders past the timeout."
    )
    expire_orders: bool = Field(
        True, description="Run the expiry sweep in this process (tests drive it by hand)."
    )
