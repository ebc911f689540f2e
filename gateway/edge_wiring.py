"""Wire the edge from the config: persisted-query store, token verifier, rate-limit buckets,
claims forwarding, readiness, and the HTTP middleware (request ids, CORS, gzip)."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from common.auth.proxies import TrustedProxies
from common.auth.refreshed_versions import RefreshedVersions
from common.auth.versions import HttpVersions, RedisVersions, VersionStore
from gateway.config import GatewayConfig
from gateway.fetch import SubgraphPool
from gateway.http.asgi import GatewayApp
from gateway.http.edge import Edge
from gateway.http.middleware import install_middleware
from gateway.pipeline.apq import InProcessQueryStore, PersistedQueries, QueryStore
from gateway.pipeline.apq_redis import RedisQueryStore
from gateway.pipeline.cost import CostModel
from gateway.pipeline.trusted import TrustedDocuments, load_manifest
from gateway.plugins import Plugin
from gateway.plugins.auth import JwtKeys, TokenVerifier
from gateway.plugins.client_address import ForwardClientAddress
from gateway.plugins.rate_limit import Buckets, InProcessBuckets, RedisBuckets
from gateway.service_auth import subgraph_credentials

__all__ = ["EdgeParts", "Readiness", "cost_model", "edge_parts", "install_edge_middleware"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EdgeParts:
    """The edge's long-lived parts: they survive supergraph reloads."""

    edge: Edge = field(default_factory=Edge)
    persisted: PersistedQueries = field(default_factory=lambda: PersistedQueries(None))
    plugins: tuple[Plugin, ...] = ()
    redis: Any = None

    async def aclose(self) -> None:
        """Stop the token verifier's refresher thread and close the Redis connections (the
        in-process stores need nothing)."""
        if self.edge.verifier is not None:  # joins a thread: off the event loop
            await asyncio.to_thread(self.edge.verifier.close)
        if self.redis is not None:
            await self.redis.aclose()


def edge_parts(config: GatewayConfig) -> EdgeParts:
    """Build the edge's parts; Redis backs the stores when ``redis_url`` is set."""
    redis = _redis(config.redis_url)
    edge = Edge(_verifier(config), _buckets(config, redis), config.csrf_prevention,
                TrustedProxies(config.trusted_proxies))
    apq = config.persisted_queries
    store: QueryStore = (RedisQueryStore(redis, apq.ttl_seconds) if redis is not None
                         else InProcessQueryStore(apq.cache_size))
    persisted = PersistedQueries(store, apq.enabled, _trusted(config))
    return EdgeParts(edge, persisted, (ForwardClientAddress(),), redis)


def _trusted(config: GatewayConfig) -> TrustedDocuments | None:
    trusted = config.trusted_documents
    if trusted.mode == "off":
        return None
    operations = load_manifest(trusted.manifest)  # a missing manifest stops the start: loud
    log.info("%d trusted documents, mode %s", len(operations), trusted.mode)
    return TrustedDocuments(trusted.mode, operations)


def cost_model(config: GatewayConfig, sdl: str) -> CostModel | None:
    """The supergraph's cost weights when a maximum cost is configured."""
    if config.cost.max_cost <= 0:
        return None
    return CostModel.from_sdl(sdl, **config.cost.model_dump())


def install_edge_middleware(app: GatewayApp, config: GatewayConfig) -> None:
    install_middleware(app, config.cors, compression=config.compression)


def _redis(url: str) -> Any:
    if not url:
        return None
    import redis.asyncio  # only a deployment with Redis needs the client

    return redis.asyncio.from_url(url, decode_responses=True)


_PLACEHOLDERS = ("change-me", "changeme", "secret", "dev-secret", "test")


def _verifier(config: GatewayConfig) -> TokenVerifier | None:
    auth = config.auth
    if not auth.enabled:
        return None
    _refuse_placeholder(config, auth.jwt_secret.get_secret_value(), "auth.jwt_secret")
    keys = JwtKeys(auth.jwt_secret.get_secret_value(), auth.jwks_url, auth.jwks_file,
                   tuple(auth.algorithms), auth.issuer, auth.audience, auth.leeway_seconds)
    return TokenVerifier(keys, _versions(config))


def _versions(config: GatewayConfig) -> RefreshedVersions | None:
    # The same minimum-version store the subgraphs read (common.auth.versions).
    auth = config.auth
    if config.redis_url:
        store: VersionStore = RedisVersions(config.redis_url)
    elif auth.token_versions_url:
        store = HttpVersions(auth.token_versions_url, credential=_users_credential(config))
    else:
        return None
    return RefreshedVersions(store, auth.token_version_cache_seconds,
                             idle_seconds=auth.token_version_idle_seconds)


def _users_credential(config: GatewayConfig) -> Any:
    # users' batch lookup serves services only: the token the gateway sends that subgraph
    credentials = subgraph_credentials(config.service_auth)
    if credentials is None:
        return None
    return functools.partial(credentials.headers_for, config.auth.token_versions_service)


def _buckets(config: GatewayConfig, redis: Any) -> Buckets | None:
    limit = config.rate_limit
    if not limit.enabled:
        return None
    if redis is not None:
        return RedisBuckets(redis, limit.requests_per_second, limit.burst)
    return InProcessBuckets(limit.requests_per_second, limit.burst)


def _refuse_placeholder(config: GatewayConfig, secret: str, name: str) -> None:
    # An HMAC key anyone can guess forges every token (STYLE: no placeholder secrets in prod).
    if config.mode != "production" or not secret:
        return
    lowered = secret.lower()
    if lowered in _PLACEHOLDERS or lowered.startswith("change-me") or len(secret) < 32:
        raise ValueError(f"{name} is a placeholder or shorter than 32 characters")


class Readiness:
    """Whether every subgraph answers ``{ __typename }``, re-checked at most every few seconds."""

    def __init__(self, cache_seconds: float, timeout: float = 2.0) -> None:
        self.cache_seconds = cache_seconds
        self.timeout = timeout
        self._checked: tuple[float, bool, Any] = (float("-inf"), False, None)

    async def check(self, pool: SubgraphPool) -> bool:
        at, ready, checked_pool = self._checked
        if checked_pool is pool and time.monotonic() - at < self.cache_seconds:
            return ready
        names = list(pool.urls)
        results = await asyncio.gather(*(self._ping(pool, n) for n in names))
        self._checked = (time.monotonic(), all(results), pool)
        return all(results)

    async def _ping(self, pool: SubgraphPool, name: str) -> bool:
        try:
            query = {"query": "{ __typename }"}
            response = await asyncio.wait_for(pool.fetch(name, query, {}, True), self.timeout)
        except Exception as error:  # any failure means "not reachable"
            log.warning("subgraph %s is not reachable: %s", name, error)
            return False
        return "data" in response
