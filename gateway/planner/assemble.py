"""Arrange fetch groups into Sequence/Parallel/Flatten/Condition nodes (PLANNER.md step 7).

Each entity group hangs under the group that produces its representations. Siblings run in
parallel unless one needs another's output (`@requires` inputs): those run in later stages.
Should a dependency ever cross subtrees, the plan falls back to global stages (always correct).
"""

from __future__ import annotations

from collections.abc import Callable

from gateway.plan import (
    ConditionNode,
    EntityBatchNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    SequenceNode,
)
from gateway.planner.coalesce import coalesce_fetches, count_fetches, merge_key
from gateway.planner.groups import Group, settle_shared

__all__ = ["assemble"]

Render = Callable[[Group], FetchNode]


def assemble(groups: list[Group], render: Render, serial: bool,
             across_branches: bool = True) -> PlanNode | None:
    """The plan's root node; `serial` keeps root groups in order (mutations); `across_branches`
    lets independent branches line up in stages when that merges requests."""
    if not groups:
        return None
    settle_shared(groups)
    tree = _Tree(groups, render)
    if not tree.is_sound():
        return _staged(groups, render, serial)
    roots = tree.children[None]
    if serial:
        node = _sequence([tree.subtree(root) for root in roots])
    else:
        stages = [_parallel([tree.subtree(r) for r in stage]) for stage in tree.stages(roots)]
        node = _sequence(stages)
    if not _respects_deps(node, groups):
        return coalesce_fetches(_staged(groups, render, serial))
    node = coalesce_fetches(node)
    # the staged layout has no ConditionNode: take it only when it is shallower and loses none
    if serial or any(group.condition is not None for group in groups):
        return node
    levels = _levels(_topological(groups))
    staged = coalesce_fetches(_staged(groups, render, serial))
    if max(levels.values()) + 1 < _depth(node):
        return staged
    # Same depth, but stages line up the fetches of independent branches: take them when that
    # lets requests merge (each stage then waits for its slowest fetch, never for a new round)
    merges = across_branches and count_fetches(staged) < count_fetches(node)
    return staged if merges else node


def _depth(node: PlanNode | None) -> int:
    """The longest chain of fetches that run one after another."""
    if node is None:
        return 0
    if isinstance(node, FetchNode | FlattenNode | EntityBatchNode):
        return 1
    if isinstance(node, SequenceNode):
        return sum(_depth(child) for child in node.nodes)
    if isinstance(node, ParallelNode):
        return max(_depth(child) for child in node.nodes)
    return max(_depth(node.if_clause), _depth(node.else_clause))


class _Tree:
    """Groups arranged by the group that produces their representations."""

    def __init__(self, groups: list[Group], render: Render) -> None:
        self.groups, self.render = groups, render
        self.children: dict[int | None, list[Group]] = {}
        for group in groups:
            key = group.parent.id if group.parent is not None else None
            self.children.setdefault(key, []).append(group)

    def below(self, group: Group) -> set[int]:
        """Ids of the group and everything hanging under it."""
        found = {group.id}
        for child in self.children.get(group.id, []):
            found |= self.below(child)
        return found

    def is_sound(self) -> bool:
        """Every dependency is an ancestor or lies under a sibling of the group or an ancestor."""
        return all(self._reachable(group, dep) for group in self.groups for dep in group.deps)

    def _reachable(self, group: Group, dep: int) -> bool:
        node = group
        while True:
            parent = node.parent
            if parent is not None and parent.id == dep:
                return True
            siblings = self.children[parent.id if parent is not None else None]
            if any(dep in self.below(s) for s in siblings if s is not node):
                return True
            if parent is None:
                return False
            node = parent

    def subtree(self, group: Group, outer: tuple[str, bool] | None = None) -> PlanNode:
        """The group's fetch, then its children; `outer` is the condition already in force."""
        own = _fetch(group, self.render)
        condition = group.condition
        inner = condition or outer
        kids = self.children.get(group.id, [])
        stages = [
            _parallel([self.subtree(kid, inner) for kid in stage])
            for stage in (self.stages(kids) if kids else [])
        ]
        node = _sequence([own, *stages])
        return node if condition is None or condition == outer else _wrap(condition, node)

    def stages(self, kids: list[Group]) -> list[list[Group]]:
        """Siblings by stage: a sibling runs after the siblings whose subtrees it reads."""
        owner = {member: kid.id for kid in kids for member in self.below(kid)}
        level: dict[int, int] = {}

        def stage(kid: Group) -> int:
            if kid.id not in level:
                level[kid.id] = 0
                needed = {owner[d] for d in self._deps_under(kid) if d in owner} - {kid.id}
                by_id = {k.id: k for k in kids}
                level[kid.id] = 1 + max((stage(by_id[n]) for n in needed), default=-1)
            return level[kid.id]

        for kid in kids:
            stage(kid)
        return [[k for k in kids if level[k.id] == n] for n in range(max(level.values()) + 1)]

    def _deps_under(self, kid: Group) -> set[int]:
        """Dependencies of the kid's whole subtree (a descendant may wait for a sibling too)."""
        return {d for member in self.below(kid) for d in self.groups[member].deps}


