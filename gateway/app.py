"""Wiring: supergraph + config -> subgraph pool -> pipeline -> ASGI app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import Tracer

from common.telemetry.sampling import HeadSampler
from common.telemetry.server_span import ServerSpans
from common.telemetry.tracing import tracer_provider as installed_provider
from gateway.config import GatewayConfig
from gateway.edge_wiring import (
    EdgeParts,
    Readiness,
    cost_model,
    edge_parts,
    install_edge_middleware,
)
from gateway.fetch import ClientOptions, SubgraphCredentials, SubgraphPool, SubscriptionHub
from gateway.fetch.guard import Guard
from gateway.fetch.supergraph_source import read_supergraph
from gateway.fetch_policy import build_guard
from gateway.http import GatewayApp, build_http_app
from gateway.pipeline import Limits, Pipeline
from gateway.plugins import Plugin, Plugins, PropagateHeaders
from gateway.plugins.request_id import PropagateRequestId
from gateway.service_auth import subgraph_credentials
from gateway.supergraph import Supergraph, SupergraphError, load_supergraph

__all__ = ["Gateway", "Wiring", "build_gateway", "create_app"]

log = logging.getLogger(__name__)


class Gateway:
    """The running parts the HTTP layer serves; ``reload`` swaps in a new supergraph.

    A request reads ``pipeline`` once and keeps it, so a swap never disturbs requests in
    flight: they finish on the old pipeline and its connection pool, closed after a grace time.
    """

    def __init__(self, sdl: str, config: GatewayConfig, wiring: Wiring) -> None:
        self.config = config
        self.max_request_bytes = config.limits.max_request_bytes
        self.max_batch = config.batching.max_operations if config.batching.enabled else 0
        self.expose_query_plan = config.expose_query_plan
        self.edge = wiring.edge.edge
        self.graphiql = config.graphiql
        self._readiness = Readiness(config.ready_cache_seconds)
        self._wiring = wiring
        # Subgraph circuit breakers; ``breakers.snapshot()`` is what a metrics exporter reads.
        self.breakers = wiring.guard.breakers
        self.supergraph, self.pool, self.pipeline = wiring.build(sdl)
        self._sdl = sdl
        self._retired: list[SubgraphPool] = []
        self._watcher: asyncio.Task[None] | None = None
        self._closing: set[asyncio.Future[None]] = set()

    def reload(self, sdl: str) -> bool:
        """Swap in ``sdl`` if it loads; otherwise log why and keep serving the current one."""
        if sdl == self._sdl:
            return False
        try:
            built = self._wiring.build(sdl)
        except SupergraphError as error:
            log.error("new supergraph rejected, still serving the previous one: %s", error)
            return False
        self._swap(sdl, built)
        return True

    async def reload_in_background(self, sdl: str) -> bool:
        """``reload`` with the loading done off the event loop (requests keep flowing)."""
        if sdl == self._sdl:
            return False
        try:
            built = await asyncio.to_thread(self._wiring.build, sdl)
        except SupergraphError as error:
            log.error("new supergraph rejected, still serving the previous one: %s", error)
            return False
        self._swap(sdl, built)
        return True

    def _swap(self, sdl: str, built: tuple[Supergraph, SubgraphPool, Pipeline]) -> None:
        # No await between these assignments: a request sees the old trio or the new one.
        old, streams, self._sdl = self.pool, self.pipeline.streams, sdl
        self.supergraph, self.pool, self.pipeline = built
        self._retire(old)
        if isinstance(streams, SubscriptionHub):  # new subscriptions go to the new hub
            streams.stop_lingering()
        log.info("supergraph reloaded (%d subgraphs)", len(self.supergraph.subgraphs))

    def _retire(self, pool: SubgraphPool) -> None:
        self._retired.append(pool)
        grace = max(self.config.traffic.for_subgraph(n).timeout_seconds for n in pool.urls or [""])
        with contextlib.suppress(RuntimeError):  # no running loop: closed at shutdown
            asyncio.get_running_loop().call_later(grace + 1, self._close_retired, pool)

    def _close_retired(self, pool: SubgraphPool) -> None:
        if pool in self._retired:
            self._retired.remove(pool)
            task = asyncio.ensure_future(pool.aclose())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def ready(self) -> bool:
        """A supergraph is loaded (there is one) and every subgraph answers."""
        return await self._readiness.check(self.pool)

    async def start(self) -> None:
        """Start watching the supergraph (file or URL) when ``supergraph_poll_seconds`` > 0."""
        if self.config.supergraph_poll_seconds > 0 and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch(self.config.supergraph_path))

    async def _watch(self, path: Path) -> None:
        while True:
            await asyncio.sleep(self.config.supergraph_poll_seconds)
            try:
                sdl = await asyncio.to_thread(read_supergraph, path, self.config.supergraph_url)
            except OSError as error:
                log.error("cannot read supergraph %s: %s", self.config.supergraph_url or path,
                          error)
                continue
            await self.reload_in_background(sdl)

    async def aclose(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None
        await self._wiring.guard.recovery.aclose()
        pools, self._retired = [self.pool, *self._retired], []
        for pool in pools:
            await pool.aclose()
        await self._wiring.edge.aclose()
        if self.pipeline.shared is not None:
            await self.pipeline.shared.flights.aclose()
        if isinstance(self.pipeline.streams, SubscriptionHub):
            await self.pipeline.streams.aclose()


@dataclass(frozen=True)
class Wiring:
    """How a supergraph becomes a pool and a pipeline (the same for every reload)."""

    config: GatewayConfig
    subgraph_urls: dict[str, str]
    plugins: tuple[Plugin, ...]
    transport: httpx.AsyncBaseTransport | None
    edge: EdgeParts = field(default_factory=EdgeParts)
    credentials: SubgraphCredentials | None = None
    tracer: Tracer | None = None  # None: no spans, no trace headers (tracing is off)
    guard: Guard = field(default_factory=Guard)  # breakers and stale answers outlive a reload

    def build(self, sdl: str) -> tuple[Supergraph, SubgraphPool, Pipeline]:
        config = self.config
        supergraph = load_supergraph(sdl)
        overrides = {**config.subgraph_urls, **self.subgraph_urls}
        _warn_unknown(supergraph, overrides, config)
        urls = {**supergraph.subgraphs, **overrides}
        pool = SubgraphPool(urls, _client_options(config, urls), self.transport, self.guard,
                            credentials=self.credentials, tracer=self.tracer)
        pipeline = Pipeline(
            supergraph,
            pool,
            limits=_limits(config),
            plugins=Plugins([PropagateHeaders(config.propagate_headers), PropagateRequestId(),
                             *self.edge.plugins, *self.plugins]),
            cache_size=config.cache_size,
            cache_bytes=config.cache_max_bytes,
            introspection=config.introspection,
            override_labels=frozenset(config.override_labels),
            persisted=self.edge.persisted,
            cost=cost_model(config, sdl),
            streams=_streams(config, urls, self.credentials),
            merge_across_branches=config.merge_requests_across_branches,
            tracer=self.tracer,
            collapse=config.collapse_requests,
            neutral_headers=self.guard.stale.neutral,
        )
        return supergraph, pool, pipeline


def build_gateway(
    supergraph_sdl: str,
    *,
    subgraph_urls: dict[str, str] | None = None,
    config: GatewayConfig | None = None,
    plugins: list[Plugin] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    tracer: Tracer | None = None,
) -> Gateway:
    """Load the supergraph and wire the pipeline; SupergraphError when it does not load."""
    config = config or GatewayConfig()
    wiring = Wiring(config, dict(subgraph_urls or {}), tuple(plugins or ()), transport,
                    edge_parts(config), credentials=subgraph_credentials(config.service_auth),
                    tracer=tracer, guard=build_guard(config))
    return Gateway(supergraph_sdl, config, wiring)


def create_app(
    supergraph_sdl: str,
    *,
    subgraph_urls: dict[str, str] | None = None,
    config: GatewayConfig | None = None,
    plugins: list[Plugin] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    tracer_provider: TracerProvider | None = None,
) -> GatewayApp:
    """An ASGI app serving the supergraph at ``/graphql``; ``subgraph_urls`` override URLs.

    ``tracer_provider`` (default: the one ``common.telemetry.tracing.setup_tracing`` installed,
    if any) turns on server, preparation and subgraph fetch spans.
    """
    provider = tracer_provider or installed_provider()
    tracer = provider.get_tracer("gateway") if provider is not None else None
    gateway = build_gateway(supergraph_sdl, subgraph_urls=subgraph_urls, config=config,
                            plugins=plugins, transport=transport, tracer=tracer)
    app = build_http_app(gateway)
    if tracer is not None:
        # a provider from setup_tracing samples at the head: unsampled requests make no span
        sampler = getattr(tracer, "sampler", None)
        head = sampler if isinstance(sampler, HeadSampler) else None
        app.trace_requests(ServerSpans(tracer, head))
    install_edge_middleware(app, gateway.config)
    app.state.gateway = gateway
    return app


def _client_options(config: GatewayConfig, urls: dict[str, str]) -> dict[str, ClientOptions]:
    options = {}
    for name in urls:
        traffic = config.traffic.for_subgraph(name)
        options[name] = ClientOptions(
            timeout=traffic.timeout_seconds,
            max_connections=traffic.max_connections,
            max_keepalive_connections=traffic.max_keepalive_connections,
            keepalive_expiry=traffic.keepalive_expiry_seconds,
            max_response_bytes=traffic.max_response_bytes,
            accept_compressed=traffic.accept_compressed,
        )
    return options


def _warn_unknown(supergraph: Supergraph, urls: dict[str, str], config: GatewayConfig) -> None:
    # A misspelt subgraph name would otherwise leave the override silently unused.
    for name in sorted((set(urls) | set(config.traffic.subgraphs)) - set(supergraph.subgraphs)):
        log.warning("configuration names subgraph '%s', which the supergraph does not have", name)


def _streams(config: GatewayConfig, urls: dict[str, str],
             credentials: SubgraphCredentials | None) -> SubscriptionHub | None:
    options = config.subscriptions
    if not options.enabled:
        return None
    return SubscriptionHub(urls, per_socket=options.upstream_per_connection,
                           queue_size=options.queue_size,
                           timeout=options.upstream_timeout_seconds, credentials=credentials,
                           resume_seconds=options.upstream_resume_seconds,
                           linger_seconds=options.upstream_linger_seconds)


def _limits(config: GatewayConfig) -> Limits:
    values = config.limits.model_dump(exclude={"max_request_bytes"})
    return Limits(**values)
