"""Read another subgraph's entities over HTTP (``_entities``), the way the gateway would.

Domains never import each other; when one needs another's authoritative data at request time
(cart needs current prices), it asks that subgraph for entities by key, forwarding the caller's
Authorization header, in one batched request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx
import orjson

from subgraphs.kit.errors import AppError

__all__ = ["EntityClient", "UpstreamError", "UpstreamUnavailable"]


class UpstreamUnavailable(AppError):
    """Another subgraph could not answer; the request can be retried later."""

    code = "UPSTREAM_UNAVAILABLE"


class UpstreamError(AppError):
    """Another subgraph answered with GraphQL errors. ``code`` is the first one's
    ``extensions.code`` (NOT_FOUND, UNAUTHENTICATED, FORBIDDEN...), so callers can tell them
    apart; ``errors`` are all of them as the subgraph sent them."""

    def __init__(self, message: str, code: str, errors: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(message)
        self.code = code
        self.errors = list(errors)


class EntityClient:
    """Batched ``_entities`` reads against one subgraph URL."""

    def __init__(self, url: str, *, timeout: float = 5.0, client: httpx.AsyncClient | None = None):
        self._url = url
        self._client = client or httpx.AsyncClient(timeout=timeout)

    async def fetch(
        self,
        typename: str,
        keys: Sequence[Mapping[str, Any]],
        selection: str,
        *,
        authorization: str | None = None,
    ) -> list[dict[str, Any] | None]:
        """Entities for ``keys`` in input order (None where unknown); one HTTP request."""
        if not keys:
            return []
        query = (
            "query($r:[_Any!]!){_entities(representations:$r){"
            f"... on {typename} {{ {selection} }}}}}}"
        )
        reps = [{"__typename": typename, **key} for key in keys]
        body = await self._post({"query": query, "variables": {"r": reps}}, authorization)
        entities = (body.get("data") or {}).get("_entities")
        if body.get("errors"):
            raise _upstream_error(typename, body["errors"])
        if not isinstance(entities, list) or len(entities) != len(keys):
            raise UpstreamUnavailable(f"{typename} lookup failed upstream")
        return entities

    async def _post(self, payload: dict[str, Any], authorization: str | None) -> dict[str, Any]:
        headers = {"content-type": "application/json"}
        if authorization:
            headers["authorization"] = authorization
        try:
            response = await self._client.post(
                self._url, content=orjson.dumps(payload), headers=headers
            )
            return orjson.loads(response.content)
        except (httpx.HTTPError, orjson.JSONDecodeError) as exc:
            raise UpstreamUnavailable("a subgraph this service depends on is unavailable") from exc

    async def close(self) -> None:
        await self._client.aclose()


def _upstream_error(typename: str, errors: object) -> AppError:
    """The subgraph's own code when its first error has one; otherwise it is unavailable."""
    listed = errors if isinstance(errors, list) else []
    first = listed[0] if listed and isinstance(listed[0], dict) else {}
    code = (first.get("extensions") or {}).get("code")
    if not isinstance(code, str) or not code:
        return UpstreamUnavailable(f"{typename} lookup failed upstream")
    return UpstreamError(f"{typename} lookup failed upstream ({code})", code, listed)
