"""One pooled HTTP client per subgraph: POST a GraphQL request, return the parsed response.

Real URLs go through our own keep-alive HTTP/1.1 client (common/http/http11.py, ~20 µs of CPU
per call on uvloop where httpx costs ~1 ms); an injected ``httpx.AsyncBaseTransport`` (the tests'
in-process ASGI subgraphs) goes through httpx.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Any

import httpx
import orjson

from common.http.http11 import (
    Http11Pool,
    ResponseTooLarge,
    TransportError,
    describe,
    proxy_for,
)
from gateway.fetch.errors import SubgraphFetchError

__all__ = ["ClientOptions", "SubgraphClient", "parse_response"]

# GraphQL over HTTP §5.1: prefer the new media type, accept the legacy one.
_ACCEPT = "application/graphql-response+json, application/json;q=0.9"
# Headers the client writes itself; a caller's copy is dropped (RFC 9110 §7.6.1 for the hop ones).
# Accept-Encoding too: the client decodes gzip and deflate only; Proxy-Authorization is for the
# gateway's own proxy.
_OWN = frozenset({"host", "content-length", "content-type", "accept", "connection",
                  "transfer-encoding", "keep-alive", "upgrade", "te", "trailer", "expect",
                  "accept-encoding", "proxy-authorization"})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(r"[\r\n\x00]")


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Connection pool and timeout of one subgraph's client.

    ``max_keepalive_connections`` idle connections stay open for ``keepalive_expiry`` seconds
    (4 s: below the 5 s idle timeout of uvicorn and Node, so the gateway closes an idle
    connection before the server does and a request rarely meets one closing under it); idle
    ones beyond that number are closed once unused for a second (a load just above the number
    would otherwise close and reopen connections all the time).

    ``accept_compressed`` sends ``Accept-Encoding: gzip, deflate``. Off by default: next to the
    gateway a compressing subgraph costs more CPU than the bytes save (on localhost, decoding
    gzipped answers of 2.5 and 25 KB added ~10 and ~25-35 us per call to the client's ~20 and
    ~30 us, before the subgraph's own cost of compressing them); turn it on for subgraphs across
    a slow or metered network.
    """

    timeout: float = 30.0
    max_connections: int = 100
    max_keepalive_connections: int = 20
    keepalive_expiry: float = 4.0
    max_response_bytes: int = 50_000_000
    accept_compressed: bool = False


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
        # the HTTP status of the answer ``post`` returned last, for its CLIENT span
        # (fetch/tracing.py reads it as ``post`` returns, before any other request can run)
        self.last_status = 0
        self._http: httpx.AsyncClient | None = None
        self._fast: Http11Pool | None = None
        self._unusable: str | None = None
        if transport is not None:
            limits = httpx.Limits(
                max_connections=options.max_connections,
                max_keepalive_connections=options.max_keepalive_connections,
                keepalive_expiry=options.keepalive_expiry,
            )
            self._http = httpx.AsyncClient(
                limits=limits, timeout=None, transport=transport, cookies=_NoCookies()
            )
            return
        try:
            self._fast = Http11Pool(
                url,
                max_connections=options.max_connections,
                max_keepalive=options.max_keepalive_connections,
                keepalive_expiry=options.keepalive_expiry,
                max_response_bytes=options.max_response_bytes,
                proxy=proxy_for(url),
            )
        except ValueError as error:  # reported by every request, like an unreachable host
            self._unusable = str(error)
            return
        # Credentials in the URL win over a caller's Authorization (as with httpx before).
        self._own = _OWN if self._fast.authorization is None else _OWN | {"authorization"}
        encoding = "accept-encoding: gzip, deflate\r\n" if options.accept_compressed else ""
        # Everything before the caller's headers is the same for every request.
        self._head = (f"POST {self._fast.target} HTTP/1.1\r\nhost: {self._fast.authority}\r\n"
                      f"content-type: application/json\r\naccept: {_ACCEPT}\r\n{encoding}"
                      f"{self._fast.head_lines}").encode()

    async def post(
        self, body: bytes, headers: dict[str, str], *, replayable: bool = False
    ) -> bytes:
        """Send a JSON-encoded GraphQL request; return the raw body of a GraphQL response.

        ``replayable``: the request may be sent twice (a query), so a keep-alive connection the
        server closed as the request went out is retried once on a fresh one.
        """
        if self._fast is None:
            if self._unusable is not None:
                message = f"subgraph '{self.name}' could not be reached: {self._unusable}"
                raise SubgraphFetchError(self.name, message)
            return await self._post_httpx(body, headers)
        data = self._request_bytes(body, headers)
        loop = asyncio.get_running_loop()
        try:
            status, content = await self._fast.request(
                data, loop.time() + self.options.timeout, replayable
            )
        except TimeoutError as error:
            raise self._timed_out() from error
        except ResponseTooLarge as error:
            raise self._too_large() from error
        except (TransportError, OSError) as error:
            message = f"subgraph '{self.name}' could not be reached: {describe(error)}"
            raise SubgraphFetchError(self.name, message) from error
        return self._checked(status, content)

    def _request_bytes(self, body: bytes, headers: dict[str, str]) -> bytes:
        extra = b""
        if headers:
            lines = []
            own = self._own
            for key, value in headers.items():
                if key.lower() in own:
                    continue
                if not _TOKEN.fullmatch(key) or _BAD_VALUE.search(value):
                    message = f"header {key!r} cannot be sent to subgraph '{self.name}'"
                    raise SubgraphFetchError(self.name, message, "SUBGRAPH_REQUEST_INVALID")
                lines.append(f"{key}: {value}\r\n")
            try:
                extra = "".join(lines).encode("latin-1")
            except UnicodeEncodeError as error:
                message = f"a header value cannot be sent to subgraph '{self.name}'"
                raise SubgraphFetchError(self.name, message,
                                         "SUBGRAPH_REQUEST_INVALID") from error
        return b"%s%scontent-length: %d\r\n\r\n%s" % (self._head, extra, len(body), body)

    async def _post_httpx(self, body: bytes, headers: dict[str, str]) -> bytes:
        sent = {**headers, "content-type": "application/json", "accept": _ACCEPT}
        try:
            async with asyncio.timeout(self.options.timeout):
                status, content = await self._exchange(body, sent)
        except TimeoutError as error:
            raise self._timed_out() from error
        except httpx.HTTPError as error:
            message = f"subgraph '{self.name}' could not be reached: {type(error).__name__}"
            raise SubgraphFetchError(self.name, message) from error
        return self._checked(status, content)

    def _timed_out(self) -> SubgraphFetchError:
        message = f"subgraph '{self.name}' did not answer within {self.options.timeout:g}s"
        return SubgraphFetchError(self.name, message, "SUBGRAPH_TIMEOUT")

    def _too_large(self) -> SubgraphFetchError:
        limit = self.options.max_response_bytes
        message = f"subgraph '{self.name}' answered with more than {limit} bytes"
        return SubgraphFetchError(self.name, message, "SUBGRAPH_RESPONSE_TOO_LARGE")

    async def _exchange(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """POST and read the body, refusing one larger than ``max_response_bytes``."""
        assert self._http is not None
        limit = self.options.max_response_bytes
        request = self._http.build_request("POST", self.url, content=body, headers=headers)
        response = await self._http.send(request, stream=True)
        try:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise self._too_large()
                chunks.append(chunk)
        finally:
            await response.aclose()
        return response.status_code, b"".join(chunks)

    def _checked(self, status: int, content: bytes) -> bytes:
        # GraphQL over HTTP §6.4.2: a 4xx/5xx may still carry a well-formed GraphQL response.
        if 200 <= status < 300 or _looks_like_graphql(content):
            self.last_status = status
            return content
        message = f"subgraph '{self.name}' answered HTTP {status}"
        raise SubgraphFetchError(self.name, message, status=status)

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
        if self._fast is not None:
            await self._fast.aclose()


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
