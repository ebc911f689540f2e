"""A plan's request nodes and the subgraphs they call."""

from __future__ import annotations

from gateway.plan.nodes import (
    ConditionNode,
    EntityBatchNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)

__all__ = ["Leaf", "plan_leaves", "plan_subgraphs"]

Leaf = FetchNode | FlattenNode | EntityBatchNode


def plan_leaves(node: PlanNode | None) -> list[Leaf]:
    """Every request node of the plan, both branches of each condition included."""
    if node is None:
        return []
    if isinstance(node, SequenceNode | ParallelNode):
        return [leaf for child in node.nodes for leaf in plan_leaves(child)]
    if isinstance(node, ConditionNode):
        return plan_leaves(node.if_clause) + plan_leaves(node.else_clause)
    return [node]


def plan_subgraphs(plan: QueryPlan) -> tuple[str, ...]:
    """Every subgraph a request of ``plan`` may call (either branch of a condition), sorted."""
    return tuple(sorted({leaf.node.subgraph if isinstance(leaf, FlattenNode) else leaf.subgraph
                         for leaf in plan_leaves(plan.node)}))
