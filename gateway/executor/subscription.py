"""Run a subscription plan: the root fetch is a stream, every event is completed like a query.

A subscription has exactly one root field (GraphQL spec §5.2.3.1), so its plan is the root
``FetchNode`` (``operation_kind == "subscription"``) alone or first in a ``SequenceNode``. Each
event the subgraph sends takes the place of that fetch's response; the rest of the plan then runs
on it (``_entities`` fetches carrying the subscriber's headers) and the result is shaped and
null-propagated from the client's operation, exactly as a query response is.

Subscribers of one shared upstream stream (same subgraph, request and identity: see
``gateway.fetch.streams``) receive the same event object; those whose completion would also be
identical (the same client operation and variables, and the same identity towards every
subgraph the completion calls: the headers, a verified token counting as its principal, see
``gateway.fetch.identity``) share one completion of it, so its entity fetches are made once for
all of them, and each gets its own copy. Anything
that tells two subscribers apart keeps their completions apart, so one never sees another's data.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Hashable
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
from gateway.fetch.identity import Verified, identity_of
from gateway.plan import FetchNode, PlanNode, QueryPlan, SequenceNode
from gateway.plan.nodes import ConditionNode, EntityBatchNode, FlattenNode, ParallelNode

__all__ = ["Streamer", "SubscriptionFailed", "run_subscription", "split_subscription"]


class Streamer(Protocol):
    """What the executor needs from ``gateway.fetch``: one subgraph subscription stream."""

    def stream(
        self, subgraph: str, request: dict[str, Any], headers: dict[str, str],
        principal: Verified | None = None,
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
    principal: Verified | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Yield one shaped response per event; SubscriptionFailed when the stream breaks.
    ``principal``: the client's token as the gateway verified it (``verified``)."""
    root, rest = split_subscription(plan)
    request: dict[str, Any] = {
        "query": root.operation,
        "variables": {n: variables[n] for n in root.variable_usages if n in variables},
    }
    if root.operation_name:
        request["operationName"] = root.operation_name
    share = _completion_key(root, rest, operation, variables, headers_for, principal)
    keep = (operation, rest)  # alive while their ids are in a key (ids are never reused then)
    try:
        async with streamer.stream(root.subgraph, request, headers_for(root.subgraph),
                                   principal) as events:
            async for event in events:
                yield await _shared(event, share, keep, lambda event=event: complete_event(
                    event, root, rest, operation, fetcher, variables, headers_for))
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


def _completion_key(root: FetchNode, rest: PlanNode | None, operation: ClientOperation,
                    variables: dict[str, Any], headers_for: Callable[[str], dict[str, str]],
                    principal: Verified | None) -> Hashable:
    """What makes one subscriber's completion of an event differ from another's."""
    subgraphs = sorted({root.subgraph, *_subgraphs(rest)})
    identity = tuple((name, identity_of(headers_for(name), principal)) for name in subgraphs)
    # The prepared operation and plan (cached per document) by identity: equal documents share
    # them, and a supergraph reload, which replaces them, ends the stream anyway.
    return (id(operation), id(rest), orjson.dumps(variables, option=orjson.OPT_SORT_KEYS),
            identity)


async def _shared(event: dict[str, Any], key: Hashable, keep: Any,
                  complete: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """``complete()`` once per (event, key); each caller gets its own copy of the response.
    ``keep`` (the objects whose ids are in ``key``) stays referenced beside the result."""
    completions = getattr(event, "completions", None)
    if completions is None:
        return await complete()
    entry = completions.get(key)
    if entry is None:
        entry = completions[key] = (keep, asyncio.ensure_future(complete()))
    # shielded: the subscriber that started it may leave; the others still wait for it
    response = await asyncio.shield(entry[1])
    return orjson.loads(orjson.dumps(response))


def _subgraphs(node: PlanNode | None) -> set[str]:
    """Every subgraph a plan node (and its children) fetches from."""
    if node is None:
        return set()
    if isinstance(node, FetchNode | EntityBatchNode):
        return {node.subgraph}
    if isinstance(node, FlattenNode):
        return {node.node.subgraph}
    if isinstance(node, SequenceNode | ParallelNode):
        return set().union(*(_subgraphs(child) for child in node.nodes))
    if isinstance(node, ConditionNode):
        return _subgraphs(node.if_clause) | _subgraphs(node.else_clause)
    raise TypeError(f"unknown plan node {type(node).__name__}")
