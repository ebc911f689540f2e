"""Shared set-up for plan tests: load a fixture supergraph, validate and plan an operation."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import parse, validate

from gateway.plan import EntityBatchNode, FetchNode, FlattenNode, PlanNode, QueryPlan, print_plan
from gateway.planner import plan_operation
from gateway.supergraph import Supergraph, load_supergraph

__all__ = ["BENCH", "FIXTURES", "fetches", "plan", "printed", "supergraph"]

FIXTURES = Path(__file__).parent / "fixtures"
# the federation benchmark's own workload: supergraph.graphql, query.graphql
BENCH = Path(__file__).resolve().parents[2] / "bench" / "federation"


@cache
def supergraph(case: str) -> Supergraph:
    """The composed supergraph of fixture folder `case` (bench: the federation benchmark's)."""
    folder = BENCH if case == "bench" else FIXTURES / case
    return load_supergraph((folder / "supergraph.graphql").read_text())


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
    if isinstance(node, EntityBatchNode):
        return [part.node for part in node.parts]
    children = getattr(node, "nodes", None)
    if children is not None:
        return [f for child in children for f in fetches(child)]
    return fetches(node.if_clause) + fetches(node.else_clause)  # type: ignore[union-attr]


_FEDERATION = """
directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @external on OBJECT | FIELD_DEFINITION
directive @requires(fields: String!) on FIELD_DEFINITION
directive @provides(fields: String!) on FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ENUM_VALUE | SCALAR
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
scalar _Any
"""


@cache
def subgraph_schema(case: str, name: str):
    """A fixture subgraph's schema as its server would expose it (with `_entities`)."""
    from graphql import build_ast_schema

    sdl = (FIXTURES / case / f"{name}.graphql").read_text()
    sdl = "\n".join(line for line in sdl.splitlines() if not line.startswith("extend schema"))
    entities = _entity_types(sdl)
    extra = ""
    if entities:
        extra = f"union _Entity = {' | '.join(entities)}\n"
        field = "_entities(representations: [_Any!]!): [_Entity]!"
        extra += (
            f"extend type Query {{ {field} }}"
            if "type Query" in sdl
            else (f"type Query {{ {field} }}")
        )
    return build_ast_schema(parse(_FEDERATION + sdl + "\n" + extra), assume_valid_sdl=True)


def _entity_types(sdl: str) -> list[str]:
    from graphql import ObjectTypeDefinitionNode

    return [
        node.name.value
        for node in parse(sdl).definitions
        if isinstance(node, ObjectTypeDefinitionNode)
        and any(d.name.value == "key" for d in node.directives or ())
    ]
