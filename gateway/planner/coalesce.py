"""Coalesce sibling entity fetches to one subgraph into fewer requests.

Two ``Flatten`` children of one ``Parallel`` that ask one subgraph the same ``_entities``
selection for the same representation shapes (only their response paths differ, e.g. the
products of a user's reviews and the products of their authors' reviews) become one ``Flatten``
with several paths: one request instead of two, and an entity reachable from both paths is sent
once. Siblings to one subgraph asking different things become the parts of one
``EntityBatchNode``: one request with one aliased ``_entities`` field per part. Siblings ran
concurrently before and depend on nothing of each other, so the merged request starts when
they would have started and every dependent still runs after it.
"""

from __future__ import annotations

import re

from graphql import OperationDefinitionNode, parse, print_ast

from gateway.plan import (
    ConditionNode,
    EntityBatchNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    SequenceNode,
)

__all__ = ["coalesce_fetches", "count_fetches", "merge_key"]

_ENTITIES = "_entities(representations: $representations)"


def coalesce_fetches(node: PlanNode | None) -> PlanNode | None:
    """The plan with compatible sibling entity fetches merged, everything else unchanged."""
    if isinstance(node, SequenceNode):
        return SequenceNode(tuple(_each(node.nodes)))
    if isinstance(node, ParallelNode):
        merged = _merge_siblings(list(_each(node.nodes)))
        return merged[0] if len(merged) == 1 else ParallelNode(tuple(merged))
    if isinstance(node, ConditionNode):
        return ConditionNode(node.condition, coalesce_fetches(node.if_clause),
                             coalesce_fetches(node.else_clause))
    return node


def count_fetches(node: PlanNode | None) -> int:
    """How many subgraph requests the plan makes at most."""
    if node is None:
        return 0
    if isinstance(node, FetchNode | FlattenNode | EntityBatchNode):
        return 1
    if isinstance(node, ConditionNode):
        return count_fetches(node.if_clause) + count_fetches(node.else_clause)
    return sum(count_fetches(child) for child in node.nodes)


def _each(nodes: tuple[PlanNode, ...]) -> list[PlanNode]:
    return [child for child in map(coalesce_fetches, nodes) if child is not None]


def _merge_siblings(nodes: list[PlanNode]) -> list[PlanNode]:
    return _batch_by_subgraph(_merge_same_documents(nodes))


def _merge_same_documents(nodes: list[PlanNode]) -> list[PlanNode]:
    out: list[PlanNode] = []
    at: dict[tuple, int] = {}  # merge key -> position in `out` of the fetch that absorbs others
    for child in nodes:
        key = merge_key(child)
        if key is None:
            out.append(child)
        elif key not in at:
            at[key] = len(out)
            out.append(child)
        else:
            first = out[at[key]]
            assert isinstance(first, FlattenNode) and isinstance(child, FlattenNode)
            out[at[key]] = FlattenNode(first.path, first.node, (*first.also, *child.paths))
    return out


def _batch_by_subgraph(nodes: list[PlanNode]) -> list[PlanNode]:
    """Entity fetches left to one subgraph (other documents) share one request as parts."""
    parts: dict[str, list[FlattenNode]] = {}
    for child in nodes:
        if merge_key(child) is not None:
            parts.setdefault(child.node.subgraph, []).append(child)  # type: ignore[union-attr]
    out: list[PlanNode] = []
    for child in nodes:
        found = parts.get(child.node.subgraph, []) if merge_key(child) is not None else []
        if len(found) < 2:
            out.append(child)
        elif child is found[0]:
            out.append(_batch(found))
    return out


def _batch(parts: list[FlattenNode]) -> EntityBatchNode:
    """One document selecting every part's ``_entities`` under ``_e{i}``, fed ``$r{i}``."""
    declared: dict[str, str] = {}
    fields = []
    for index, part in enumerate(parts):
        fetch = part.node
        operation = parse(fetch.operation).definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        for definition in operation.variable_definitions:
            name = definition.variable.name.value
            if name != "representations":
                declared.setdefault(name, print_ast(definition))
        start = fetch.operation.index(_ENTITIES)  # rendered as `query(...) { _entities(..) {..} }`
        field = fetch.operation[start:].removesuffix(" }").replace(
            _ENTITIES, f"_e{index}: _entities(representations: $r{index})", 1)
        fields.append(field)
    variables = [f"$r{i}: [_Any!]!" for i in range(len(parts))] + list(declared.values())
    name = parts[0].node.operation_name
    head = f"query {name}" if name else "query"
    operation = f"{head}({', '.join(variables)}) {{ {' '.join(fields)} }}"
    return EntityBatchNode(parts[0].node.subgraph, operation, tuple(parts), tuple(declared), name)


def merge_key(node: PlanNode) -> tuple | None:
    """What must be equal for two fetches to share one request; None: never merged."""
    if not isinstance(node, FlattenNode) or node.node.operation_kind != "query":
        return None
    fetch = node.node
    return (fetch.subgraph, _unnamed(fetch), fetch.variable_usages, fetch.representations)


def _unnamed(fetch: FetchNode) -> str:
    """The fetch's document without its generated operation name (unique per fetch)."""
    if not fetch.operation_name:
        return fetch.operation
    return re.sub(rf"\b{re.escape(fetch.operation_name)}\b", "", fetch.operation, count=1)
