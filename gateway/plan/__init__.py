"""The query plan: frozen, printable data that the planner produces and the executor interprets."""

from gateway.plan.nodes import (
    ConditionNode,
    EntityBatchNode,
    FetchNode,
    FlattenNode,
    KeyField,
    KeyFragment,
    ParallelNode,
    PlanNode,
    QueryPlan,
    Rename,
    Representation,
    SequenceNode,
)
from gateway.plan.printer import print_plan

__all__ = [
    "ConditionNode",
    "EntityBatchNode",
    "FetchNode",
    "FlattenNode",
    "KeyField",
    "KeyFragment",
    "ParallelNode",
    "PlanNode",
    "QueryPlan",
    "Rename",
    "Representation",
    "SequenceNode",
    "print_plan",
]
