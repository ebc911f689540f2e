"""Products settings: the kit's options plus the catalog cache and paging bounds."""

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

    cache_ttl_seconds: int = Field(1800, ge=1, description="Time to live of cached products.")
    cache_namespace: str = Field(
        "products", min_length=1, description="Key prefix in the shared cache (Redis)."
    )
