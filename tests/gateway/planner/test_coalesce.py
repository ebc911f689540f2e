"""Sibling entity fetches sending one document to one subgraph become one fetch; others stay."""

from __future__ import annotations

from graphql import build_schema, parse, validate

from gateway.plan import (
    ConditionNode,
    EntityBatchNode,
    FetchNode,
    FlattenNode,
    KeyField,
    ParallelNode,
    Representation,
    SequenceNode,
)
from gateway.planner.coalesce import coalesce_fetches, count_fetches

ID = (KeyField("id", "id"),)


def entity_fetch(path: str, subgraph: str = "inventory", selection: str = "{ stock }",
                 type_name: str = "Product", number: int = 1, kind: str = "query") -> FlattenNode:
    name = f"Q__{subgraph}__{number}"
    operation = (f"query {name}($representations: [_Any!]!) {{ _entities(representations: "
                 f"$representations) {{ ... on {type_name} {selection} }} }}")
    node = FetchNode(subgraph, operation, kind, (),  # type: ignore[arg-type]
                     (Representation(type_name, ID),), name, number)
    return FlattenNode(tuple(path.split(".")), node)


def test_same_document_to_the_same_subgraph_at_two_paths_becomes_one_fetch():
    first, second = entity_fetch("a.@", number=1), entity_fetch("b.@.c", number=2)
    merged = coalesce_fetches(ParallelNode((first, second)))
    assert merged == FlattenNode(first.path, first.node, (("b", "@", "c"),))
    assert count_fetches(merged) == 1


def test_three_siblings_merge_in_order_and_other_siblings_keep_their_place():
    other = entity_fetch("a.@", subgraph="reviews")
    plan = ParallelNode((entity_fetch("a.@"), other, entity_fetch("b", number=2),
                         entity_fetch("c", number=3)))
    merged = coalesce_fetches(plan)
    assert isinstance(merged, ParallelNode) and merged.nodes[1] == other
    assert merged.nodes[0].paths == (("a", "@"), ("b",), ("c",))


def test_fetches_to_other_subgraphs_stay_apart():
    plan = ParallelNode((entity_fetch("a"), entity_fetch("d", subgraph="pricing")))
    assert coalesce_fetches(plan) == plan


def test_different_documents_to_one_subgraph_become_parts_of_one_request():
    stock = entity_fetch("a", number=1)
    price = entity_fetch("b", selection="{ price }", number=2)
    book = entity_fetch("c", type_name="Book", number=3)
    batch = coalesce_fetches(ParallelNode((stock, price, book)))
    assert isinstance(batch, EntityBatchNode) and batch.parts == (stock, price, book)
    assert count_fetches(batch) == 1
    assert batch.operation == (
        "query Q__inventory__1($r0: [_Any!]!, $r1: [_Any!]!, $r2: [_Any!]!) { "
        "_e0: _entities(representations: $r0) { ... on Product { stock } } "
        "_e1: _entities(representations: $r1) { ... on Product { price } } "
        "_e2: _entities(representations: $r2) { ... on Book { stock } } }"
    )
    assert not validate(SCHEMA, parse(batch.operation))


def test_parts_declare_the_client_variables_they_use_once():
    first = with_variable(entity_fetch("a", selection="{ stock(at: $at) }"), 1)
    second = with_variable(entity_fetch("b", selection="{ price(at: $at) }"), 2)
    batch = coalesce_fetches(ParallelNode((first, second)))
    assert isinstance(batch, EntityBatchNode) and batch.variable_usages == ("at",)
    assert batch.operation.startswith("query Q__inventory__1($r0: [_Any!]!, $r1: [_Any!]!, "
                                      "$at: Int) {")
    assert not validate(SCHEMA, parse(batch.operation))


def with_variable(node: FlattenNode, number: int) -> FlattenNode:
    fetch = node.node
    operation = fetch.operation.replace("$representations: [_Any!]!)",
                                        "$representations: [_Any!]!, $at: Int)")
    return FlattenNode(node.path, FetchNode(fetch.subgraph, operation, "query", ("at",),
                                            fetch.representations, fetch.operation_name, number))


SCHEMA = build_schema("""
scalar _Any
union _Entity = Product | Book
type Product { id: ID! stock(at: Int): Int price(at: Int): Int }
type Book { id: ID! stock: Int }
type Query { _entities(representations: [_Any!]!): [_Entity]! }
""")


def test_fetches_one_after_another_are_not_merged():
    plan = SequenceNode((entity_fetch("a"), entity_fetch("b", number=2)))
    assert coalesce_fetches(plan) == plan


def test_siblings_under_a_condition_merge_inside_their_branch():
    plan = ConditionNode("withStock", ParallelNode((entity_fetch("a"), entity_fetch("b"))))
    merged = coalesce_fetches(plan)
    assert isinstance(merged, ConditionNode) and merged.if_clause.paths == (("a",), ("b",))
