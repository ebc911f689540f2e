"""Step 6 for ``@defer``: run a started operation as incremental payloads (streaming transports).

The plain HTTP path refuses such an operation (``IncrementalNotAccepted``, 406); multipart,
SSE and graphql-ws send each payload as it comes, in the ``incrementalSpec=v0.2`` format when
the request's Accept header names it, else ``deferSpec=20220824``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from gateway.executor.incremental import execute_incremental

if TYPE_CHECKING:
    from gateway.pipeline.authorize import Decision
    from gateway.pipeline.subscribe import Started

__all__ = ["incremental_results"]


async def incremental_results(started: Started) -> AsyncIterator[dict[str, Any]]:
    """The payloads of a started query or mutation with ``@defer``; the request hooks and the
    authorization errors apply to the initial payload, which carries the operation's data."""
    pipeline = started.pipeline
    incremental = started.prepared.incremental
    assert incremental is not None
    made: dict[str, dict[str, str]] = {}

    def headers_for(subgraph: str) -> dict[str, str]:
        headers = made.get(subgraph)
        if headers is None:
            headers = made[subgraph] = pipeline.plugins.subgraph_headers(subgraph,
                                                                         started.request)
        return headers

    accept = next((v for k, v in started.request.headers.items() if k.lower() == "accept"), "")
    spec = "v0.2" if "incrementalspec=v0.2" in accept.lower().replace(" ", "") else "20220824"
    payloads = execute_incremental(incremental, pipeline.fetcher, started.variables,
                                   raw_variables=started.request.variables,
                                   headers_for=headers_for, spec=spec)
    first = True
    try:
        async for payload in payloads:
            if first:
                payload = pipeline.plugins.response(started.request,
                                                    started.decision.apply(payload))
                first = False
            elif started.decision.denied:
                _drop_explained(payload, started.decision)
            yield payload
    finally:
        await payloads.aclose()


def _drop_explained(payload: dict[str, Any], decision: Decision) -> None:
    """Nulls of denied fields inside deferred parts: the initial payload reported them."""
    for key in ("incremental", "completed"):
        for entry in payload.get(key, ()):
            if entry.get("errors"):
                entry["errors"] = decision.kept(entry["errors"])
                if not entry["errors"]:
                    del entry["errors"]
