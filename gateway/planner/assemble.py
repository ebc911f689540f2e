"""Arrange fetch groups into Sequence/Parallel/Flatten/Condition nodes (PLANNER.md step 7).

A group runs after the groups it depends on; groups with nothing between them run in parallel.
When every dependency lies on one chain the plan is a tree; otherwise it falls back to stages.
"""

from __future__ import annotations

from collections.abc import Callable

from gateway.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    SequenceNode,
)
from gateway.planner.groups import Group

__all__ = ["assemble"]

Render = Callable[[Group], FetchNode]


def assemble(groups: list[Group], render: Render, serial: bool) -> PlanNode | None:
    """The plan's root node; `serial` keeps root groups in order (mutations)."""
    if not groups:
        return None
    parents = _tree_parents(groups)
    if parents is None:
        return _staged(groups, render, serial)
    children: dict[int | None, list[Group]] = {}
    for group in groups:
        children.setdefault(parents[group.id], []).append(group)
    roots = [_subtree(root, children, render) for root in children[None]]
    return _sequence(roots) if serial else _parallel(roots)


def _tree_parents(groups: list[Group]) -> dict[int, int | None] | None:
    """Each group's one dependency that all its other dependencies precede, or None."""
    parents: dict[int, int | None] = {}
    for group in _topological(groups):
        if not group.deps:
            parents[group.id] = None
            continue
        chosen = next(
            (d for d in sorted(group.deps) if group.deps <= _ancestors(d, parents) | {d}), None
        )
        if chosen is None:
            return None
        parents[group.id] = chosen
    return parents


def _ancestors(group_id: int, parents: dict[int, int | None]) -> set[int]:
    found: set[int] = set()
    current = parents.get(group_id)
    while current is not None:
        found.add(current)
        current = parents.get(current)
    return found


def _topological(groups: list[Group]) -> list[Group]:
    order: list[Group] = []
    seen: set[int] = set()

    def visit(group: Group) -> None:
        if group.id in seen:
            return
        seen.add(group.id)
        for dep in sorted(group.deps):
            visit(groups[dep])
        order.append(group)

    for group in groups:
        visit(group)
    return order


def _subtree(group: Group, children: dict, render: Render) -> PlanNode:
    own = _fetch(group, render)
    below = [_subtree(child, children, render) for child in children.get(group.id, [])]
    return _conditioned(group, _sequence([own, _parallel(below)]) if below else own)


def _fetch(group: Group, render: Render) -> PlanNode:
    node = render(group)
    return FlattenNode(group.path, node) if group.is_entity else node


def _conditioned(group: Group, node: PlanNode) -> PlanNode:
    """A fetch whose every field hangs on one `@include`/`@skip` variable (and its dependents)."""
    conditions = set(group.conditions)
    if len(conditions) != 1 or None in conditions:
        return node
    variable, include = next(iter(conditions))  # type: ignore[misc]
    if include:
        return ConditionNode(variable, if_clause=node)
    return ConditionNode(variable, else_clause=node)


def _staged(groups: list[Group], render: Render, serial: bool) -> PlanNode:
    order = _topological(groups)
    if serial:
        return _sequence([_fetch(g, render) for g in order])
    level: dict[int, int] = {}
    for group in order:
        level[group.id] = 1 + max((level[d] for d in group.deps), default=-1)
    stages = [
        _parallel([_fetch(g, render) for g in order if level[g.id] == n])
        for n in range(max(level.values()) + 1)
    ]
    return _sequence(stages)


def _sequence(nodes: list[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, SequenceNode) else (node,))
    return flat[0] if len(flat) == 1 else SequenceNode(tuple(flat))


def _parallel(nodes: list[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, ParallelNode) else (node,))
    return flat[0] if len(flat) == 1 else ParallelNode(tuple(flat))
