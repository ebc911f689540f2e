"""Step 6 for streaming transports: start an operation, then run it as one result or a stream.

The transports (WebSocket, SSE, multipart) share this: ``begin`` does what ``Pipeline.run`` does
before executing (persisted queries, request hooks, cached preparation, field authorization; a
RequestError refuses the operation before anything runs), then
``results`` yields a query's or mutation's single response, or a subscription's responses one per
event. A stream that breaks raises ``SubscriptionFailed`` with client-facing errors.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from gateway.executor import SubscriptionFailed, run_subscription
from gateway.fetch.identity import Verified, verified
from gateway.pipeline.authorize import Decision
from gateway.pipeline.errors import InternalError, OperationNotAllowed, OperationNotSupported
from gateway.pipeline.incremental import incremental_results
from gateway.pipeline.pipeline import Pipeline, Prepared
from gateway.pipeline.variables import coerce_variables
from gateway.plugins import GraphQLRequest

__all__ = ["Started", "SubscriptionFailed", "begin", "results"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Started:
    """A prepared operation with its request (after the request hooks) and coerced variables."""

    pipeline: Pipeline
    request: GraphQLRequest
    prepared: Prepared
    variables: dict[str, Any]
    decision: Decision = field(default_factory=Decision)  # fields removed by authorization
    principal: Verified | None = None  # the client's token as the edge verified it

    @property
    def kind(self) -> str:
        return self.prepared.kind


async def begin(pipeline: Pipeline, request: GraphQLRequest, read_only: bool = False) -> Started:
    """Prepare ``request``; RequestError when it cannot run at all (``read_only``: a GET, which
    must not run a mutation, GraphQL over HTTP §6.3.1)."""
    # Taken before the request hooks: a hook that changes the token loses the principal.
    principal = verified(request.headers.get("authorization"), request.claims)
    request = pipeline.plugins.request(await pipeline.persisted.resolve(request))
    prepared, decision = pipeline.authorize(pipeline.prepare(request), request)
    if read_only and prepared.kind == "mutation":
        raise OperationNotAllowed("Can only perform a mutation operation from a POST request.")
    if prepared.kind == "subscription" and pipeline.streams is None:
        raise OperationNotSupported("Subscriptions are not enabled on this gateway.")
    variables = coerce_variables(
        pipeline.supergraph.api_schema, prepared.operation.operation, request.variables
    )
    return Started(pipeline, request, prepared, variables, decision, principal)


async def results(started: Started) -> AsyncIterator[dict[str, Any]]:
    """One response for a query or mutation; one per event for a subscription."""
    pipeline = started.pipeline
    if started.kind != "subscription":
        incremental = started.prepared.incremental
        if incremental is not None and incremental.active(started.variables):
            async for payload in incremental_results(started):
                yield payload
            return
        yield started.decision.apply(await pipeline.execute(started.prepared, started.request))
        return
    assert pipeline.streams is not None

    def headers_for(subgraph: str) -> dict[str, str]:
        return pipeline.plugins.subgraph_headers(subgraph, started.request)

    # A token the edge verified counts as its principal: subscribers holding tokens of one user
    # with the same roles share upstream streams and completions (gateway.fetch.identity).
    events = run_subscription(started.prepared.plan, started.prepared.operation,
                              pipeline.streams, pipeline.fetcher, started.variables, headers_for,
                              started.principal)
    try:
        async for response in events:
            yield pipeline.plugins.response(started.request, started.decision.apply(response))
    except SubscriptionFailed:
        raise
    except Exception as error:  # a gateway bug ends this stream, never the process
        log.exception("subscription failed")
        raise SubscriptionFailed(InternalError("Internal gateway error.").errors) from error
    finally:
        await events.aclose()
