"""Dev service credentials: one Ed25519 key pair per process under var/keys, made once.

Every subgraph requires a trusted caller's service token in dev as in production (issue 15);
``make dev`` generates the keys it needs and points every process at them. Without Redis every
subgraph reads token versions from users, whose routes serve trusted services only: there users
trusts every subgraph (``users_trust_env``).
"""

from __future__ import annotations

import json
from pathlib import Path

from common.auth.service_keys import generate_key_pair, private_key_path
from subgraphs.users.config import UsersSettings

__all__ = ["service_key_env", "users_trust_env"]


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


def users_trust_env(domains: list[str]) -> dict[str, str]:
    """users' TRUSTED_CALLERS when ``domains`` read token versions from it over HTTP: its usual
    callers and every other subgraph, with no scope (dev keys all sit in one directory, readable
    by every dev process anyway)."""
    usual = UsersSettings.model_fields["trusted_callers"].get_default(call_default_factory=True)
    peers = {name: [] for name in domains if name != "users" and name not in usual}
    return {"USERS_TRUSTED_CALLERS": json.dumps({**usual, **peers})}
