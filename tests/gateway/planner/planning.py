"""Shared set-up for plan tests: load a fixture supergraph, validate and plan an operation."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import parse, validate

from gateway.plan import FetchNode, FlattenNode, PlanNode, QueryPlan, print_plan
from gateway.planner import plan_operation
from gateway.supergraph import Supergraph, load_supergraph

__all__ = ["FIXTURES", "fetches", "plan", "printed", "supergraph"]

FIXTURES = Path(__file__).parent / "fixtures"


@cache
def supergraph(case: str) -> Supergraph:
    """The composed supergraph of fixture folder `case` (bench: the shared benchmark)."""
    name = "federation-supergraph.graphql" if case == "bench" else "supergraph.graphql"
    return load_supergraph((FIXTURES / case / name).read_text())


def plan(
    case: str,
    query: str,
    operation_name: str | None = None,
    labels: frozenset[str] = frozenset(),
) -> QueryPlan:
    """Plan `query` after checking it is a valid client operation for the API schema."""
    graph = supergraph(case)
    document = parse(query)
    errors = validate(graph.api_schema, document)
    assert not errors, errors
    return plan_operation(graph, document, operation_name, labels)


def printed(case: str, query: str, **options) -> str:
    """The printed plan, the form tests compare."""
    return print_plan(plan(case, query, **options))


def fetches(node: PlanNode | QueryPlan | None) -> list[FetchNode]:
    """Every fetch of a plan, in printed order."""
    if isinstance(node, QueryPlan):
        return fetches(node.node)
    if node is None:
        return []
    if isinstance(node, FetchNode):
        return [node]
    if isinstance(node, FlattenNode):
        return [node.node]
    children = getattr(node, "nodes", None)
    if children is not None:
        return [f for child in children for f in fetches(child)]
    return fetches(node.if_clause) + fetches(node.else_clause)  # type: ignore[union-attr]
