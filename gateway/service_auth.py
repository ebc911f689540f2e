"""The gateway's service credential from its settings (the key is read once, at start)."""

from __future__ import annotations

from pathlib import Path

from common.auth.service_keys import load_private_key
from common.auth.service_tokens import ServiceTokenIssuer
from gateway.fetch import SubgraphCredentials
from gateway.service_auth_config import ServiceAuthConfig

__all__ = ["subgraph_credentials"]


def subgraph_credentials(config: ServiceAuthConfig) -> SubgraphCredentials | None:
    """What signs the gateway's tokens; None when no key is configured (dev only)."""
    if not config.key_file:
        return None
    issuer = ServiceTokenIssuer(config.name, load_private_key(Path(config.key_file)),
                                ttl_seconds=config.ttl_seconds)

    def target(subgraph: str) -> tuple[str, list[str]]:
        chosen = config.for_subgraph(subgraph)
        return chosen.audience, chosen.scopes

    return SubgraphCredentials(issuer, config.header, target)
