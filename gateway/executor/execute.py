"""Execute a plan for one request and shape the client's response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.executor.interpreter import run_node
from gateway.executor.introspection import run_introspection
from gateway.executor.operation import ClientOperation
from gateway.executor.shape import Shaper
from gateway.executor.state import Execution, Fetcher
from gateway.plan import QueryPlan

__all__ = ["execute_plan", "shape_response", "stale_extension"]


async def execute_plan(
    plan: QueryPlan,
    operation: ClientOperation,
    fetcher: Fetcher,
    variables: dict[str, Any],
    *,
    raw_variables: dict[str, Any] | None = None,
    headers_for: Callable[[str], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Run ``plan`` with coerced ``variables``; return ``{"data": ..., "errors": [...]}``.

    Subgraph failures come back as errors beside partial data, never as exceptions.
    """
    ex = Execution(fetcher, variables)
    if headers_for is not None:
        ex.headers_for = headers_for
    if plan.node is not None:
        await run_node(plan.node, ex)
    return shape_response(ex, operation, variables, raw_variables)


def shape_response(
    ex: Execution,
    operation: ClientOperation,
    variables: dict[str, Any],
    raw_variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Shape the executed tree by the client's operation (GraphQL spec §6.4, null bubbling)."""
    introspection = None
    if operation.introspection is not None:
        introspection, errors = run_introspection(
            operation.schema, operation.introspection, raw_variables
        )
        ex.errors.extend(errors)
    shaper = Shaper(operation.schema, operation.shapes, variables, ex.errors, ex.failed,
                    introspection)
    data = shaper.root(operation.root_type, ex.data)
    response: dict[str, Any] = {"data": data}
    if ex.errors:
        response["errors"] = ex.errors
    if ex.stale:
        response["extensions"] = {"stale": stale_extension(ex.stale)}
    return response


def stale_extension(stale: dict[str, float]) -> list[dict[str, Any]]:
    """``extensions.stale``: which subgraphs answered from the gateway's cache, how old."""
    return [{"subgraph": name, "ageSeconds": round(age, 1)} for name, age in sorted(stale.items())]
