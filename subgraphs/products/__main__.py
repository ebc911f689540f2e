"""``python -m subgraphs.products serve|migrate|seed|sdl`` (the kit's shared CLI)."""

from __future__ import annotations

from subgraphs.kit.cli import ServiceSpec, main
from subgraphs.products.app import build_app
from subgraphs.products.config import MIGRATIONS_DIR, PORT, SERVICE, ProductsSettings
from subgraphs.products.graphql.schema import schema
from subgraphs.products.seed import seed

__all__ = ["SPEC"]

SPEC = ServiceSpec(
    name=SERVICE,
    port=PORT,
    settings_cls=ProductsSettings,
    migrations_dir=MIGRATIONS_DIR,
    build_app=build_app,
    schema=lambda: schema,
    seed=seed,
)

if __name__ == "__main__":
    main(SPEC)
