"""Forward the client's address to subgraphs in X-Forwarded-For, as the edge resolved it
through the trusted proxies (the client's own copy never passes)."""

from __future__ import annotations

from gateway.plugins.hooks import Plugin
from gateway.plugins.request import GraphQLRequest

__all__ = ["ForwardClientAddress"]

HEADER = "x-forwarded-for"


class ForwardClientAddress(Plugin):
    """users throttles logins per client address with it (trusting it from the gateway only)."""

    def on_subgraph_headers(
        self, subgraph: str, headers: dict[str, str], request: GraphQLRequest
    ) -> dict[str, str]:
        headers = {k: v for k, v in headers.items() if k.lower() != HEADER}
        client = request.headers.get(HEADER)
        return {**headers, HEADER: client} if client else headers
