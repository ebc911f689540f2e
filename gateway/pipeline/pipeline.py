"""The request pipeline as one short chain: parse -> validate -> normalise -> plan (all cached)
-> coerce variables -> execute (per request)."""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from opentelemetry.trace import Tracer

from gateway.executor import ClientOperation, Fetcher, Streamer
from gateway.executor.incremental import IncrementalOperation, has_defer
from gateway.metrics import PLAN_HIT, PLAN_MISS, record_request
from gateway.pipeline.apq import PersistedQueries
from gateway.pipeline.authorize import Authorizer, Decision
from gateway.pipeline.cost import CostModel
from gateway.pipeline.errors import (
    IncrementalNotAccepted,
    InternalError,
    OperationNotAllowed,
    OperationNotSupported,
    RequestError,
    ValidationFailed,
)
from gateway.pipeline.execute import execute_request
from gateway.pipeline.limits import Limits
from gateway.pipeline.lru import LRU, text_key
from gateway.pipeline.normalise import prepare_operation
from gateway.pipeline.parse import Parser
from gateway.pipeline.plan import OverrideLabels, plan_for
from gateway.pipeline.share import SharedExecutions
from gateway.pipeline.tracing import PipelineSpans, annotate_operation
from gateway.pipeline.validate import Validator
from gateway.pipeline.variables import coerce_variables
from gateway.plan import QueryPlan, plan_subgraphs
from gateway.plugins import GraphQLRequest, Plugins
from gateway.supergraph import Supergraph

