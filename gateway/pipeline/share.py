"""Request collapsing (``collapse_requests``): identical queries in flight share one execution.

Only the execution is shared (the subgraph fetches, merging and shaping); every client request
still runs the rest of the pipeline on its own: persisted-query lookup, ``on_request`` plugins,
preparation, authorization, variable coercion, ``on_response`` plugins, the request metrics,
its request id and its tracing. Each request receives its own response object: the first
taker the executed one, every other a fresh copy decoded from the JSON the execution wrote once
before anyone could change it, so no request ever sees another's mutations.

What two requests must share to share an execution (``key``): the operation document, its name,
the override labels drawn, the raw variables, the request extensions (but the persisted-query
hash, whose document is in the key already), the verified claims and, for every subgraph the
plan calls, the headers the plugins would send it (``Plugins.subgraph_headers``: Authorization,
cookies, every propagated header, forwarded claims) except the *neutral* ones
(``stale_cache.neutral_headers``, the same list subgraph in-flight deduplication uses: request
id, trace context, the client address). Never shared: mutations, subscriptions, documents with
``@defer``/``@stream``, an operation that needs no subgraph, a request saying
``Cache-Control: no-cache`` (or ``no-store``), and a request any plugin's ``on_collapse``
refuses.

Tracing: the execution runs in the first request's context, so the subgraph fetch spans are in
its trace (and the subgraphs see its ``x-request-id`` and trace context). That server span gets
``gateway.collapse.followers`` (how many requests it served besides its own); a follower's
server span gets ``gateway.collapse.trace_id`` and ``gateway.collapse.span_id``, naming the
span whose trace holds the fetches.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Hashable, Iterable, Mapping
from typing import Any

import orjson
from opentelemetry import trace

from gateway.metrics import COLLAPSED
from gateway.pipeline.collapse import Collapser, Flight
from gateway.pipeline.errors import RequestError
from gateway.plugins import GraphQLRequest, Plugins

__all__ = ["SharedExecutions", "opted_out"]

Headers = dict[str, dict[str, str]]
Execute = Callable[[Headers], Coroutine[Any, Any, dict[str, Any]]]
_OPT_OUT = ("no-cache", "no-store")


def opted_out(headers: Mapping[str, str]) -> bool:
    """The client asked for an answer of its own (``Cache-Control: no-cache``/``no-store``)."""
    control = headers.get("cache-control")
    return control is not None and any(word in control.lower() for word in _OPT_OUT)


class _Shared:
    """An execution's result, handed out once as is and as fresh copies after that."""

    __slots__ = ("_body", "_response", "_taken", "error", "span")

    def __init__(self, response: dict[str, Any] | None, error: RequestError | None,
                 copies: bool, span: trace.SpanContext | None) -> None:
        self._response = response
        # written before any request can touch the response; only when others wait for it
        self._body = _dumps(response) if copies and response is not None else None
        self._taken = False
        self.error = error
        self.span = span

    def take(self) -> tuple[dict[str, Any], bool]:
        """A response object of the caller's own; True when it came from another's execution."""
        if self.error is not None:
            raise self.error.fresh()
        assert self._response is not None
        if not self._taken:
            self._taken = True
            return self._response, False
        assert self._body is not None
        return orjson.loads(self._body), True


class SharedExecutions:
    """The executions in flight of one pipeline, by ``key``."""

    def __init__(self, plugins: Plugins, neutral_headers: Iterable[str], traced: bool) -> None:
        self.flights: Collapser[_Shared] = Collapser()
        self.plugins = plugins
        self.neutral = frozenset(name.lower() for name in neutral_headers)
        self.traced = traced

    def headers(self, subgraphs: Iterable[str], request: GraphQLRequest) -> Headers:
        """The headers each subgraph of the plan would receive for ``request``."""
        return {name: self.plugins.subgraph_headers(name, request) for name in subgraphs}

    def key(self, request: GraphQLRequest, labels: frozenset[str],
            headers: Headers) -> Hashable | None:
        """What identical requests share; None: this one runs on its own."""
        if opted_out(request.headers) or not self.plugins.collapsible(request):
            return None
        neutral = self.neutral
        sent = tuple(sorted(
            (subgraph, tuple(sorted((name.lower(), value) for name, value in made.items()
                                    if name.lower() not in neutral)))
            for subgraph, made in headers.items()))
        extensions = request.extensions
        if "persistedQuery" in extensions:
            extensions = {k: v for k, v in extensions.items() if k != "persistedQuery"}
        try:
            # as sent (not sorted): identical clients send identical bytes
            parameters = orjson.dumps((request.variables, extensions, request.claims))
        except TypeError:  # something JSON cannot say (a plugin's doing): no sharing
            return None
        return (request.query, request.operation_name, labels, parameters, sent)

    async def run(self, key: Hashable, execute: Execute, headers: Headers) -> dict[str, Any]:
        """The response of the execution in flight for ``key``, or of a new one."""
        traced = self.traced

        async def lead(flight: Flight[_Shared]) -> _Shared:
            span = trace.get_current_span() if traced else None
            try:
                response: dict[str, Any] | None = await execute(headers)
                error = None
            except RequestError as failed:
                response, error = None, failed
            # no await from here to the hand-over: the followers counted are all there are
            if span is not None and flight.followers and span.is_recording():
                span.set_attribute("gateway.collapse.followers", flight.followers)
            return _Shared(response, error, flight.followers > 0,
                           span.get_span_context() if span is not None else None)

        shared = await self.flights.run(key, lead)
        response, follower = shared.take()
        if follower:
            COLLAPSED.inc()
            if shared.span is not None:
                _name_leader(shared.span)
        return response


def _name_leader(leader: trace.SpanContext) -> None:
    span = trace.get_current_span()
    if span.is_recording():
        span.set_attribute("gateway.collapse.trace_id", format(leader.trace_id, "032x"))
        span.set_attribute("gateway.collapse.span_id", format(leader.span_id, "016x"))


def _dumps(response: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(response)
    except TypeError:
        return orjson.dumps(response, option=orjson.OPT_NON_STR_KEYS)
