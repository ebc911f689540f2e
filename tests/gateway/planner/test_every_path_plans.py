"""Every field at every path of a composed supergraph plans on its own (PLANNER.md: a query that
validates against the API schema and has no path for some leaf is a composition bug).

Each supergraph here was accepted by a composer, so every field reachable from a root must have a
route. One query per path (to depth 4), selecting that field alone, through every type condition
of an abstract type: single-field selections leave the planner no sibling to lean on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    parse,
    validate,
)

from gateway.planner import plan_operation
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.planner.planning import FIXTURES

SAMPLES = Path(__file__).parents[1] / "samples"
SUPERGRAPHS = sorted(
    [p for p in FIXTURES.glob("*/supergraph.graphql")]
    + [p for p in SAMPLES.glob("*/supergraph.graphql")]
)
MAX_DEPTH = 4
# Paths a composer accepts that no subgraph can answer, refused as Apollo's planner refuses them
# (an interface field no one subgraph delivers for every implementation).
UNPLANNABLE = {
    "shared_root_interface": {"query($v0: ID!) { entry(id: $v0) { id } }"},
    "from_context": {  # @fromContext: not planned yet
        "query { me { cart { total } } }",
        "query { me { cart { id total } } }",
    },
    "shareable-interface-root": {
        "query($v0: ID!) { entry(id: $v0) { id } }",
        "query($v0: [ID!]!) { entries(ids: $v0) { id } }",
    },
}


def _arguments(field) -> str:
    required = [name for name, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)]
    return "(" + ", ".join(f"{name}: $_" for name in required) + ")" if required else ""


def _paths(schema: GraphQLSchema, type_, depth: int) -> Iterator[tuple[str, list]]:
    """(selection text, the fields on the way) for each leaf or composite stop below `type_`."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        for possible in schema.get_possible_types(named):
            for inner, fields in _paths(schema, possible, depth):
                yield f"{{ ... on {possible.name} {inner} }}", fields
    if isinstance(named, GraphQLUnionType) or depth == 0:
        yield "{ __typename }", []
        return
    for name, field in named.fields.items():  # type: ignore[union-attr]
        head = f"{name}{_arguments(field)}"
        composite = GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
        if not isinstance(get_named_type(field.type), composite):
            yield f"{{ {head} }}", [field]
            continue
        for inner, fields in _paths(schema, field.type, depth - 1):
            yield f"{{ {head} {inner} }}", [field, *fields]
        leaves = _leaves(schema, field.type)
        if leaves:  # all leaves side by side: a split between subgraphs shows here
            yield f"{{ {head} {leaves} }}", [field]


def _leaves(schema: GraphQLSchema, type_) -> str:
    """Every argument-free leaf field of a composite type (per possible type if abstract)."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        parts = [f"... on {t.name} {_leaves(schema, t)}" for t in schema.get_possible_types(named)]
        return "{ __typename " + " ".join(p for p in parts if not p.endswith(" ")) + " }"
    names = [
        name for name, field in named.fields.items()  # type: ignore[union-attr]
        if not field.args and not isinstance(
            get_named_type(field.type), GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
    ]
    return "{ " + " ".join(names) + " }" if names else ""


def _queries(graph: Supergraph) -> Iterator[str]:
    """One query per path, its required arguments as variables `$v0`, `$v1`, ... in order."""
    schema = graph.api_schema
    for text, fields in _paths(schema, schema.query_type, MAX_DEPTH):
        if not fields:
            continue
        types = [arg.type for field in fields for name, arg in field.args.items()
                 if isinstance(arg.type, GraphQLNonNull)]
        for index in range(len(types)):
            text = text.replace("$_", f"$v{index}", 1)
        header = ", ".join(f"$v{i}: {type_}" for i, type_ in enumerate(types))
        yield f"query({header}) {text}" if header else f"query {text}"


@pytest.mark.parametrize("path", SUPERGRAPHS, ids=lambda p: p.parent.name)
def test_every_field_reachable_from_a_root_plans_on_its_own(path: Path):
    graph = load_supergraph(path.read_text())
    failures = []
    for query in _queries(graph):
        document = parse(query)
        assert not validate(graph.api_schema, document), query
        try:
            plan_operation(graph, document)
        except Exception as error:
            failures.append((repr(error), query))
    refused = {query for _error, query in failures}
    assert refused == UNPLANNABLE.get(path.parent.name, set()), failures[:10]
