"""Run every plugin's hook in order, each receiving what the previous one returned."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gateway.plugins.hooks import Plugin
from gateway.plugins.request import GraphQLRequest

__all__ = ["Plugins"]


class Plugins:
    """The configured plugins as one object the pipeline calls."""

    def __init__(self, plugins: Sequence[Plugin] = ()) -> None:
        self.plugins = tuple(plugins)

    def request(self, request: GraphQLRequest) -> GraphQLRequest:
        for plugin in self.plugins:
            request = plugin.on_request(request)
        return request

    def subgraph_headers(self, subgraph: str, request: GraphQLRequest) -> dict[str, str]:
        headers: dict[str, str] = {}
        for plugin in self.plugins:
            headers = plugin.on_subgraph_headers(subgraph, headers, request)
        return headers

    def collapsible(self, request: GraphQLRequest) -> bool:
        """False when a plugin keeps ``request`` from sharing an execution."""
        return all(plugin.on_collapse(request) is not False for plugin in self.plugins)

    def policy(self, policy: str, claims: dict[str, Any] | None) -> bool:
        """True when a plugin approves ``policy`` and none refuses it (default: denied)."""
        votes = [plugin.on_policy(policy, claims) for plugin in self.plugins]
        return True in votes and False not in votes

    def response(self, request: GraphQLRequest, response: dict[str, Any]) -> dict[str, Any]:
        for plugin in self.plugins:
            response = plugin.on_response(request, response)
        return response
