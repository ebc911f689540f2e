"""The gateway's settings: one strict model, every option described, env vars ``GATEWAY_*``.

Nested options are set from the environment with ``__`` between levels, e.g.
``GATEWAY_LIMITS__MAX_DEPTH=20`` or ``GATEWAY_TRAFFIC__ALL__TIMEOUT_SECONDS=5``; maps take JSON,
e.g. ``GATEWAY_SUBGRAPH_URLS='{"products": "http://products:5002/graphql"}'``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from gateway.config_env import KnownEnvironment
from gateway.edge_config import (
    AuthConfig,
    CorsConfig,
    CostConfig,
    PersistedQueriesConfig,
    RateLimitConfig,
    TrustedDocumentsConfig,
)
from gateway.production_profile import production_defaults, production_refusals
from gateway.resilience_config import StaleCacheConfig
from gateway.service_auth_config import ServiceAuthConfig
from gateway.subscriptions_config import SubscriptionsConfig

__all__ = [
    "BatchingConfig",
    "GatewayConfig",
    "LimitsConfig",
    "SubgraphTraffic",
    "TrafficConfig",
    "TrafficOverride",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _environment() -> str:
    value = os.environ.get("ENVIRONMENT", "dev")
    return value if value in ("dev", "test", "production") else "dev"


class SubgraphTraffic(_Strict):
    """How the gateway talks to a subgraph."""

    timeout_seconds: float = Field(30.0, gt=0, description="Whole-request timeout of one fetch.")
    max_connections: int = Field(100, ge=1, description="Connections open to the subgraph.")
    max_keepalive_connections: int = Field(20, ge=0, description="Idle connections kept open.")
    keepalive_expiry_seconds: float = Field(
        4.0, ge=0, description="How long idle ones stay (below the 5 s idle timeout of uvicorn "
        "and Node servers, so the gateway, not the subgraph, closes them)."
    )
    max_response_bytes: int = Field(
        50_000_000, ge=1, description="Larger subgraph answers are refused (memory bound)."
    )
    accept_compressed: bool = Field(
        False, description="Send Accept-Encoding: gzip, deflate. Off: next to the gateway a "
        "compressing subgraph costs more CPU than it saves; on for a slow or metered network."
    )
    breaker_failures: int = Field(
        5, ge=0, description="Consecutive failed fetches (unreachable, HTTP 5xx, timeout) that "
        "open the subgraph's circuit breaker: fetches then fail at once with "
        "SUBGRAPH_CIRCUIT_OPEN (0: no breaker)."
    )
    breaker_failure_ratio: float = Field(
        0.5, gt=0, le=1, description="Also open when this share of the last breaker_window "
        "fetches failed."
    )
    breaker_window: int = Field(20, ge=1, description="Fetches breaker_failure_ratio looks at.")
    breaker_reset_seconds: float = Field(
        5.0, gt=0, description="How long an open breaker fails fast before one probe fetch "
        "goes through (half-open); the probe's success closes it, its failure reopens it."
    )
    breaker_probe_interval_seconds: float = Field(
        0.5, ge=0, description="While the breaker is open, the gateway probes the subgraph in "
        "the background with { __typename }, first after about this long; the wait doubles "
        "while probes fail, up to breaker_probe_max_interval_seconds. The first answer turns "
        "the breaker half-open at once, so the next fetch is its probe (0: no background "
        "probes, only a fetch after breaker_reset_seconds)."
    )
    breaker_probe_max_interval_seconds: float = Field(
        2.0, gt=0, description="Longest wait between two background probes, and a probe's "
        "timeout (at most timeout_seconds): how long a subgraph that is back may stay refused."
    )
    retries: int = Field(
        1, ge=0, le=5, description="Extra attempts of a query or entity fetch when the subgraph "
        "is unreachable or answers HTTP 5xx (never a mutation, never after a timeout)."
    )
    retry_backoff_seconds: float = Field(
        0.05, ge=0, description="Base of the jittered exponential wait between attempts."
    )
    serve_stale_seconds: float = Field(
        0.0, ge=0, description="When a public query to this subgraph fails, answer it from "
        "an answer at most this old, marked in extensions.stale and the X-Served-Stale "
        "header. Public: the request carries only stale_cache.neutral_headers, so personalised "
        "or authorised answers are never kept; mutations never (0: never stale)."
    )
    deduplicate_queries: bool = Field(
        True, description="Identical queries to this subgraph in flight at the same time share "
        "one request and its answer. Identical: same request body and the same subgraph request "
        "headers (Authorization, cookies, forwarded claims...) except stale_cache.neutral_headers "
        "(request id, trace context, client address); the subgraph sees the first caller's "
        "x-request-id and traceparent. Mutations never share."
    )


class TrafficOverride(_Strict):
    """Per-subgraph values; an option left out takes the ``all`` value."""

    timeout_seconds: float | None = Field(None, gt=0, description="See SubgraphTraffic.")
    max_connections: int | None = Field(None, ge=1, description="See SubgraphTraffic.")
    max_keepalive_connections: int | None = Field(None, ge=0, description="See SubgraphTraffic.")
    keepalive_expiry_seconds: float | None = Field(None, ge=0, description="See SubgraphTraffic.")
    max_response_bytes: int | None = Field(None, ge=1, description="See SubgraphTraffic.")
    accept_compressed: bool | None = Field(None, description="See SubgraphTraffic.")
    breaker_failures: int | None = Field(None, ge=0, description="See SubgraphTraffic.")
    breaker_failure_ratio: float | None = Field(None, gt=0, le=1,
                                                description="See SubgraphTraffic.")
    breaker_window: int | None = Field(None, ge=1, description="See SubgraphTraffic.")
    breaker_reset_seconds: float | None = Field(None, gt=0, description="See SubgraphTraffic.")
    breaker_probe_interval_seconds: float | None = Field(None, ge=0,
                                                         description="See SubgraphTraffic.")
    breaker_probe_max_interval_seconds: float | None = Field(None, gt=0,
                                                             description="See SubgraphTraffic.")
    retries: int | None = Field(None, ge=0, le=5, description="See SubgraphTraffic.")
    retry_backoff_seconds: float | None = Field(None, ge=0, description="See SubgraphTraffic.")
    serve_stale_seconds: float | None = Field(None, ge=0, description="See SubgraphTraffic.")
    deduplicate_queries: bool | None = Field(None, description="See SubgraphTraffic.")


class TrafficConfig(_Strict):
    """Subgraph traffic: an ``all`` section with per-subgraph overrides (Apollo Router style)."""

    all: SubgraphTraffic = Field(SubgraphTraffic(), description="Defaults for every subgraph.")
    subgraphs: dict[str, TrafficOverride] = Field(
        default_factory=dict, description="Overrides by subgraph name."
    )

    def for_subgraph(self, name: str) -> SubgraphTraffic:
        """The effective options of subgraph ``name``."""
        override = self.subgraphs.get(name)
        if override is None:
            return self.all
        return self.all.model_copy(update=override.model_dump(exclude_none=True))


class LimitsConfig(_Strict):
    """Refuse documents that would cost too much, before validating them."""

    max_document_bytes: int = Field(100_000, ge=1, description="Size of the query text.")
    max_tokens: int = Field(15_000, ge=1, description="Lexical tokens the parser reads.")
    max_depth: int = Field(32, ge=1, description="Nesting of field selections.")
    max_aliases: int = Field(100, ge=0, description="Aliased fields, fragments expanded.")
    max_root_fields: int = Field(64, ge=1, description="Fields selected on the root type.")
    max_request_bytes: int = Field(1_000_000, ge=1, description="HTTP request body size.")


class BatchingConfig(_Strict):
    """Several operations in one POST as a JSON array (Apollo Client's batch link)."""

    enabled: bool = Field(False, description="Accept a JSON array of requests.")
    max_operations: int = Field(10, ge=1, description="Requests one batch may hold.")


class GatewayConfig(BaseSettings):
    """Everything the gateway can be told; unknown keys are an error (in the environment: a
    warning, since other tools set ``GATEWAY_*`` variables too)."""

    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    mode: Literal["dev", "production"] = Field(
        default_factory=lambda: "production" if _environment() == "production" else "dev",
        description="dev turns debug aids on (production is the default when ENVIRONMENT="
        "production).",
    )
    environment: Literal["dev", "test", "production"] = Field(
        default_factory=lambda: _environment(),
        description="The deployment, from ENVIRONMENT as for every service: production makes "
        "unset options safe and refuses unsafe ones (production_profile.py).",
    )
    supergraph_path: Path = Field(
        Path("schema/supergraph.graphql"), description="The composed supergraph SDL file."
    )
    supergraph_poll_seconds: float = Field(
        0.0, ge=0,
        description="Check supergraph_path this often and swap in a changed supergraph that "
        "loads; one that does not is logged and ignored (0: never).",
    )
    supergraph_url: str = Field(
        "", description="Fetch the supergraph from this URL (at start and every "
        "supergraph_poll_seconds) instead of reading supergraph_path (empty: the file)."
    )
    host: str = Field("0.0.0.0", description="Interface the HTTP server listens on.")
    port: int = Field(8080, ge=0, le=65535, description="Port the HTTP server listens on.")
    listen_backlog: int = Field(
        4096, ge=1, le=65535, description="Connections the kernel holds for the server before it "
        "accepts them (capped by net.core.somaxconn). A fleet of clients reconnecting at once, "
        "after a deploy, arrives faster than one worker accepts: with a short queue the "
        "overflow is dropped and those clients see their connection reset.")
    subgraph_urls: dict[str, str] = Field(
        default_factory=dict,
        description="Subgraph name -> URL, replacing the supergraph's routing URL "
        "(Apollo Router's override_subgraph_url).",
    )
    traffic: TrafficConfig = Field(
        TrafficConfig(), description="Timeouts, pools, breakers, retries and stale answers per "
        "subgraph."
    )
    stale_cache: StaleCacheConfig = Field(
        StaleCacheConfig(), description="The answers kept for traffic.*.serve_stale_seconds."
    )
    limits: LimitsConfig = Field(LimitsConfig(), description="Operation and request limits.")
    batching: BatchingConfig = Field(BatchingConfig(), description="Batched requests.")
    subscriptions: SubscriptionsConfig = Field(
        SubscriptionsConfig(), description="Subscription transports, limits and queues."
    )
    propagate_headers: list[str] = Field(
        ["authorization"], description="Client request headers forwarded to every subgraph."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list, description="CIDRs of the proxies in front of the gateway whose "
        "X-Forwarded-For is believed; the client address (rate limits, and X-Forwarded-For to "
        "subgraphs) is the first hop they do not vouch for. Empty: the TCP peer."
    )
    introspection: bool = Field(True, description="Answer __schema and __type queries.")
    expose_query_plan: bool = Field(
        False,
        description="Return the plan in extensions.queryPlan when the request carries "
        "X-Debug-Query-Plan: 1 (on by default in dev mode).",
    )
    cache_size: int = Field(512, ge=1, description="Entries in each preparation cache.")
    cache_max_bytes: int = Field(
        8_000_000, ge=0,
        description="Query text (which bounds the parsed trees) each preparation cache holds.",
    )
    override_labels: list[str] = Field(
        default_factory=list, description="Progressive @override labels that are enabled."
    )
    redis_url: str = Field(
        "", description="Redis holding persisted queries and rate-limit buckets, shared by "
        "replicas (empty: in-process stores)."
    )
    persisted_queries: PersistedQueriesConfig = Field(
        PersistedQueriesConfig(), description="Automatic persisted queries (APQ)."
    )
    trusted_documents: TrustedDocumentsConfig = Field(
        TrustedDocumentsConfig(), description="Trusted documents (safelisting)."
    )
    auth: AuthConfig = Field(AuthConfig(), description="JWT verification and claims forwarding.")
    service_auth: ServiceAuthConfig = Field(
        ServiceAuthConfig(), description="The gateway's credential towards the subgraphs."
    )
    cost: CostConfig = Field(CostConfig(), description="Static cost estimate and its maximum.")
    rate_limit: RateLimitConfig = Field(RateLimitConfig(), description="Per-client rate limit.")
    cors: CorsConfig = Field(CorsConfig(), description="Cross-origin browser requests.")
    csrf_prevention: bool = Field(
        True, description="Refuse 'simple' browser requests that force no CORS preflight."
    )
    compression: bool = Field(
        True, description="gzip responses of 1000 bytes or more for clients that accept it."
    )
    collapse_requests: bool = Field(
        True,
        description="Identical queries in flight at the same time share one execution (the "
        "subgraph fetches, merging and shaping); each client request still has its own request "
        "id, authorization, on_request/on_response plugin hooks, metrics, trace and response "
        "object. Identical means the same document, operation name, variables, extensions, "
        "verified claims and the same headers towards every subgraph the plan calls "
        "(Authorization, cookies, every propagated header) except stale_cache.neutral_headers. "
        "Never shared: mutations, subscriptions, @defer/@stream, requests with 'Cache-Control: "
        "no-cache' or 'no-store', and requests a plugin's on_collapse refuses. The subgraph "
        "fetch spans are in the first request's trace; the others name it in "
        "gateway.collapse.trace_id.",
    )
    merge_requests_across_branches: bool = Field(
        True,
        description="Let independent branches of a plan line up in rounds when that lets their "
        "entity fetches to one subgraph share requests (same number of rounds, fewer requests: "
        "the federation benchmark's query takes 6 instead of 11). A round then waits for its "
        "slowest fetch; turn this off when subgraph latencies differ widely and latency matters "
        "more than subgraph load. Side-by-side fetches share requests either way.",
    )
    workers: int = Field(
        1, ge=1, description="Server processes sharing the port (each a full gateway with its "
        "own caches and connection pools; size to the CPU cores).",
    )
    gc_young_threshold: int = Field(
        50_000, ge=0,
        description="Allocations between collections of Python's youngest generation once "
        "serving (0: Python's default of 700). Every request builds thousands of short-lived "
        "dicts and lists; at the default, collections cost ~17% of the gateway's CPU under the "
        "federation benchmark (1.84 -> 1.52 CPU-s per 1k requests, medians of 3 runs). What was "
        "loaded at start-up is frozen out of collection as well.",
    )
    graphiql: bool = Field(
        False, description="Serve GraphiQL at GET /graphql to browsers (on by default in dev)."
    )
    ready_cache_seconds: float = Field(
        5.0, ge=0, description="How long /ready reuses its subgraph reachability check."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment (unknown ``GATEWAY_*`` names only logged)."""
        return init_settings, KnownEnvironment(settings_cls, env_settings)

    @classmethod
    def load(cls, yaml_file: Path | None = None, **overrides: object) -> GatewayConfig:
        """Settings from, by priority: ``overrides`` > ``GATEWAY_*`` env > YAML file > defaults.

        The YAML file holds the same keys as this model (unknown keys are an error); a
        ``GATEWAY_*`` variable naming no option is logged once and ignored (``config_env``).
        """
        if yaml_file is None:
            return cls(**overrides)  # type: ignore[arg-type]
        if not yaml_file.is_file():
            raise FileNotFoundError(f"config file {yaml_file} does not exist")

        class FromFile(cls):  # type: ignore[valid-type, misc]
            model_config = SettingsConfigDict(**{**cls.model_config, "yaml_file": yaml_file})

            @classmethod
            def settings_customise_sources(
                cls, settings_cls: type[BaseSettings], **sources: PydanticBaseSettingsSource
            ) -> tuple[PydanticBaseSettingsSource, ...]:
                # the file ranks below the arguments and the environment
                env_first = super().settings_customise_sources(settings_cls, **sources)
                return (*env_first, YamlConfigSettingsSource(settings_cls))

        return FromFile(**overrides)

    @model_validator(mode="after")
    def _dev_defaults(self) -> GatewayConfig:
        # Debug aids default on in dev only; an explicit setting always wins.
        for option in ("expose_query_plan", "graphiql"):
            if option not in self.model_fields_set and self.mode == "dev":
                object.__setattr__(self, option, True)
        if self.environment == "production":
            for option, value in production_defaults(self).items():
                object.__setattr__(self, option, value)
            refused = production_refusals(self)
            if refused:
                raise ValueError("refused with environment=production: " + "; ".join(refused))
        return self
