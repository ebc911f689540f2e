"""The gateway's own credential on every subgraph request: a service token per subgraph.

Sent over HTTP (``SubgraphPool``) and on WebSocket upgrades (``SubscriptionHub``), never in
Authorization (the end user's header, propagated unchanged). Tokens are cached per subgraph by
the issuer and renewed before they expire, so signing costs once every few minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from common.auth.service_tokens import ServiceTokenIssuer

__all__ = ["SubgraphCredentials"]

# subgraph name -> (audience, scopes) of its token
Targets = Callable[[str], tuple[str, Sequence[str]]]


class SubgraphCredentials:
    """Headers proving the gateway to one subgraph."""

    def __init__(self, issuer: ServiceTokenIssuer, header: str, targets: Targets) -> None:
        self._issuer, self._header, self._targets = issuer, header.lower(), targets
        self._audiences: dict[str, tuple[str, Sequence[str]]] = {}

    def headers_for(self, subgraph: str) -> dict[str, str]:
        target = self._audiences.get(subgraph)
        if target is None:
            target = self._audiences[subgraph] = self._targets(subgraph)
        return {self._header: self._issuer.token_for(*target)}
