"""``python -m subgraphs.users serve|migrate|seed|sdl`` (the kit's shared CLI)."""

from __future__ import annotations

from subgraphs.kit.cli import ServiceSpec, main
from subgraphs.users.app import build_app
from subgraphs.users.config import MIGRATIONS_DIR, PORT, SERVICE, UsersSettings
from subgraphs.users.graphql.schema import schema
from subgraphs.users.seed import seed

__all__ = ["SPEC"]

SPEC = ServiceSpec(
    name=SERVICE,
    port=PORT,
    settings_cls=UsersSettings,
    migrations_dir=MIGRATIONS_DIR,
    build_app=build_app,
    schema=lambda: schema,
    seed=seed,
)

if __name__ == "__main__":
    main(SPEC)
