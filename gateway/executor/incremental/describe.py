"""Print the deferred parts of a planned operation: where each is delivered, what it waits for.

Printed after the plan (``python -m gateway plan``), as Apollo's planner prints ``Defer`` nodes:
here the plan stays one tree, and each part names the plan's request nodes (numbered in the
printed plan's order) whose answers complete it.
"""

from __future__ import annotations

from typing import Any

from gateway.executor.incremental.fetch_paths import Leaf
from gateway.executor.incremental.operation import IncrementalOperation
from gateway.plan import EntityBatchNode, FetchNode

__all__ = ["print_parts"]


def print_parts(incremental: IncrementalOperation, variables: dict[str, Any]) -> str:
    """``Deferred { Primary ... }`` for the request's ``variables`` (``@defer(if:)`` ...)."""
    lines = ["Deferred {"]
    for part in incremental.parts(variables):
        waits = [f"{i}:{_subgraph(leaf)}" for i, (leaf, written)
                 in enumerate(zip(incremental.leaves, incremental.written, strict=True))
                 if written & part.paths]
        if part.number == 0:
            head = "Primary"
        elif part.stream is not None:  # its items come with its parent; the rest right after
            path = ".".join([*(step.key for step in part.steps), part.key])
            fields = [f'label: "{part.label}"'] if part.label is not None else []
            fields += [f'path: "{path}"', f"initialCount: {part.stream}", f"parent: {part.parent}"]
            lines.append(f"  #{part.number} Stream({', '.join(fields)})")
            continue
        else:
            path = ".".join(step.key for step in part.steps) or "(root)"
            fields = [f'label: "{part.label}"'] if part.label is not None else []
            fields += [f'path: "{path}"', f"parent: {part.parent}"]
            if part.conditions:
                fields.append(f"on: {'|'.join(part.conditions)}")
            head = f"#{part.number} Deferred({', '.join(fields)})"
        lines.append(f"  {head} waits for [{', '.join(waits)}]")
    return "\n".join([*lines, "}"])


def _subgraph(leaf: Leaf) -> str:
    if isinstance(leaf, FetchNode | EntityBatchNode):
        return leaf.subgraph
    return leaf.node.subgraph
