"""Products settings: the kit's options plus the catalog cache and the checkout saga."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings

__all__ = ["MIGRATIONS_DIR", "PORT", "SERVICE", "ProductsSettings"]

SERVICE = "products"
PORT = 5002
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class ProductsSettings(ServiceSettings):
    """Read from ``PRODUCTS_<OPTION>`` then ``<OPTION>`` (see ``kit.settings.load_settings``)."""

    trusted_callers: dict[str, list[str]] = Field(
        default_factory=lambda: {"gateway": [], "cart": [], "orders": []},
        description="Services allowed to call this one -> the scopes each may hold (JSON); "
        "by default the gateway, and cart's and orders' price lookups.",
    )

    cache_ttl_seconds: int = Field(1800, ge=1, description="Time to live of cached products.")
    cache_namespace: str = Field(
        "products", min_length=1, description="Key prefix in the shared cache (Redis)."
    )
    reservation_ttl_seconds: int = Field(
        900, ge=1, description="How long checkout holds stock for an order awaiting payment."
    )
    reservation_sweep_seconds: float = Field(
        30.0, gt=0, description="How often overdue reservations are released."
    )
    event_workers: bool = Field(
        True,
        description="Run the outbox relay, the saga consumer and the expiry sweep with the app; "
        "off, events wait in the outbox and no reservation is made or expired.",
    )
