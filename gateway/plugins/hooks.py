"""Named extension hooks around a request, each a pass-through by default."""

from __future__ import annotations

from typing import Any

from gateway.plugins.request import GraphQLRequest

__all__ = ["Plugin"]


class Plugin:
    """Subclass and override only the hooks you need (Hive Router's ``on_*`` hooks).

    * ``on_request``: before parsing; may rewrite the request or raise a pipeline RequestError.
    * ``on_subgraph_headers``: the headers of one subgraph request.
    * ``on_response``: the response the client will receive.
    * ``on_collapse``: whether this request may share an execution with identical concurrent
      ones (``collapse_requests``); False keeps it apart, None is no opinion.
    * ``on_policy``: whether ``@policy(policies: [[name]])`` holds for the caller's claims;
      None is no opinion. A policy no plugin approves is denied (unknown policies fail closed).
    """

    def on_request(self, request: GraphQLRequest) -> GraphQLRequest:
        return request

    def on_subgraph_headers(
        self, subgraph: str, headers: dict[str, str], request: GraphQLRequest
    ) -> dict[str, str]:
        return headers

    def on_response(self, request: GraphQLRequest, response: dict[str, Any]) -> dict[str, Any]:
        return response

    def on_collapse(self, request: GraphQLRequest) -> bool | None:
        return None

    def on_policy(self, policy: str, claims: dict[str, Any] | None) -> bool | None:
        return None
