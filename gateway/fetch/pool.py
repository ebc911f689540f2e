"""Every subgraph's client, created on first use in the running event loop, with dedup,
breakers, retries and stale answers (``guard``).

With a tracer, each request that really goes out carries the trace context, in a CLIENT span
when the trace is sampled (``gateway.fetch.tracing``).
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Mapping
from typing import Any

import httpx
import orjson
from opentelemetry.trace import Tracer

from gateway.fetch.client import ClientOptions, SubgraphClient, parse_response
from gateway.fetch.credentials import SubgraphCredentials
from gateway.fetch.dedup import InFlight
from gateway.fetch.errors import SubgraphFetchError
from gateway.fetch.guard import Guard
from gateway.fetch.tracing import FetchSpans
from gateway.metrics import record_fetch

__all__ = ["SubgraphPool"]

# The readiness check's query (edge_wiring.Readiness): any GraphQL server answers it, at almost
# no cost, with introspection off too (it asks for no __schema or __type).
_PROBE = orjson.dumps({"query": "{ __typename }"})


class SubgraphPool:
    """Send GraphQL requests to subgraphs by name.

    Connection pools belong to one event loop, so the pool remakes its clients when it is used
    from a new loop (an app served by uvicorn has one loop; tests may run one per test).
    """

    def __init__(
        self,
        urls: Mapping[str, str],
        options: Mapping[str, ClientOptions] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        guard: Guard | None = None,
        credentials: SubgraphCredentials | None = None,
        tracer: Tracer | None = None,
    ) -> None:
        self.urls = dict(urls)
        self.guard = guard or Guard()
        self.credentials = credentials
        self.spans = FetchSpans(tracer) if tracer is not None else None
        self.options = dict(options or {})
        self._transport = transport
        self._clients: dict[str, SubgraphClient] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._inflight = InFlight(self.guard.stale.neutral)
        self.sent = 0  # requests that really went out (after deduplication)
        for name in self.urls:  # the latest pool (after a reload) probes open breakers
            self.guard.recovery.probe_with(name, functools.partial(self.probe, name))

    async def fetch(
        self, subgraph: str, request: dict[str, Any], headers: dict[str, str], dedupe: bool
    ) -> dict[str, Any]:
        """POST ``request`` to ``subgraph``; identical concurrent queries share one request
        (unless the subgraph's ``FetchPolicy.deduplicate`` is off; see ``gateway.fetch.dedup``
        for what identical means).

        ``dedupe`` marks a query: it may also be retried and, when the subgraph fails, answered
        from the stale cache (a :class:`StaleAnswer`).
        """
        client = self._client(subgraph)
        body = orjson.dumps(request, option=orjson.OPT_SORT_KEYS)
        # The gateway's own credential goes on after the dedup key is taken (it is the same
        # for every request to this subgraph until renewed).
        sent = headers if self.credentials is None else {
            **headers, **self.credentials.headers_for(subgraph)}

        async def send() -> bytes:
            self.sent += 1
            started = time.perf_counter()
            try:
                if self.spans is not None:
                    answer = await self.spans.post(client, body, sent, dedupe,
                                                   request.get("operationName"))
                else:
                    # Only a query may be sent again when a keep-alive connection closes under it.
                    answer = await client.post(body, sent, replayable=dedupe)
            except SubgraphFetchError as error:
                record_fetch(subgraph, time.perf_counter() - started, error.code)
                raise
            record_fetch(subgraph, time.perf_counter() - started)
            return answer

        def guarded() -> Awaitable[bytes]:
            return self.guard.send(subgraph, dedupe, send)

        if not dedupe:
            return parse_response(subgraph, await guarded())
        try:
            if self.guard.policy(subgraph).deduplicate:
                key = self._inflight.key(subgraph, body, headers)
                raw = await self._inflight.run(key, guarded)
            else:
                raw = await guarded()
        except SubgraphFetchError:
            stale = self.guard.stale_answer(subgraph, body, headers)
            if stale is None:
                raise
            return stale
        response = parse_response(subgraph, raw)
        self.guard.remember(subgraph, body, headers, raw, response)
        return response

    async def probe(self, subgraph: str) -> None:
        """Send ``{ __typename }`` past the breaker and the retries; return when ``subgraph``
        answers with a GraphQL response, raise :class:`SubgraphFetchError` otherwise."""
        client = self._client(subgraph)
        headers = {} if self.credentials is None else self.credentials.headers_for(subgraph)
        parse_response(subgraph, await client.post(_PROBE, headers, replayable=True))

    def _client(self, subgraph: str) -> SubgraphClient:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._clients, self._loop = {}, loop
            self._inflight = InFlight(self.guard.stale.neutral)
        client = self._clients.get(subgraph)
        if client is None:
            url = self.urls.get(subgraph)
            if url is None:
                raise SubgraphFetchError(subgraph, f"no URL configured for subgraph '{subgraph}'")
            options = self.options.get(subgraph, ClientOptions())
            client = SubgraphClient(subgraph, url, options, self._transport)
            self._clients[subgraph] = client
        return client

    async def aclose(self) -> None:
        """Close every connection pool of the current loop."""
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.aclose()
