"""The current request's id (set by the HTTP layer) and the plugin sending it to subgraphs."""

from __future__ import annotations

from common.telemetry.context import request_id as REQUEST_ID
from gateway.plugins.hooks import Plugin
from gateway.plugins.request import GraphQLRequest

__all__ = ["REQUEST_ID", "PropagateRequestId", "current_request_id"]


def current_request_id() -> str:
    """The id of the request being served ('' outside one)."""
    return REQUEST_ID.get() or ""


class PropagateRequestId(Plugin):
    """Every subgraph request carries the client request's ``x-request-id``."""

    def on_subgraph_headers(
        self, subgraph: str, headers: dict[str, str], request: GraphQLRequest
    ) -> dict[str, str]:
        request_id = REQUEST_ID.get()
        return {**headers, "x-request-id": request_id} if request_id else headers
