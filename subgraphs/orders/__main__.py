"""``python -m subgraphs.orders serve|migrate|seed|sdl`` (the kit's shared CLI)."""

from __future__ import annotations

from subgraphs.kit.cli import ServiceSpec, main
from subgraphs.orders.app import build_app
from subgraphs.orders.config import MIGRATIONS_DIR, PORT, SERVICE, OrdersSettings
from subgraphs.orders.graphql.schema import schema

__all__ = ["SPEC"]

SPEC = ServiceSpec(
    name=SERVICE,
    port=PORT,
    settings_cls=OrdersSettings,
    migrations_dir=MIGRATIONS_DIR,
    build_app=build_app,
    schema=lambda: schema,
)

if __name__ == "__main__":
    main(SPEC)
