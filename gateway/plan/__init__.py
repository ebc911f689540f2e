"""The query plan: frozen, printable data that the planner produces and the executor interprets."""

from gateway.plan.leaves import Leaf, plan_leaves, plan_subgraphs
from gateway.plan.nodes import *  # noqa: F403  (every node type, as nodes.__all__ lists them)
from gateway.plan.nodes import __all__ as _NODES
from gateway.plan.printer import print_plan

__all__ = [*_NODES, "Leaf", "plan_leaves", "plan_subgraphs", "print_plan"]
