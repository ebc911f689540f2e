"""Read another subgraph's entities over HTTP (``_entities``), the way the gateway would.

Domains never import each other; when one needs another's authoritative data at request time
(cart needs current prices), it asks that subgraph for entities by key, forwarding the caller's
Authorization header, in one batched request, with this service's own credential (a service
token for that subgraph, ``credential``) in its own header: the end user and the calling
service are told apart (issue 15).

Two ways to read the answer:

- ``fetch``: all or nothing. Any GraphQL error fails the whole batch (``UpstreamError`` with the
  first error's code, or ``UpstreamUnavailable`` when it has none), which suits a caller that
  cannot go on without every entity (a checkout, a cart's prices).
- ``fetch_partial``: the entities that did resolve, and per index what went wrong with the
  others (``EntityBatch``). A GraphQL response may carry data and errors at once; an error whose
  ``path`` is ``["_entities", i, ...]`` belongs to entity ``i``; an error without such a path
  (no path, or a path elsewhere) cannot be placed, so it is held against every entity that came
  back null without an error of its own: a null there may mean "unknown" or "failed", and
  reading it as "unknown" would turn an outage into a wrong answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from subgraphs.kit.errors import AppError
from subgraphs.kit.service_http import ServiceClient

__all__ = ["EntityBatch", "EntityClient", "UpstreamError", "UpstreamUnavailable"]


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


@dataclass(frozen=True, slots=True)
class EntityBatch:
    """What ``fetch_partial`` learnt, one slot per key in input order.

    ``entities[i]``: the entity as the subgraph sent it, or None (unknown, or failed: see
    ``failures``). ``failures[i]``: why entity ``i`` failed, an ``UpstreamError`` carrying the
    first of its errors' ``extensions.code`` (all of them in ``.errors``), or
    ``UpstreamUnavailable`` when that error has no code. An entity can be present *and* have a
    failure: one of its nullable fields failed (the error's path goes below the entity), so the
    entity is partial. ``errors``: every error of the response, as sent.
    """

    entities: list[dict[str, Any] | None]
    failures: dict[int, AppError] = field(default_factory=dict)
    errors: list[Mapping[str, Any]] = field(default_factory=list)

    def resolved(self, index: int) -> dict[str, Any] | None:
        """Entity ``index`` when it came back whole (present, no error of its own), else None."""
        return None if index in self.failures else self.entities[index]


class EntityClient:
    """Batched ``_entities`` reads against one subgraph URL."""

    def __init__(self, url: str, *, timeout: float = 5.0, client: httpx.AsyncClient | None = None,
                 credential: Callable[[], Mapping[str, str]] | None = None):
        """``credential``: the headers proving this service to that one (renewed as it likes)."""
        self._url = url
        self._client = client or ServiceClient(timeout=timeout)  # common/http's HTTP/1.1
        self._credential = credential

    async def fetch(
        self,
        typename: str,
        keys: Sequence[Mapping[str, Any]],
        selection: str,
        *,
        authorization: str | None = None,
    ) -> list[dict[str, Any] | None]:
        """Entities for ``keys`` in input order (None where unknown); one HTTP request.
        Any GraphQL error fails the whole batch (see the module docstring)."""
        if not keys:
            return []
        body = await self._request(typename, keys, selection, authorization)
        entities = (body.get("data") or {}).get("_entities")
        if body.get("errors"):
            raise _upstream_error(typename, body["errors"])
        if not isinstance(entities, list) or len(entities) != len(keys):
            raise UpstreamUnavailable(f"{typename} lookup failed upstream")
        return entities

    async def fetch_partial(
        self,
        typename: str,
        keys: Sequence[Mapping[str, Any]],
        selection: str,
        *,
        authorization: str | None = None,
    ) -> EntityBatch:
        """Like ``fetch``, but a response with data and errors keeps the entities that resolved
        and reports the others per index. Raises only when nothing can be read at all: the
        subgraph is unreachable or answered no ``_entities`` list of the right length
        (``UpstreamError`` with the first error's code, or ``UpstreamUnavailable``)."""
        if not keys:
            return EntityBatch([])
        body = await self._request(typename, keys, selection, authorization)
        entities = (body.get("data") or {}).get("_entities")
        raw_errors = body.get("errors")
        errors: list[Any] = raw_errors if isinstance(raw_errors, list) else []
        if raw_errors and not errors:  # "errors" present but not a list: nothing to place
            errors = [{"message": str(raw_errors)}]
        if not isinstance(entities, list) or len(entities) != len(keys):
            if errors:
                raise _upstream_error(typename, errors)
            raise UpstreamUnavailable(f"{typename} lookup failed upstream")
        rows = [row if isinstance(row, dict) else None for row in entities]
        placed: dict[int, list[Any]] = {}
        unplaced: list[Any] = []
        for error in errors:
            index = _entity_index(error, len(rows))
            (unplaced if index is None else placed.setdefault(index, [])).append(error)
        if unplaced:
            for index, row in enumerate(rows):
                if row is None and index not in placed:
                    placed[index] = unplaced
        failures = {i: _upstream_error(typename, placed[i]) for i in sorted(placed)}
        return EntityBatch(rows, failures, errors)

    async def _request(
        self, typename: str, keys: Sequence[Mapping[str, Any]], selection: str,
        authorization: str | None,
    ) -> dict[str, Any]:
        query = (
            "query($r:[_Any!]!){_entities(representations:$r){"
            f"... on {typename} {{ {selection} }}}}}}"
        )
        reps = [{"__typename": typename, **key} for key in keys]
        return await self._post({"query": query, "variables": {"r": reps}}, authorization)

    async def _post(self, payload: dict[str, Any], authorization: str | None) -> dict[str, Any]:
        headers = {"content-type": "application/json"}
        if self._credential is not None:
            headers.update(self._credential())
        if authorization:
            headers["authorization"] = authorization
        try:
            response = await self._client.post(
                self._url, content=orjson.dumps(payload), headers=headers
            )
            body = orjson.loads(response.content)
        except (httpx.HTTPError, orjson.JSONDecodeError) as exc:
            raise UpstreamUnavailable("a subgraph this service depends on is unavailable") from exc
        if not isinstance(body, dict):  # JSON, but not a GraphQL response
            raise UpstreamUnavailable("a subgraph this service depends on answered nonsense")
        return body

    async def close(self) -> None:
        await self._client.aclose()


def _entity_index(error: object, count: int) -> int | None:
    """``i`` when the error's path is ``["_entities", i, ...]`` with ``i`` in range."""
    path = error.get("path") if isinstance(error, dict) else None
    if not isinstance(path, list) or len(path) < 2 or path[0] != "_entities":
        return None
    index = path[1]
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        return None
    return index


def _upstream_error(typename: str, errors: object) -> AppError:
    """The subgraph's own code when its first error has one; otherwise it is unavailable."""
    listed = errors if isinstance(errors, list) else []
    first = listed[0] if listed and isinstance(listed[0], dict) else {}
    extensions = first.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    if not isinstance(code, str) or not code:
        return UpstreamUnavailable(f"{typename} lookup failed upstream")
    return UpstreamError(f"{typename} lookup failed upstream ({code})", code, listed)
