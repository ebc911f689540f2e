"""Every fetch the planner emits is a valid operation for the subgraph it is sent to.

No subgraph may answer GRAPHQL_VALIDATION_FAILED to a document the planner wrote (issue 13).
Checked against each subgraph's own schema (a planner fixture's SDL, a sample's Strawberry
schema) for: every sample operation, and, for every fixture and sample supergraph, every root
field selected with all its fields (and every possible type of abstract fields) to several
depths. Batched entity requests are checked as sent, as well as part by part.
"""

from __future__ import annotations

from functools import cache

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    parse,
    validate,
)

from gateway.plan import EntityBatchNode, FetchNode, PlanNode
from gateway.planner import PlanningError, plan_operation
from gateway.supergraph import Supergraph, load_supergraph
from tests.gateway.harness import Case, all_cases, all_operations, case_named
from tests.gateway.planner.planning import FIXTURES, fetches, plan, subgraph_schema, supergraph

FIXTURE_CASES = sorted(
    p.name for p in FIXTURES.iterdir()
    if (p / "supergraph.graphql").exists() and len(list(p.glob("*.graphql"))) > 1
)
SAMPLE_CASES = [case.name for case in all_cases()]


def _literal(type_) -> str | None:
    """A value for a required argument, or None when there is no simple one."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        return next(iter(named.values))
    if isinstance(named, GraphQLScalarType):  # custom scalars may refuse any literal
        return {"Int": "1", "Float": "1.5", "Boolean": "true", "String": '"1"', "ID": '"1"'}.get(
            named.name
        )
    return None


def _arguments(field) -> str | None:
    values = []
    for name, argument in field.args.items():
        if isinstance(argument.type, GraphQLNonNull):
            value = _literal(argument.type)
            if value is None:
                return None
            values.append(f"{name}: {value}")
    return f"({', '.join(values)})" if values else ""


def _everything(type_, depth: int, schema: GraphQLSchema) -> str:
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
        return ""
    if depth == 0:
        return "{ __typename }"
    parts = ["__typename"]
    if not isinstance(named, GraphQLUnionType):
        for name, field in named.fields.items():
            arguments = _arguments(field)
            if arguments is not None:
                parts.append(f"{name}{arguments} {_everything(field.type, depth - 1, schema)}")
    if not isinstance(named, GraphQLObjectType):
        for possible in schema.get_possible_types(named):
            parts.append(f"... on {possible.name} {_everything(possible, depth - 1, schema)}")
    return "{ " + " ".join(parts) + " }"


def _queries(schema: GraphQLSchema) -> list[str]:
    queries = []
    for name, field in schema.query_type.fields.items():  # type: ignore[union-attr]
        arguments = _arguments(field)
        if arguments is None:
            continue
        for depth in (1, 2, 3):
            queries.append(f"{{ {name}{arguments} {_everything(field.type, depth, schema)} }}")
    return queries


def _documents(node: PlanNode | None) -> list[tuple[str, str]]:
    """(subgraph, document) of every request the plan can send, batches as sent."""
    if node is None:
        return []
    if isinstance(node, FetchNode):
        return [(node.subgraph, node.operation)]
    if isinstance(node, EntityBatchNode):
        parts = [(part.node.subgraph, part.node.operation) for part in node.parts]
        return [(node.subgraph, node.operation), *parts]
    if hasattr(node, "node"):
        return _documents(node.node)  # type: ignore[attr-defined]
    children = getattr(node, "nodes", None)
    if children is not None:
        return [d for child in children for d in _documents(child)]
    return _documents(node.if_clause) + _documents(node.else_clause)  # type: ignore[union-attr]


# Supergraphs with selections no subgraph can answer, refused by the planner on purpose (see
# test_every_path_plans.UNPLANNABLE): a refused query has no documents to check.
REFUSING = {"shared_root_interface", "shareable-interface-root", "from_context"}


def _planned(case: str, plan_it):
    try:
        return plan_it().node
    except PlanningError:
        if case not in REFUSING:
            raise
        return None


@cache
def _sample_supergraph(name: str) -> Supergraph:
    return load_supergraph(case_named(name).supergraph)


def _sample_schema(case: Case, subgraph: str) -> GraphQLSchema:
    return case.module(subgraph).schema._schema


def _assert_valid(schema: GraphQLSchema, document: str, context: object) -> None:
    errors = validate(schema, parse(document))
    assert not errors, (context, document, errors)


@pytest.mark.parametrize("case", FIXTURE_CASES)
def test_every_fetch_document_validates_against_its_own_subgraph(case):
    for query in _queries(supergraph(case).api_schema):
        for subgraph, document in _documents(_planned(case, lambda q=query: plan(case, q))):
            _assert_valid(subgraph_schema(case, subgraph), document, (query, subgraph))


@pytest.mark.parametrize("case", SAMPLE_CASES)
def test_every_fetch_document_of_a_sample_supergraph_validates_in_its_subgraph(case):
    graph, sample = _sample_supergraph(case), case_named(case)
    for query in _queries(graph.api_schema):
        document = parse(query)
        assert not validate(graph.api_schema, document), query
        node = _planned(case, lambda d=document: plan_operation(graph, d))
        for subgraph, text in _documents(node):
            _assert_valid(_sample_schema(sample, subgraph), text, (query, subgraph))


def _plannable_operations() -> list:
    """Sample operations that pass the gateway's validation (the others never reach a planner)."""
    return [op for op in all_operations()
            if not validate(_sample_supergraph(op.case).api_schema, parse(op.document))]


@pytest.mark.parametrize("op", _plannable_operations(), ids=lambda op: op.id)
def test_every_fetch_document_of_a_sample_operation_validates_in_its_subgraph(op):
    graph, sample = _sample_supergraph(op.case), case_named(op.case)
    document = parse(op.document)
    node = _planned(op.case, lambda: plan_operation(graph, document, op.operation_name))
    for subgraph, text in _documents(node):
        _assert_valid(_sample_schema(sample, subgraph), text, subgraph)


@pytest.mark.parametrize("case", FIXTURE_CASES)
def test_every_fetch_declares_exactly_the_variables_its_document_uses(case):
    for query in _queries(supergraph(case).api_schema):
        for fetch in fetches(_planned(case, lambda q=query: plan(case, q))):
            assert ("$representations" in fetch.operation) == (fetch.representations is not None)
            for name in fetch.variable_usages:
                assert f"${name}" in fetch.operation
