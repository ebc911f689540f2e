"""Service credentials for tests: a directory of generated Ed25519 key pairs, one per service."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from common.auth.service_keys import generate_key_pair

__all__ = ["SERVICES", "generated_keys"]

SERVICES = ("gateway", "users", "products", "cart", "orders", "payments", "notifications")


def generated_keys(directory: Path, names: Iterable[str] = SERVICES) -> Path:
    """``directory`` holding ``<name>.key`` and ``<name>.pub`` for every name (made once)."""
    for name in names:
        if not (directory / f"{name}.key").is_file():
            generate_key_pair(directory, name)
    return directory
