"""Sibling entity fetches sending one document to one subgraph become one fetch; others stay."""

from __future__ import annotations

from gateway.plan import (
    ConditionNode,
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


def test_fetches_differing_in_selection_type_or_subgraph_stay_apart():
    plan = ParallelNode((
        entity_fetch("a"), entity_fetch("b", selection="{ price }"),
        entity_fetch("c", type_name="Book"), entity_fetch("d", subgraph="pricing"),
    ))
    assert coalesce_fetches(plan) == plan


def test_fetches_one_after_another_are_not_merged():
    plan = SequenceNode((entity_fetch("a"), entity_fetch("b", number=2)))
    assert coalesce_fetches(plan) == plan


def test_siblings_under_a_condition_merge_inside_their_branch():
    plan = ConditionNode("withStock", ParallelNode((entity_fetch("a"), entity_fetch("b"))))
    merged = coalesce_fetches(plan)
    assert isinstance(merged, ConditionNode) and merged.if_clause.paths == (("a",), ("b",))
