"""Run a plan like ``interpreter.run_node``, telling after each request node that it is done.

Only the composite nodes are walked here; every request node runs through the interpreter
itself, so the non-incremental path stays as it is. A condition's branch that is not taken is
reported done at once (its fetches will never run).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from gateway.executor.incremental.fetch_paths import plan_leaves
from gateway.executor.interpreter import run_node
from gateway.executor.state import Execution
from gateway.plan import ConditionNode, ParallelNode, PlanNode, SequenceNode

__all__ = ["run_observed"]

Done = Callable[[PlanNode], None]


async def run_observed(node: PlanNode, ex: Execution, done: Done) -> None:
    """Run ``node``; ``done(leaf)`` after each request node finishes or is skipped."""
    if isinstance(node, SequenceNode):
        for child in node.nodes:
            await run_observed(child, ex, done)
    elif isinstance(node, ParallelNode):
        async with asyncio.TaskGroup() as group:
            for child in node.nodes:
                group.create_task(run_observed(child, ex, done))
    elif isinstance(node, ConditionNode):
        taken = ex.variables.get(node.condition) is True
        branch, other = ((node.if_clause, node.else_clause) if taken
                         else (node.else_clause, node.if_clause))
        for leaf in plan_leaves(other):
            done(leaf)
        if branch is not None:
            await run_observed(branch, ex, done)
    else:
        await run_node(node, ex)
        done(node)
