"""``python -m subgraphs.notifications serve|migrate|seed|sdl`` (the kit's shared CLI)."""

from __future__ import annotations

from subgraphs.kit.cli import ServiceSpec, main
from subgraphs.notifications.app import build_app
from subgraphs.notifications.config import MIGRATIONS_DIR, PORT, SERVICE, NotificationsSettings
from subgraphs.notifications.graphql.schema import schema
from subgraphs.notifications.seed import seed

__all__ = ["SPEC"]

SPEC = ServiceSpec(
    name=SERVICE,
    port=PORT,
    settings_cls=NotificationsSettings,
    migrations_dir=MIGRATIONS_DIR,
    build_app=build_app,
    schema=lambda: schema,
    seed=seed,
)

if __name__ == "__main__":
    main(SPEC)
