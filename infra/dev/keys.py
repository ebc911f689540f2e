"""Dev service credentials: one Ed25519 key pair per process under var/keys, made once.

Every subgraph requires a trusted caller's service token in dev as in production (issue 15);
``make dev`` generates the keys it needs and points every process at them.
"""

from __future__ import annotations

from pathlib import Path

from common.auth.service_keys import generate_key_pair, private_key_path

__all__ = ["service_key_env"]


def service_key_env(directory: Path, names: list[str]) -> dict[str, str]:
    """Keys for ``names`` and the gateway in ``directory`` (kept when present), and the
    environment telling every process where they are."""
    for name in [*names, "gateway"]:
        if not private_key_path(directory, name).is_file():
            generate_key_pair(directory, name)
    return {
        "SERVICE_AUTH_REQUIRED": "true",
        "SERVICE_KEYS_DIR": str(directory),
        "GATEWAY_SERVICE_AUTH__KEY_FILE": str(private_key_path(directory, "gateway")),
    }
