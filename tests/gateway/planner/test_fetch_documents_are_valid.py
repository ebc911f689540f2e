"""Every fetch the planner emits is a valid operation for the subgraph it is sent to.

For each fixture, every root field is selected with all its fields (and every possible type of
abstract fields) to several depths; each fetch document must validate against that subgraph's own
schema, so no type condition or field reaches a subgraph that does not define it.
"""

from __future__ import annotations

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

from tests.gateway.planner.planning import fetches, plan, subgraph_schema, supergraph

CASES = [
    "shop",
    "key_chain",
    "requires_args",
    "provides_abstract",
    "unions_differ",
    "interface_object",
    "interface_object_concrete",
    "override_interface",
    "circular_requires",
    "progressive_override",
    "value_types",
    "requires_two",
    "sibling_choice",
    "merge_paths",
    "shared_root",
    "parent_reentry",
    "key_needs_jump",
    "field_type_differs",
    "split_from_origin",
]


def _everything(type_, depth: int, schema: GraphQLSchema) -> str:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
        return ""
    if depth == 0:
        return "{ __typename }"
    parts = ["__typename"]
    if not isinstance(named, GraphQLUnionType):
        for name, field in named.fields.items():
            if not any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
                parts.append(f"{name} {_everything(field.type, depth - 1, schema)}")
    if not isinstance(named, GraphQLObjectType):
        for possible in schema.get_possible_types(named):
            parts.append(f"... on {possible.name} {_everything(possible, depth - 1, schema)}")
    return "{ " + " ".join(parts) + " }"


def _queries(case: str) -> list[str]:
    schema = supergraph(case).api_schema
    queries = []
    for name, field in schema.query_type.fields.items():  # type: ignore[union-attr]
        required = [a for a, v in field.args.items() if isinstance(v.type, GraphQLNonNull)]
        args = "(" + ", ".join(f'{a}: "1"' for a in required) + ")" if required else ""
        for depth in (1, 2, 3):
            queries.append(f"{{ {name}{args} {_everything(field.type, depth, schema)} }}")
    return queries


@pytest.mark.parametrize("case", CASES)
def test_every_fetch_document_validates_against_its_own_subgraph(case):
    for query in _queries(case):
        for fetch in fetches(plan(case, query)):
            errors = validate(subgraph_schema(case, fetch.subgraph), parse(fetch.operation))
            assert not errors, (query, fetch.subgraph, fetch.operation, errors)


@pytest.mark.parametrize("case", CASES)
def test_every_fetch_declares_exactly_the_variables_its_document_uses(case):
    for query in _queries(case):
        for fetch in fetches(plan(case, query)):
            assert ("$representations" in fetch.operation) == (fetch.representations is not None)
            for name in fetch.variable_usages:
                assert f"${name}" in fetch.operation
