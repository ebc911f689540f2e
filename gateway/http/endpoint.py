"""``GET``/``POST /graphql`` (not streamed) as one function of the request's parts.

Both the Starlette route and the direct ASGI path (``app.GatewayApp``) answer through
``GraphQLEndpoint.answer``, so they cannot drift apart. Request collapsing
(``collapse_requests``) happens in the pipeline around the execution only
(``gateway.pipeline.share``): every request gets its own pass through everything here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import orjson
from starlette.datastructures import QueryParams

from gateway.http.auth import authenticate, with_client
from gateway.http.errors import HttpError
from gateway.http.request import check_content_type, from_body, from_query_params
from gateway.http.response import GRAPHQL_RESPONSE, JSON, negotiate
from gateway.pipeline import Outcome, Pipeline
from gateway.plan import print_plan

__all__ = ["STALE_HEADER", "GraphQLEndpoint", "Reply"]

DEBUG_HEADER = "x-debug-query-plan"
# Names the subgraphs whose part of the answer came from the gateway's stale cache.
STALE_HEADER = "x-served-stale"

class Reply:
    """A GraphQL HTTP answer, ready to send (never mutated).

    ``gzipped`` keeps the compressed body, so a shared answer is compressed once.
    """

    __slots__ = ("_gzipped", "body", "content_type", "headers", "status")

    def __init__(self, status: int, body: bytes, content_type: str,
                 headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers
        self._gzipped: bytes | None = None

    def gzipped(self, compress: Callable[[bytes], bytes]) -> bytes:
        if self._gzipped is None:
            self._gzipped = compress(self.body)
        return self._gzipped


class _Gateway(Protocol):
    pipeline: Pipeline
    max_request_bytes: int
    max_batch: int
    expose_query_plan: bool
    edge: Any


BodyReader = Callable[[int], Awaitable[bytes]]
"""Reads the whole request body, HttpError 413 past the given number of bytes."""


class GraphQLEndpoint:
    """Answers plain (not streamed) GraphQL HTTP requests for ``gateway``."""

    def __init__(self, gateway: _Gateway) -> None:
        self.gateway = gateway
        self._media: dict[str | None, str | None] = {}

    def media_type(self, accept: str | None) -> str | None:
        """``negotiate``, remembered per Accept value (clients send few distinct ones)."""
        try:
            return self._media[accept]
        except KeyError:
            media = negotiate(accept)
            if len(self._media) < 256:
                self._media[accept] = media
            return media

    async def answer(self, method: str, headers: dict[str, str], host: str | None,
                     query_string: bytes, read_body: BodyReader) -> Reply:
        """The reply to a request with these parts (``headers``: names lower-case)."""
        media_type = self.media_type(headers.get("accept"))
        if media_type is None:
            return error_reply(HttpError(406, "Accept application/graphql-response+json or "
                                              "application/json."), JSON)
        gateway = self.gateway
        try:
            gateway.edge.check_csrf_headers(headers)
            if method in ("GET", "HEAD"):
                raw = query_string
                read: Any = from_query_params(QueryParams(query_string.decode("latin-1")),
                                              headers)
            else:
                check_content_type(headers)
                raw = await read_body(gateway.max_request_bytes)
                read = from_body(raw, headers, gateway.max_batch)
            claims = await gateway.edge.claims(headers, host)
        except HttpError as error:
            return error_reply(error, media_type)
        if claims is not None:
            read = authenticate(read, claims)
        read = with_client(read, gateway.edge.client(headers, host))
        plan = gateway.expose_query_plan and _wants_plan(headers)
        pipeline = gateway.pipeline  # read once: a reload mid-request does not disturb it
        if isinstance(read, list):
            return await _batch(pipeline, read, plan)
        read_only = method != "POST"
        return outcome_reply(await pipeline.run(read, read_only=read_only), media_type, plan)


def _wants_plan(headers: dict[str, str]) -> bool:
    return headers.get(DEBUG_HEADER, "").strip().lower() in ("1", "true", "yes")


async def _batch(pipeline: Pipeline, batch: list[Any], plan: bool) -> Reply:
    """Run a batch in order (a mutation may depend on an earlier one); one JSON array back."""
    bodies = [_with_plan(await pipeline.run(item), plan) for item in batch]
    return Reply(200, dumps(bodies), _CONTENT_TYPES[JSON])


def _with_plan(outcome: Outcome, plan: bool) -> dict[str, Any]:
    body = outcome.response
    if plan and outcome.plan is not None:  # a copy: the response may be shared or cached
        extensions = {**body.get("extensions", {}), "queryPlan": print_plan(outcome.plan)}
        body = {**body, "extensions": extensions}
    return body


_CONTENT_TYPES = {JSON: f"{JSON}; charset=utf-8",
                  GRAPHQL_RESPONSE: f"{GRAPHQL_RESPONSE}; charset=utf-8"}


def outcome_reply(outcome: Outcome, media_type: str, plan: bool = False) -> Reply:
    """200 for an executed operation; a request error's status under the new media type.

    Under ``application/json`` a request error is still 200 (§6.4.1) unless it is the server's
    own fault (5xx) or a wrong method (405).
    """
    status = 200
    error_status = outcome.request_error_status
    if error_status is not None and (media_type == GRAPHQL_RESPONSE or error_status >= 405):
        status = error_status
    headers = (("allow", "POST"),) if error_status == 405 else ()
    stale = outcome.response.get("extensions", {}).get("stale")
    if stale:  # also said in a header, for caches and clients that read no extensions
        headers += ((STALE_HEADER, ", ".join(entry["subgraph"] for entry in stale)),)
    return Reply(status, dumps(_with_plan(outcome, plan)), _CONTENT_TYPES[media_type], headers)


def dumps(body: Any) -> bytes:
    """JSON bytes; keys that are not strings (a plugin's doing) are written as strings.

    orjson's OPT_NON_STR_KEYS doubles the cost of a typical answer, so it is only the fallback.
    """
    try:
        return orjson.dumps(body)
    except TypeError:
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)


def error_reply(error: HttpError, media_type: str) -> Reply:
    """Not a GraphQL request at all: the error's 4xx whatever the media type."""
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    return Reply(error.status, orjson.dumps(body), _CONTENT_TYPES[media_type],
                 tuple(error.headers.items()))
