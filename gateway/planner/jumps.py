"""Entity jumps: enter an `_entities` fetch through a key chain, and fetch `@requires` first.

Federation spec: a subgraph resolves an entity from a representation holding `__typename` and
one of its `@key` field sets; `@requires` fields are added to that representation, so whoever
resolves them must run before.
"""

from __future__ import annotations

from graphql import SelectionSetNode

from gateway.plan import KeyField, KeyFragment
from gateway.planner.clashes import is_ambiguous
from gateway.planner.errors import PlanningError
from gateway.planner.groups import Group, Position, RepBuilder
from gateway.planner.internal import InternalAliases, internal_selections, key_fields
from gateway.planner.operation import FieldSel, level_fields
from gateway.planner.reach import Reach
from gateway.planner.resolution import Resolver
from gateway.planner.selection import variables_in
from gateway.supergraph import Key, Supergraph

__all__ = ["EntityJumps"]

KeyRead = KeyField | KeyFragment


class EntityJumps:
    """Mixin of the walker: everything that crosses from one subgraph to another."""

    # provided by the Walker
    resolver: Resolver
    supergraph: Supergraph
    groups: list[Group]
    entity_groups: dict[tuple, Group]
    touched: set[int]
    aliases: InternalAliases
    entering: set[tuple]
    reach: Reach

    def _jump_for_field(
        self, pos: Position, sel: FieldSel, graphs: tuple[str, ...] | None = None
    ) -> None:
        type_name, graph = pos.type_name, pos.group.graph
        if graphs is None:
            graphs = self.resolver.field_graphs(type_name, sel.name)
            if graph in graphs:  # @requires in this very graph: go through _entities to itself
                graphs = (graph,)
        if not graphs:
            self._jump_through_interface_object(pos, sel)
            return
        target = self._jump(pos, type_name, graphs, sel)
        self.plan_children(target, [sel])

    def _jump_through_interface_object(self, pos: Position, sel: FieldSel) -> None:
        """Fields an `@interfaceObject` graph adds to every implementation of the interface."""
        for interface in self.resolver.type(pos.type_name).interfaces:
            target_graph = self._interface_object_target(interface, sel.name)
            if target_graph is not None:
                bucket = 0  # one fetch for every type, unless they would meet under one key
                if is_ambiguous(pos.reserved):
                    bucket = -1 - self.supergraph.possible_types(interface).index(pos.type_name)
                target = self._enter_interface_object(pos, interface, target_graph, sel, bucket)
                self.plan_children(target, [sel])
                return
        raise PlanningError(f"no subgraph resolves {pos.type_name}.{sel.name}")

    def _enter_interface_object(
        self, pos: Position, interface: str, graph: str, sel: FieldSel, bucket: int = 0
    ) -> Position:
        """Reach `graph`, which sees `interface` as an object, from a concrete type at `pos`.

        Federation docs (entity interfaces): the `@interfaceObject` graph receives
        representations with the interface's name and key. When the current graph cannot
        select that key (it may not even know the interface), go first, by the concrete type's
        own key, to a graph that knows the type as an implementation of the interface.
        """
        if self._hops(pos, interface, graph) is not None:
            return self._jump(pos, interface, (graph,), sel, bucket)
        owners = tuple(
            g
            for g in self.resolver.type(interface).graphs
            if pos.type_name in self.supergraph.possible_types_in(interface, g)
        )
        owner = self._jump(pos, pos.type_name, owners, sel)
        return self._jump(owner, interface, (graph,), sel, bucket)

    def _jump(
        self, pos: Position, rep_type: str, graphs: tuple[str, ...], sel: FieldSel | None = None,
        bucket: int = 0,
    ) -> Position:
        """Enter an `_entities` fetch on the cheapest reachable graph among `graphs`."""
        options = []
        for graph in graphs:
            hops = self._hops(pos, rep_type, graph)
            if hops is not None and (pos.path, pos.group.graph, hops[0]) not in self.entering:
                existing = (graph, pos.path, pos.group.id, 0) in self.entity_groups
                reach = self._reach(graph, rep_type, [sel], 3) if sel else 0
                indirect = self._indirect_keys(pos, rep_type, hops)
                cover = -self._cover(pos, graph)
                whole = sel is None or self.reach.delivers(graph, rep_type, sel)
                cost = (not whole, len(hops) + indirect, indirect, not existing, cover, -reach)
                options.append(((*cost, self.resolver.order.get(graph, 0)), hops))
        if not options:
            raise PlanningError(
                f"no key leads from {pos.group.graph} to {', '.join(graphs)} for {rep_type}"
            )
        target = pos
        hops = min(options, key=lambda option: option[0])[1]
        for i, key in enumerate(hops):  # `bucket` picks the fetch of the last hop
            target = self._enter(target, rep_type, key, bucket if i == len(hops) - 1 else 0, sel)
        return target

    def _indirect_keys(self, pos: Position, rep_type: str, hops: tuple[Key, ...]) -> int:
        """Keys on the route whose fields need another fetch first (each costs a round)."""
        source, at_type, count = pos.group.graph, pos.type_name, 0
        for key in hops:
            count += not self.resolver.can_select(source, at_type, key.selection)
            source, at_type = key.graph, rep_type
        return count

    def _cover(self, pos: Position, graph: str) -> int:
        """Sibling fields the current graph lacks that `graph` would resolve in the same fetch."""
        fields = self.resolver.type(pos.type_name).fields
        count = 0
        for sel in level_fields(pos.siblings):
            if sel.name in fields:
                graphs = self.resolver.field_graphs(pos.type_name, sel.name)
                count += graph in graphs and pos.group.graph not in graphs
        return count

    def _hops(self, pos: Position, rep_type: str, graph: str) -> tuple[Key, ...] | None:
        if graph == pos.group.graph:
            keys = self.resolver.type(rep_type).keys_in(graph)
            return (keys[0],) if keys else None
        at_type = pos.type_name if pos.type_name != rep_type else None
        return self.resolver.route(rep_type, pos.group.graph, graph, at_type)

    def _enter(
        self, pos: Position, rep_type: str, key: Key, bucket: int = 0, via: FieldSel | None = None
    ) -> Position:
        """Add `__typename` and the key to `pos`; return the position inside the entity fetch.

        `via` is the client field the jump is for: should the position serve as an intermediate
        hop, its key fields carry that field's `@include`/`@skip` (GraphQL spec §3.13).
        """
        self._add_typename(pos)
        before, self.touched = self.touched, set()
        marker = (pos.path, pos.group.graph, key)
        self.entering.add(marker)  # a key field is never fetched through that same key
        key_fields = self._internal(pos, key.selection)
        self.entering.discard(marker)
        producers = self.touched - {pos.group.id}  # fetches that supply key fields from elsewhere
        self.touched |= before
        group = self._entity_group(key.graph, pos, bucket, rep_type, key)
        group.deps |= producers
        group.keys.setdefault(rep_type, key.fields)
        rep = group.reps.setdefault(rep_type, RepBuilder(rep_type))
        rep.widen(self._match_types(rep_type, pos.type_name))
        rep.add(key_fields)
        fragment = group.selection.add_fragment(rep_type, "")
        self._add_typename(
            Position(group, fragment.selection, rep_type, pos.path, None, pos.reserved)
        )
        out = fragment.selection
        for directives, nodes in pos.wrappers:
            out = out.add_fragment(None, directives).selection
            group.variables |= variables_in(nodes)
        return Position(
            group,
            out,
            rep_type,
            pos.path,
            None,
            pos.reserved,
            key,
            pos,
            wrappers=pos.wrappers,
            via=via,
        )

    def _match_types(self, rep_type: str, at_type: str) -> tuple[str, ...]:
        """Concrete types sent as the interface `rep_type`: only those the position can hold."""
        if not self.resolver.type(rep_type).is_abstract:
            return ()
        allowed = set(self.supergraph.possible_types(at_type))
        return tuple(t for t in self.supergraph.possible_types(rep_type) if t in allowed)

    def _entity_group(
        self, graph: str, pos: Position, bucket: int, rep_type: str, key: Key
    ) -> Group:
        """The fetch to `graph` at this path: one per producer, or shared when that is safe."""
        index = (graph, pos.path, pos.group.id, bucket)
        group = self.entity_groups.get(index)
        if group is None:
            group = self._shared_group(graph, pos, bucket, rep_type, key)
            if group is None:
                group = self._new_group(graph, pos.path, pos.group)
                group.bucket, group.guarded = bucket, bool(pos.wrappers)
            self.entity_groups[index] = group
        group.entry_types.add(pos.type_name)
        return group

    def _shared_group(
        self, graph: str, pos: Position, bucket: int, rep_type: str, key: Key
    ) -> Group | None:
        """An entity fetch another producer opened at the same path, joined by the same key.

        Safe when joining adds no dependency cycle; the fetch then waits for both producers and
        moves up to their nearest common ancestor (either one supplies the same key values).
        """
        for group in self.groups:
            if (
                group.parent is not None
                and (group.graph, group.path, group.bucket) == (graph, pos.path, bucket)
                and group.keys.get(rep_type) == key.fields
                and group is not pos.group
                and not self._reaches({pos.group.id}, group.id)
            ):
                common = _common_ancestor(group.parent, pos.group)
                if common is not None:
                    group.home = group.home or group.parent
                    group.parent = common
                    if pos.group.id not in group.deps:
                        group.shared.add(pos.group.id)
                    group.deps.add(pos.group.id)
                    return group
        return None

    def _internal(self, pos: Position, selection: SelectionSetNode) -> tuple[KeyRead, ...]:
        """Plan a key or `@requires` field set at `pos`; return how to read it back."""

        def allocate(
            at: tuple[str, ...], name: str, meaning: tuple[str, str], reserved: dict, plain: bool
        ) -> str | None:
            return self.aliases.allocate((*pos.path, *at), name, meaning, reserved, plain)

        sels = internal_selections(selection, pos.out, allocate, pos.reserved)
        if self.resolver.type(pos.type_name).is_abstract:
            self.plan_children(pos, sels)
        else:
            self._plan_object(pos, sels)
        return key_fields(sels, self.supergraph, pos.type_name)

    def _with_requirements(self, pos: Position, sel: FieldSel, requires: SelectionSetNode) -> None:
        """Fetch the required fields before this entity fetch and send them along.

        Federation spec, @requires: the subgraph receives the required fields in the
        representation, so whoever resolves them must run first.
        """
        origin = pos.origin
        assert origin is not None and pos.key is not None
        before = set(self.touched)
        self.touched = set()
        key_fields = self._internal(origin, requires)
        producers = self.touched - {origin.group.id}
        self.touched |= before
        bucket = 0
        # another fetch when this one already sends a required field from another response key
        while self._reaches(producers, pos.group.id) or pos.group.reps[
            pos.type_name
        ].conflicts(key_fields):
            bucket += 1
            pos = self._enter(origin, pos.type_name, pos.key, bucket)
        pos.group.deps |= producers
        pos.group.shared -= producers
        pos.group.reps[pos.type_name].add(key_fields)
        self._descend(pos, sel, None)

    def _reaches(self, starts: set[int], target: int) -> bool:
        """True when `target` is one of `starts` or something they (transitively) depend on."""
        stack, seen = list(starts), set()
        while stack:
            current = stack.pop()
            if current == target:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(self.groups[current].deps)
        return False


def _common_ancestor(left: Group, right: Group) -> Group | None:
    """The nearest group both descend from (or are), following parents."""
    chain = set()
    node: Group | None = left
    while node is not None:
        chain.add(node.id)
        node = node.parent
    node = right
    while node is not None and node.id not in chain:
        node = node.parent
    return node