def _fetch(group: Group, render: Render) -> PlanNode:
    node = render(group)
    return FlattenNode(group.path, node) if group.is_entity else node


def _wrap(condition: tuple[str, bool], node: PlanNode) -> PlanNode:
    """Run `node` (a fetch and its dependents) only when the condition holds."""
    variable, include = condition
    if include:
        return ConditionNode(variable, if_clause=node)
    return ConditionNode(variable, else_clause=node)


def _respects_deps(node: PlanNode, groups: list[Group]) -> bool:
    """True when every fetch starts after all the fetches it depends on have finished.

    Shared entity fetches can wait for a group inside a sibling's subtree that in turn waits for
    them; the tree layout cannot express that, the staged layout can.
    """
    started: dict[int, frozenset[int]] = {}
    _finished_after(node, frozenset(), started)
    return all(group.deps <= started.get(group.id, frozenset()) for group in groups)


def _finished_after(node: PlanNode | None, before: frozenset[int], started: dict) -> frozenset[int]:
    """Fetch ids finished once `node` is done, recording what each fetch can rely on."""
    if node is None:
        return before
    if isinstance(node, FlattenNode):
        node = node.node
    if isinstance(node, FetchNode):
        started[node.id] = before
        return before | {node.id}
    if isinstance(node, SequenceNode):
        for child in node.nodes:
            before = _finished_after(child, before, started)
        return before
    if isinstance(node, ParallelNode):
        return before.union(*(_finished_after(c, before, started) for c in node.nodes))
    branches = (node.if_clause, node.else_clause)  # ConditionNode
    return before.union(*(_finished_after(b, before, started) for b in branches))


def _topological(groups: list[Group]) -> list[Group]:
    order: list[Group] = []
    seen: set[int] = set()

    def visit(group: Group) -> None:
        if group.id not in seen:
            seen.add(group.id)
            for dep in sorted(group.deps):
                visit(groups[dep])
            order.append(group)

    for group in groups:
        visit(group)
    return order


def _staged(groups: list[Group], render: Render, serial: bool) -> PlanNode:
    order = _topological(groups)
    fetches = {g.id: _fetch(g, render) for g in order}
    if serial:
        return _sequence([fetches[g.id] for g in order])
    level = _levels(order)
    _join_later_peers(order, fetches, level)
    stages = [
        _parallel([fetches[g.id] for g in order if level[g.id] == n])
        for n in range(max(level.values()) + 1)
    ]
    return _sequence(stages)


def _join_later_peers(order: list[Group], fetches: dict[int, PlanNode],
                      level: dict[int, int]) -> None:
    """Move a fetch nothing depends on to a later stage holding a fetch it can merge with.

    Its result is read only when the response is shaped, so running it later delays nothing
    but the stage it joins, which waits for that peer anyway.
    """
    needed = {dep for group in order for dep in group.deps}
    keys = {group.id: merge_key(fetches[group.id]) for group in order}  # once, not per pair
    for group in order:
        key = keys[group.id]
        if group.id in needed or key is None:
            continue
        peers = {level[g.id] for g in order if g is not group and keys[g.id] == key}
        later = sorted(n for n in peers if n >= level[group.id])
        if later and level[group.id] not in peers:
            level[group.id] = later[0]


def _levels(order: list[Group]) -> dict[int, int]:
    """Stage of each group (in topological order): one after its latest dependency."""
    level: dict[int, int] = {}
    for group in order:
        level[group.id] = 1 + max((level[d] for d in group.deps), default=-1)
    return level


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
