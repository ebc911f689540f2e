"""The default plugin: forward the configured client headers (Authorization) to subgraphs."""

from __future__ import annotations

from collections.abc import Iterable

from gateway.fetch import HeaderPropagation
from gateway.plugins.hooks import Plugin
from gateway.plugins.request import GraphQLRequest

__all__ = ["PropagateHeaders"]


class PropagateHeaders(Plugin):
    """Add the allowed client headers to every subgraph request; nothing else passes."""

    def __init__(self, names: Iterable[str] = ("authorization",)) -> None:
        self.propagation = HeaderPropagation(names)

    def on_subgraph_headers(
        self, subgraph: str, headers: dict[str, str], request: GraphQLRequest
    ) -> dict[str, str]:
        return {**headers, **self.propagation.headers_for(subgraph, request.headers)}
