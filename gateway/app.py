"""Wiring: supergraph + config -> subgraph pool -> pipeline -> ASGI app."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette

from gateway.config import GatewayConfig
from gateway.fetch import ClientOptions, SubgraphPool
from gateway.http import build_http_app
from gateway.pipeline import Limits, Pipeline
from gateway.plugins import Plugin, Plugins, PropagateHeaders
from gateway.supergraph import Supergraph, load_supergraph

__all__ = ["Gateway", "build_gateway", "create_app"]

log = logging.getLogger(__name__)


@dataclass
class Gateway:
    """The running parts the HTTP layer serves."""

    supergraph: Supergraph
    pool: SubgraphPool
    pipeline: Pipeline
    max_request_bytes: int
    max_batch: int
    expose_query_plan: bool

    async def aclose(self) -> None:
        await self.pool.aclose()


def build_gateway(
    supergraph_sdl: str,
    *,
    subgraph_urls: dict[str, str] | None = None,
    config: GatewayConfig | None = None,
    plugins: list[Plugin] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Gateway:
    """Load the supergraph and wire the pipeline; SupergraphError when it does not load."""
    config = config or GatewayConfig()
    supergraph = load_supergraph(supergraph_sdl)
    overrides = {**config.subgraph_urls, **(subgraph_urls or {})}
    _warn_unknown(supergraph, overrides, config)
    urls = {**supergraph.subgraphs, **overrides}
    pool = SubgraphPool(urls, _client_options(config, urls), transport)
    pipeline = Pipeline(
        supergraph,
        pool,
        limits=_limits(config),
        plugins=Plugins([PropagateHeaders(config.propagate_headers), *(plugins or [])]),
        cache_size=config.cache_size,
        cache_bytes=config.cache_max_bytes,
        introspection=config.introspection,
        override_labels=frozenset(config.override_labels),
    )
    max_batch = config.batching.max_operations if config.batching.enabled else 0
    return Gateway(supergraph, pool, pipeline, config.limits.max_request_bytes, max_batch,
                   config.expose_query_plan)


def create_app(
    supergraph_sdl: str,
    *,
    subgraph_urls: dict[str, str] | None = None,
    config: GatewayConfig | None = None,
    plugins: list[Plugin] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """An ASGI app serving the supergraph at ``/graphql``; ``subgraph_urls`` override URLs."""
    gateway = build_gateway(supergraph_sdl, subgraph_urls=subgraph_urls, config=config,
                            plugins=plugins, transport=transport)
    app = build_http_app(gateway)
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
        )
    return options


def _warn_unknown(supergraph: Supergraph, urls: dict[str, str], config: GatewayConfig) -> None:
    # A misspelt subgraph name would otherwise leave the override silently unused.
    for name in sorted((set(urls) | set(config.traffic.subgraphs)) - set(supergraph.subgraphs)):
        log.warning("configuration names subgraph '%s', which the supergraph does not have", name)


def _limits(config: GatewayConfig) -> Limits:
    values = config.limits.model_dump(exclude={"max_request_bytes"})
    return Limits(**values)
