"""Route a request to its streaming transport: WebSocket, SSE or multipart (else plain HTTP).

One ``Slots`` counter is shared by all three, so ``subscriptions.max_total`` bounds the process,
and one ``LiveSubscriptions`` registry, so a supergraph reload reaches every open subscription.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from types import SimpleNamespace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from gateway.http.auth import claims_of
from gateway.http.errors import HttpError
from gateway.http.live import LiveSubscriptions
from gateway.http.multipart import (
    deferred_multipart_response,
    multipart_response,
    wants_deferred_multipart,
    wants_multipart,
)
from gateway.http.request import read_request
from gateway.http.response import JSON, graphql_response
from gateway.http.sse import sse_response, wants_sse
from gateway.http.streams import Slots, StreamEnd, open_results, subscription_options
from gateway.http.ws import serve_websocket
from gateway.plugins import GraphQLRequest

__all__ = ["StreamingTransports"]


class StreamingTransports:
    """The gateway's streaming transports (subscriptions, and ``@defer`` payloads)."""

    def __init__(self, gateway: Any) -> None:
        self.gateway = gateway
        self.options = subscription_options(gateway)
        self.slots = Slots(self.options.max_total)
        self.live = LiveSubscriptions(lambda: gateway.pipeline)

    async def websocket(self, socket: WebSocket) -> None:
        async def open_admitted(request: GraphQLRequest) -> AsyncIterator[dict[str, Any]]:
            # The connection_init token is checked like an HTTP request's, per operation.
            peer = SimpleNamespace(headers=request.headers, client=socket.client)
            try:
                admitted = await self._admit(peer, request)
            except HttpError as error:
                raise StreamEnd(_errors(error), False, error.status) from None
            return await self.open(admitted, transport="ws")

        await serve_websocket(socket, open_admitted, self.options, self._token_valid)

    async def _token_valid(self, headers: dict[str, str]) -> bool:
        """The connection_init token is verified at once: an invalid one closes the socket with
        4403, as graphql-ws clients expect; no token is anonymous (operations decide)."""
        edge = getattr(self.gateway, "edge", None)
        if edge is None or edge.verifier is None:
            return True
        try:
            await claims_of(edge.verifier, headers)
        except HttpError:
            return False
        return True

    async def open(self, request: GraphQLRequest, read_only: bool = False,
                   transport: str = "ws") -> AsyncIterator[dict[str, Any]]:
        """The responses of ``request`` on the current pipeline; StreamEnd when refused."""
        return await open_results(self.gateway.pipeline, request, self.slots, self.live,
                                  read_only, transport)

    async def maybe_stream(self, request: Request) -> Response | None:
        """The streamed response when the client asked for SSE or multipart, else None."""
        accept = request.headers.get("accept")
        if wants_sse(accept):
            respond, transport = sse_response, "sse"
        elif wants_deferred_multipart(accept):  # @defer payloads, not subscription events
            respond = partial(deferred_multipart_response, accept=accept or "")
            transport = "multipart"
        elif wants_multipart(accept):
            respond, transport = multipart_response, "multipart"
        else:
            return None
        try:
            edge = getattr(self.gateway, "edge", None)
            if edge is not None:
                edge.check_csrf(request)
            read = await read_request(request, self.gateway.max_request_bytes, 0)
            admitted = await self._admit(request, read)  # type: ignore[arg-type]
            results = await self.open(admitted, request.method != "POST", transport)
        except HttpError as error:
            return _refused(_errors(error), error.status, error.headers)
        except StreamEnd as end:
            return _refused(end.errors, end.status)
        return respond(results, self.options.heartbeat_seconds)

    async def _admit(self, request: Any, read: GraphQLRequest) -> GraphQLRequest:
        """The edge's token and rate checks (HttpError 401/429), as for plain HTTP requests."""
        edge = getattr(self.gateway, "edge", None)
        return read if edge is None else await edge.admit(request, read)


def _errors(error: HttpError) -> list[dict[str, Any]]:
    return [{"message": error.message, "extensions": {"code": error.code}}]


def _refused(errors: list[dict[str, Any]], status: int,
             headers: dict[str, str] | None = None) -> Response:
    response = graphql_response({"errors": errors}, JSON, None, headers)
    response.status_code = status
    return response
