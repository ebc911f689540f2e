"""``python -m subgraphs.cart serve|migrate|seed|sdl`` (the kit's shared CLI).

The cart keeps no SQL database, so ``migrate`` has nothing to do and ``seed`` loads nothing.
"""

from __future__ import annotations

from subgraphs.cart.app import build_app
from subgraphs.cart.config import PORT, SERVICE, CartSettings
from subgraphs.cart.graphql.schema import schema
from subgraphs.kit.cli import ServiceSpec, main

__all__ = ["SPEC"]

SPEC = ServiceSpec(
    name=SERVICE,
    port=PORT,
    settings_cls=CartSettings,
    migrations_dir=None,
    build_app=build_app,
    schema=lambda: schema,
)

if __name__ == "__main__":
    main(SPEC)
