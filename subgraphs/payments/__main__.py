"""``python -m subgraphs.payments serve|migrate|seed|sdl`` (the kit's shared CLI)."""

from __future__ import annotations

from subgraphs.kit.cli import ServiceSpec, main
from subgraphs.payments.app import build_app
from subgraphs.payments.config import MIGRATIONS_DIR, PORT, SERVICE, PaymentsSettings
from subgraphs.payments.graphql.schema import schema

__all__ = ["SPEC"]

SPEC = ServiceSpec(
    name=SERVICE,
    port=PORT,
    settings_cls=PaymentsSettings,
    migrations_dir=MIGRATIONS_DIR,
    build_app=build_app,
    schema=lambda: schema,
)

if __name__ == "__main__":
    main(SPEC)
