"""Run a subscription plan: the root fetch is a stream, every event is completed like a query.

A subscription has exactly one root field (GraphQL spec §5.2.3.1), so its plan is the root
``FetchNode`` (``operation_kind == "subscription"``) alone or first in a ``SequenceNode``. Each
event the subgraph sends takes the place of that fetch's response; the rest of the plan then runs
on it (``_entities`` fetches carrying the subscriber's headers) and the result is shaped and
null-propagated from the client's operation, exactly as a query response is.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

import orjson

from gateway.executor.errors import fetch_failed, root_errors
from gateway.executor.execute import shape_response
from gateway.executor.interpreter import run_node
from gateway.executor.merge import deep_merge
from gateway.executor.operation import ClientOperation
from gateway.executor.renames import restore_keys
from gateway.executor.state import Execution, Fetcher
from gateway.fetch import StreamError, SubgraphFetchError
from gateway.plan import FetchNode, PlanNode, QueryPlan, SequenceNode

__all__ = ["Streamer", "SubscriptionFailed", "run_subscription", "split_subscription"]


class Streamer(Protocol):
    """What the executor needs from ``gateway.fetch``: one subgraph subscription stream."""

    def stream(
        self, subgraph: str, request: dict[str, Any], headers: dict[str, str]
    ) -> AbstractAsyncContextManager[AsyncIterable[dict[str, Any]]]: ...


class SubscriptionFailed(Exception):
    """The stream ended abnormally; ``errors`` are client-facing GraphQL errors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "subscription failed")
        self.errors = errors


def split_subscription(plan: QueryPlan) -> tuple[FetchNode, PlanNode | None]:
    """The stream's root fetch and the nodes that complete each event."""
    node = plan.node
    if isinstance(node, FetchNode):
        return node, None
    if isinstance(node, SequenceNode) and node.nodes and isinstance(node.nodes[0], FetchNode):
        rest = node.nodes[1:]
        if not rest:
            return node.nodes[0], None
        return node.nodes[0], rest[0] if len(rest) == 1 else SequenceNode(rest)
    raise ValueError("a subscription plan starts with its root fetch")


async def run_subscription(
    plan: QueryPlan,
    operation: ClientOperation,
    streamer: Streamer,
    fetcher: Fetcher,
    variables: dict[str, Any],
    headers_for: Callable[[str], dict[str, str]],
) -> AsyncIterator[dict[str, Any]]:
    """Yield one shaped response per event; SubscriptionFailed when the stream breaks."""
    root, rest = split_subscription(plan)
    request: dict[str, Any] = {
        "query": root.operation,
        "variables": {n: variables[n] for n in root.variable_usages if n in variables},
    }
    if root.operation_name:
        request["operationName"] = root.operation_name
    try:
        async with streamer.stream(root.subgraph, request, headers_for(root.subgraph)) as events:
            async for event in events:
                yield await complete_event(event, root, rest, operation, fetcher,
                                           variables, headers_for)
    except SubgraphFetchError as error:
        raise SubscriptionFailed([fetch_failed(error)]) from error
    except StreamError as error:
        raise SubscriptionFailed(root_errors(error.errors, error.subgraph)) from error


async def complete_event(
    event: dict[str, Any],
    root: FetchNode,
    rest: PlanNode | None,
    operation: ClientOperation,
    fetcher: Fetcher,
    variables: dict[str, Any],
    headers_for: Callable[[str], dict[str, str]],
) -> dict[str, Any]:
    """One event as the client's response: entity fetches, then shaping."""
    ex = Execution(fetcher, variables, headers_for)
    data = event.get("data")
    if isinstance(data, dict):
        # Subscribers of a deduplicated stream share one event object; entity merges write into
        # the tree, so each completes its own copy.
        data = orjson.loads(orjson.dumps(data))
        restore_keys(data, root.renames)
        deep_merge(ex.data, data)
    else:
        ex.mark_failed([ex.data])
    ex.errors.extend(root_errors(event.get("errors"), root.subgraph, root.renames))
    if rest is not None and isinstance(data, dict):
        await run_node(rest, ex)
    return shape_response(ex, operation, variables)
