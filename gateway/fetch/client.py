"""One pooled HTTP client per subgraph: POST a GraphQL request, return the parsed response."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Any

import httpx
import orjson

from gateway.fetch.errors import SubgraphFetchError

__all__ = ["ClientOptions", "SubgraphClient", "parse_response"]

# GraphQL over HTTP §5.1: prefer the new media type, accept the legacy one.
_ACCEPT = "application/graphql-response+json, application/json;q=0.9"


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Connection pool and timeout of one subgraph's client."""

    timeout: float = 30.0
    max_connections: int = 100
    max_keepalive_connections: int = 20
    keepalive_expiry: float = 5.0
    max_response_bytes: int = 50_000_000


class SubgraphClient:
    """A keep-alive connection pool to one subgraph URL, bound to the event loop that made it."""

    def __init__(
        self,
        name: str,
        url: str,
        options: ClientOptions = ClientOptions(),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self.url = url
        self.options = options
        limits = httpx.Limits(
            max_connections=options.max_connections,
            max_keepalive_connections=options.max_keepalive_connections,
            keepalive_expiry=options.keepalive_expiry,
        )
        self._http = httpx.AsyncClient(
            limits=limits, timeout=None, transport=transport, cookies=_NoCookies()
        )

    async def post(self, body: bytes, headers: dict[str, str]) -> bytes:
        """Send a JSON-encoded GraphQL request; return the raw body of a GraphQL response."""
        sent = {**headers, "content-type": "application/json", "accept": _ACCEPT}
        try:
            async with asyncio.timeout(self.options.timeout):
                status, content = await self._exchange(body, sent)
        except TimeoutError as error:
            message = f"subgraph '{self.name}' did not answer within {self.options.timeout:g}s"
            raise SubgraphFetchError(self.name, message, "SUBGRAPH_TIMEOUT") from error
        except httpx.HTTPError as error:
            message = f"subgraph '{self.name}' could not be reached: {type(error).__name__}"
            raise SubgraphFetchError(self.name, message) from error
        return self._checked(status, content)

    async def _exchange(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST and read the body, refusing one larger than ``max_response_bytes``."""
        limit = self.options.max_response_bytes
        request = self._http.build_request("POST", self.url, content=body, headers=headers)
        response = await self._http.send(request, stream=True)
        try:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    message = f"subgraph '{self.name}' answered with more than {limit} bytes"
                    raise SubgraphFetchError(self.name, message, "SUBGRAPH_RESPONSE_TOO_LARGE")
                chunks.append(chunk)
        finally:
            await response.aclose()
        return response.status_code, b"".join(chunks)

    def _checked(self, status: int, content: bytes) -> bytes:
        # GraphQL over HTTP §6.4.2: a 4xx/5xx may still carry a well-formed GraphQL response.
        if 200 <= status < 300 or _looks_like_graphql(content):
            return content
        message = f"subgraph '{self.name}' answered HTTP {status}"
        raise SubgraphFetchError(self.name, message)

    async def aclose(self) -> None:
        await self._http.aclose()


class _NoCookies(CookieJar):
    """One client serves every user: a cookie one subgraph response sets must never be stored
    and sent with another user's request."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def add_cookie_header(self, request: Any) -> None:
        return None


def parse_response(subgraph: str, raw: bytes) -> dict[str, Any]:
    """Decode a subgraph's GraphQL response; anything else is a fetch error."""
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        message = f"subgraph '{subgraph}' answered with invalid JSON"
        raise SubgraphFetchError(subgraph, message, "SUBGRAPH_INVALID_RESPONSE") from error
    if not isinstance(decoded, dict) or not ({"data", "errors"} & decoded.keys()):
        message = f"subgraph '{subgraph}' answered with something that is not a GraphQL response"
        raise SubgraphFetchError(subgraph, message, "SUBGRAPH_INVALID_RESPONSE")
    return decoded


def _looks_like_graphql(raw: bytes) -> bool:
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return isinstance(decoded, dict) and bool({"data", "errors"} & decoded.keys())