__all__ = ["Outcome", "Pipeline", "Prepared"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything about a request that depends only on its document and operation name."""

    operation: ClientOperation
    plan: QueryPlan
    labels: frozenset[str] = frozenset()
    incremental: IncrementalOperation | None = None  # set when the document uses @defer
    subgraphs: tuple[str, ...] = ()  # every subgraph the plan calls

    @property
    def kind(self) -> str:
        return self.operation.kind


class Pipeline:
    """One supergraph's pipeline; a new supergraph gets a new Pipeline (and fresh caches)."""

    def __init__(
        self,
        supergraph: Supergraph,
        fetcher: Fetcher,
        *,
        limits: Limits = Limits(),
        plugins: Plugins | None = None,
        cache_size: int = 512,
        cache_bytes: int | None = None,
        introspection: bool = True,
        override_labels: frozenset[str] = frozenset(),
        persisted: PersistedQueries | None = None,
        cost: CostModel | None = None,
        streams: Streamer | None = None,
        merge_across_branches: bool = True,
        tracer: Tracer | None = None,
        collapse: bool = False,
        neutral_headers: Iterable[str] = (),
    ) -> None:
        self.supergraph = supergraph
        self.merge_across_branches = merge_across_branches
        self.fetcher = fetcher
        self.streams = streams  # subgraph subscription streams (None: subscriptions refused)
        self.plugins = plugins or Plugins()
        self.introspection = introspection
        self.labels = OverrideLabels(supergraph, override_labels)
        self.persisted = persisted or PersistedQueries(None)
        self.authorizer = Authorizer(supergraph, cache_size)
        self.cost = cost
        self._parser = Parser(limits, cache_size, cache_bytes)
        self._validator = Validator(supergraph.api_schema, limits, cache_size)
        self._prepared: LRU[Hashable, Prepared | RequestError] = LRU(cache_size, cache_bytes)
        self._spans = PipelineSpans(tracer) if tracer is not None else None
        # identical concurrent queries share one execution (gateway.pipeline.share)
        self.shared = (SharedExecutions(self.plugins, neutral_headers, tracer is not None)
                       if collapse else None)

    def prepare(self, request: GraphQLRequest) -> Prepared:
        """Parse, validate, pick the operation and plan it: cached per document and name."""
        text_digest = text_key(request.query)
        labels = self.labels.draw()
        if self._spans is not None and self._spans.wanted():
            return self._prepare_traced(request, text_digest, labels, self._spans)
        return self._prepared_for(request, text_digest, labels)

    def _prepared_for(self, request: GraphQLRequest, text_digest: bytes,
                      labels: frozenset[str]) -> Prepared:
        document = self._parser.parse(request.query, text_digest)
        self._validator.validate(text_digest, document)
        return self._planned(document, request, text_digest, labels)

    def _prepare_traced(self, request: GraphQLRequest, text_digest: bytes,
                        labels: frozenset[str], spans: PipelineSpans) -> Prepared:
        """``prepare`` with a span per step, each saying whether its cache answered; a plan
        already cached (its document parsed and validated before) is one attribute instead."""
        if (text_digest, request.operation_name, labels) in self._prepared:
            spans.plan_cached(True)
            return self._prepared_for(request, text_digest, labels)
        with spans.step("parse") as span:
            hits = self._parser.cache.hits
            document = self._parser.parse(request.query, text_digest)
            span.set_attribute("gateway.cache.hit", self._parser.cache.hits > hits)
        with spans.step("validate") as span:
            hits = self._validator.cache.hits
            self._validator.validate(text_digest, document)
            span.set_attribute("gateway.cache.hit", self._validator.cache.hits > hits)
        with spans.step("plan") as span:
            hits = self._prepared.hits
            prepared = self._planned(document, request, text_digest, labels)
            hit = self._prepared.hits > hits
            span.set_attribute("gateway.plan.cache_hit", hit)
        spans.plan_cached(hit)
        return prepared

    def _planned(self, document: Any, request: GraphQLRequest, text_digest: bytes,
                 labels: frozenset[str]) -> Prepared:
        key = (text_digest, request.operation_name, labels)
        misses = self._prepared.misses
        prepared = self._prepared.get_or_make(
            key, lambda: self._prepare(document, request, labels), weight=len(request.query)
        )
        (PLAN_HIT if self._prepared.misses == misses else PLAN_MISS).inc()
        if isinstance(prepared, RequestError):
            raise prepared.fresh()
        return prepared

    def _prepare(
        self, document: Any, request: GraphQLRequest, labels: frozenset[str]
    ) -> Prepared | RequestError:
        try:
            operation = prepare_operation(self.supergraph.api_schema, document,
                                          request.operation_name)
            if operation.introspection is not None and not self.introspection:
                raise ValidationFailed("Introspection is disabled on this gateway.")
            if self.cost is not None:
                self.cost.check(operation)
            deferred = has_defer(document)
            # Deferred parts wait for their own fetches only: no lining up of branches in stages.
            plan = plan_for(self.supergraph, document, request.operation_name, labels,
                            self.merge_across_branches and not deferred)
        except RequestError as error:
            return error
        incremental = IncrementalOperation(operation, plan) if deferred else None
        return Prepared(operation, plan, labels, incremental, plan_subgraphs(plan))

    async def execute(self, prepared: Prepared, request: GraphQLRequest) -> dict[str, Any]:
        """Coerce the request's variables and execute; subgraph failures stay in ``errors``."""
        variables = coerce_variables(
            self.supergraph.api_schema, prepared.operation.operation, request.variables
        )
        if prepared.incremental is not None and prepared.incremental.active(variables):
            raise IncrementalNotAccepted()
        shared = self.shared
        if (shared is None or prepared.kind != "query" or prepared.incremental is not None
                or not prepared.subgraphs):
            response = await execute_request(
                prepared.plan, prepared.operation, self.fetcher, variables, request, self.plugins
            )
            return self.plugins.response(request, response)
        headers = shared.headers(prepared.subgraphs, request)

        def execute(made: dict[str, dict[str, str]]) -> Any:
            return execute_request(prepared.plan, prepared.operation, self.fetcher, variables,
                                   request, self.plugins, made)

        key = shared.key(request, prepared.labels, headers)
        if key is None:
            response = await execute(headers)
        else:
            response = await shared.run(key, execute, headers)
        return self.plugins.response(request, response)

    def authorize(self, prepared: Prepared, request: GraphQLRequest) -> tuple[Prepared, Decision]:
        """Drop the fields the caller may not see (``@authenticated`` ...) from the plan."""
        decision = self.authorizer.decide(prepared.operation, request.claims, self.plugins.policy)
        if not decision.denied:
            return prepared, decision
        plan = self.authorizer.filtered_plan(
            prepared.operation, decision, prepared.labels,
            lambda document: plan_for(self.supergraph, document, request.operation_name,
                                      prepared.labels, self.merge_across_branches),
        )
        incremental = prepared.incremental and prepared.incremental.with_plan(plan)
        return Prepared(prepared.operation, plan, prepared.labels, incremental,
                        plan_subgraphs(plan)), decision

    async def run(self, request: GraphQLRequest, *, read_only: bool = False) -> Outcome:
        """The whole chain; a RequestError becomes a response with errors and no data.

        ``read_only`` refuses mutations (a GET request). Each run is counted and timed in
        ``gateway.metrics``, a collapsed one too (``gateway.pipeline.share``): everything but
        the execution is per request.
        """
        started = time.perf_counter()
        outcome = await self._run(request, read_only)
        prepared = outcome.prepared
        if prepared is None:
            record_request(None, "unknown", outcome.response, time.perf_counter() - started)
        else:
            name = prepared.operation.operation.name
            record_request(name.value if name else None, prepared.kind, outcome.response,
                           time.perf_counter() - started)
        return outcome

    async def _run(self, request: GraphQLRequest, read_only: bool) -> Outcome:
        prepared = None
        try:
            request = self.plugins.request(await self.persisted.resolve(request))
            prepared = self.prepare(request)
            if self._spans is not None:
                name = prepared.operation.operation.name
                annotate_operation(prepared.kind, name.value if name else None)
            _check_kind(prepared.kind, read_only)
            prepared, decision = self.authorize(prepared, request)
            response = decision.apply(await self.execute(prepared, request))
            return Outcome(response, None, prepared.plan, prepared)
        except RequestError as error:
            plan = prepared.plan if prepared is not None else None
            return Outcome({"errors": error.errors}, error.status, plan, prepared)
        except Exception as error:  # a gateway bug answers 500 with no details, never a crash
            log.exception("request failed")
            internal = InternalError("Internal gateway error.")
            internal.__cause__ = error
            return Outcome({"errors": internal.errors}, internal.status, None)


def _check_kind(kind: str, read_only: bool) -> None:
    if kind == "subscription":
        raise OperationNotSupported(
            "Subscriptions need a streaming transport; this request cannot carry one."
        )
    if read_only and kind != "query":
        # GraphQL over HTTP §6.3.1: GET must not run a mutation.
        raise OperationNotAllowed(f"Can only perform a {kind} operation from a POST request.")


@dataclass(frozen=True, slots=True)
class Outcome:
    """A response and, for a request error (no execution), the HTTP status it calls for;
    ``prepared`` once the operation was known."""

    response: dict[str, Any]
    request_error_status: int | None
    plan: QueryPlan | None
    prepared: Prepared | None = None
