"""Walk a normalised operation and place every field into fetch groups (PLANNER.md steps 2-6).

Stay in the current subgraph while it resolves a field; otherwise jump through an entity key
(possibly several hops), fetching `@requires` inputs first and honouring `@provides`.
"""

from __future__ import annotations

from graphql import FieldNode

from gateway.planner.conditions import field_condition, root_fields
from gateway.planner.errors import PlanningError
from gateway.planner.groups import Group, Position
from gateway.planner.internal import TYPENAME_ALIAS, InternalAliases, reserved_keys
from gateway.planner.jumps import EntityJumps
from gateway.planner.operation import FieldSel, FragmentSel, Operation, Sel
from gateway.planner.reach import Reach
from gateway.planner.resolution import Resolver, provided_field
from gateway.planner.selection import (
    print_arguments,
    print_directives,
    variables_in,
)

__all__ = ["Walker"]

_FAR = 1_000  # no way to answer: costlier than any real plan
_NOWHERE = (_FAR * 10, _FAR * 10)  # a root option that answers nothing of the field


class Walker(EntityJumps):
    """Builds the fetch groups of one operation."""

    def __init__(self, resolver: Resolver, operation: Operation) -> None:
        self.resolver = resolver
        self.supergraph = resolver.supergraph
        self.operation = operation
        self.groups: list[Group] = []
        self.entity_groups: dict[tuple, Group] = {}
        self.touched: set[int] = set()
        self.aliases = InternalAliases()
        self.reach = Reach(resolver)
        self.local = Reach(resolver, jumps=False)  # a root field split with no jump below it
        self.root_split: Reach = self.reach
        self._by_path: dict[tuple[str, ...], list[Sel]] | None = None
        self.root_wrappers: tuple = ()
        self.entering: set[tuple] = set()

    # -- root -------------------------------------------------------------------------------

    def walk(self) -> list[Group]:
        """Place every root field, then return the groups in creation order."""
        kind = self.operation.kind
        root = self.supergraph.root_types.get(kind)
        if root is None:
            raise PlanningError(f"the supergraph has no {kind} type")
        for field_sel, wrappers in root_fields(self.operation.selections, ()):
            if not field_sel.name.startswith("__"):  # __typename, __schema, __type: gateway
                self._root_field(root, field_sel, wrappers)
        return self.groups

    def _root_field(
        self, root: str, sel: FieldSel, wrappers: tuple, graph: str | None = None
    ) -> None:
        self.root_split = self.reach
        group = self._root_group(root, sel) if graph is None else self._root_group_in(graph)
        self.root_wrappers = wrappers
        out = group.selection
        for directives, nodes in wrappers:
            out = out.add_fragment(None, directives).selection
            group.variables |= variables_in(nodes)
        group.conditions.append(field_condition(sel, wrappers))
        reserved = reserved_keys(self.operation.selections)
        self.plan_field(Position(group, out, root, (), reserved=reserved), sel)

    def _root_group(self, root: str, sel: FieldSel) -> Group:
        graphs = self.resolver.field_graphs(root, sel.name)
        if not graphs:
            raise PlanningError(f"no subgraph resolves {root}.{sel.name}")
        roots = [g for g in self.groups if g.parent is None]
        if self.operation.kind == "mutation":
            # GraphQL spec §6.2.2: mutation root fields execute serially, in document order.
            last = roots[-1] if roots else None
            if last is not None and last.graph in graphs:
                return last
            return self._new_group(self._best(graphs, root, sel), (), None)
        used = frozenset(g.graph for g in roots)
        ranked = self._ranked(graphs, root, sel)
        options = [
            (self._root_cost(g, root, sel, used, reach), g not in used, ranked.index(g), local, g)
            for g in graphs
            for local, reach in ((False, self.reach), (True, self.local))
        ]
        *_, local, graph = min(options)
        self.root_split = self.local if local else self.reach
        return self._root_group_in(graph)

    def _root_cost(
        self, graph: str, root: str, sel: FieldSel, used: frozenset[str], reach: Reach,
        depth: int = 0,
    ) -> tuple[int, int]:
        """(fetches, of which run after another) to answer a query root field starting in
        `graph`: a root fetch unless one is already planned there, the entity jumps below it,
        and the cheapest other root fetches for what `graph` does not deliver (with `reach`
        splitting off, or not, what it could only deliver through entity jumps)."""
        here, rest = reach.field_split(graph, root, sel, None)
        if here is None or depth > 3:
            return _NOWHERE  # no progress from this graph
        after = self.reach.fetches(graph, root, [here])
        total = (graph not in used) + after
        if rest is None:
            return total, after
        others = [
            self._root_cost(g, root, rest, used | {graph}, self.reach, depth + 1)
            for g in self.resolver.field_graphs(root, rest.name)
            if g != graph
        ]
        more_total, more_after = min(others, default=_NOWHERE)
        return total + more_total, after + more_after

    def _root_group_in(self, graph: str) -> Group:
        for group in self.groups:
            if group.parent is None and group.graph == graph:
                return group
        return self._new_group(graph, (), None)

    def _new_group(self, graph: str, path: tuple[str, ...], parent: Group | None) -> Group:
        kind = self.operation.kind if parent is None else "query"
        group = Group(len(self.groups), graph, path, parent, kind)
        if parent is not None:
            group.deps.add(parent.id)
        self.groups.append(group)
        return group

    def _best(self, graphs: tuple[str, ...], type_name: str, sel: FieldSel) -> str:
        """Prefer the graph that resolves most of the field's sub-selection itself."""
        return self._ranked(graphs, type_name, sel)[0]

    def _ranked(self, graphs: tuple[str, ...], type_name: str, sel: FieldSel) -> list[str]:
        spec = self.resolver.type(type_name).fields[sel.name]
        return sorted(
            graphs,
            key=lambda g: (
                not self.reach.delivers(g, type_name, sel),
                self.reach.fetches(g, type_name, [sel]),
                self._stuck(g, spec.type_name, sel.selections),
                -self._reach(g, spec.type_name, sel.selections, 2),
                self.resolver.order.get(g, 0),
            ),
        )

    def _reach(self, graph: str, type_name: str, sels: list[Sel], depth: int) -> int:
        """How many fields of `sels` `graph` resolves without a jump (a short look-ahead)."""
        info = self.supergraph.types.get(type_name)
        if info is None or depth == 0:
            return 0
        count = 0
        for sel in sels:
            if isinstance(sel, FragmentSel):
                count += self._reach(graph, sel.type_condition or type_name, sel.selections, depth)
            elif sel.name in info.fields and graph in self.resolver.field_graphs(
                type_name, sel.name
            ):
                inner = info.fields[sel.name].type_name
                count += 1 + self._reach(graph, inner, sel.selections, depth - 1)
        return count

    # -- one selection set ----------------------------------------------------------------

    def plan_children(self, pos: Position, sels: list[Sel]) -> None:
        """Plan a selection set at `pos`, dispatching on what the graph sees there."""
        info = self.resolver.type(pos.type_name)
        pos.siblings = sels
        if info.is_abstract and pos.group.graph in info.interface_object_graphs:
            self._plan_interface_object(pos, sels)
        elif info.is_abstract:
            self._plan_abstract(pos, sels)
        else:
            self._plan_object(pos, sels)
        if pos.out.is_empty():
            self._add_typename(pos)

    def _plan_object(self, pos: Position, sels: list[Sel]) -> None:
        for sel in sels:
            if isinstance(sel, FieldSel):
                self.plan_field(pos, sel)
            elif _applies(self.supergraph, sel.type_condition, pos.type_name):
                self._plan_object(self._wrapped(pos, sel, None), sel.selections)

    def _wrapped(self, pos: Position, sel: FragmentSel, type_name: str | None) -> Position:
        """Keep a fragment only for its directives (or a type the graph must narrow to)."""
        directives = print_directives(sel.directives)
        if not directives and type_name is None:
            return pos
        pos.group.variables |= variables_in(sel.directives)
        inner = pos.at(pos.out.add_fragment(type_name, directives).selection, type_name)
        if directives:
            # an entity fetch entered from inside must repeat the condition (GraphQL spec §3.13)
            inner.wrappers = (*pos.wrappers, (directives, sel.directives))
        return inner

    def _plan_abstract(self, pos: Position, sels: list[Sel]) -> None:
        """Interfaces and unions: never send a type condition the graph does not know."""
        self._add_typename(pos)
        runtime = self.supergraph.possible_types_in(pos.type_name, pos.group.graph)
        for sel in sels:
            if isinstance(sel, FieldSel):
                self._abstract_field(pos, sel, runtime)
                continue
            condition = sel.type_condition or pos.type_name
            if condition == pos.type_name:
                self._plan_abstract(self._wrapped(pos, sel, None), sel.selections)
                continue
            allowed = set(self.supergraph.possible_types(condition))
            for type_name in runtime:
                if type_name in allowed:
                    self._plan_object(self._wrapped(pos, sel, type_name), sel.selections)

    def _abstract_field(self, pos: Position, sel: FieldSel, runtime: list[str]) -> None:
        if sel.name == "__typename" or (
            self._interface_level(pos, sel.name, runtime) and self._whole_here(pos, sel)
        ):
            self.plan_field(pos, sel)
            return
        if self._interface_object_target(pos.type_name, sel.name):
            # Fields an @interfaceObject graph adds: one jump for every implementation.
            self.plan_field(pos, sel)
            return
        for type_name in runtime:
            self.plan_field(pos.at(pos.out.add_fragment(type_name, "").selection, type_name), sel)

    def _whole_here(self, pos: Position, sel: FieldSel) -> bool:
        """True when the graph delivers all of the field from the interface itself; else each
        implementation goes its own way (an entity among them can jump for the rest)."""
        split = self.reach.field_split(pos.group.graph, pos.type_name, sel, pos.provided)
        return split[1] is None

    def _interface_level(self, pos: Position, name: str, runtime: list[str]) -> bool:
        """True when the graph resolves the field the same way on every possible type."""
        graph = pos.group.graph
        types = [pos.type_name, *runtime]
        return all(
            (
                graph in self.resolver.field_graphs(t, name)
                or provided_field(pos.provided, t, name, self.supergraph) is not None
            )
            and self.resolver.requires(t, name, graph) is None
            for t in types
        )

    def _interface_object_target(self, type_name: str, name: str) -> str | None:
        info = self.resolver.type(type_name)
        graphs = self.resolver.field_graphs(type_name, name)
        return next((g for g in graphs if g in info.interface_object_graphs), None)

    def _plan_interface_object(self, pos: Position, sels: list[Sel]) -> None:
        """The graph sees the interface as an object: it cannot tell concrete types apart."""
        self._add_typename(pos)
        rest: list[Sel] = []
        for sel in sels:
            if isinstance(sel, FieldSel) and sel.name != "__typename":
                self.plan_field(pos, sel)
            else:
                rest.append(sel)
        if rest:
            target = self._jump(pos, pos.type_name, self._real_interface_graphs(pos.type_name))
            self.plan_children(target, rest)

    def _real_interface_graphs(self, type_name: str) -> tuple[str, ...]:
        info = self.resolver.type(type_name)
        return tuple(g for g in info.graphs if g not in info.interface_object_graphs)

    # -- one field --------------------------------------------------------------------------

    def plan_field(self, pos: Position, sel: FieldSel) -> None:
        """Place one field: here if the graph resolves it, else through an entity jump."""
        graph, type_name = pos.group.graph, pos.type_name
        if sel.name == "__typename":
            self._add(pos, sel, composite=False)
            return
        info = self.resolver.type(type_name)
        if sel.name not in info.fields:
            raise PlanningError(f"{type_name} has no field {sel.name!r}")
        shortcut = provided_field(pos.provided, type_name, sel.name, self.supergraph)
        here = graph in self.resolver.field_graphs(type_name, sel.name) or (
            self.resolver.key_field(graph, type_name, sel.name)
        )
        requires = self.resolver.requires(type_name, sel.name, graph) if here else None
        unstuck = self._unstuck_graphs(pos, sel) if shortcut is None and here else ()
        if unstuck and requires is None:
            self._jump_for_field(pos, sel, unstuck)
        elif shortcut is not None or (here and requires is None):
            self._descend_or_split(pos, sel, shortcut)
        elif here and pos.origin is not None:
            self._with_requirements(pos, sel, requires)  # type: ignore[arg-type]
        else:
            self._jump_for_field(pos, sel)

    def _stuck_below(self, pos: Position, sel: FieldSel) -> bool:
        """True when the graph would reach a value-type field it lacks, where no jump exists.

        Shareable value types may have fields only some graphs define; the jump must then happen
        at the nearest entity above (here), to a graph that resolves the whole sub-selection.
        """
        if not sel.selections or not self.resolver.type(pos.type_name).keys:
            return False
        spec = self.resolver.type(pos.type_name).fields[sel.name]
        return self._stuck(pos.group.graph, spec.type_name, sel.selections)

    def _unstuck_graphs(self, pos: Position, sel: FieldSel) -> tuple[str, ...]:
        """Other graphs that resolve all of the field's value-type sub-selection, if needed."""
        if not self._stuck_below(pos, sel):
            return ()
        spec = self.resolver.type(pos.type_name).fields[sel.name]
        return tuple(
            g
            for g in self.resolver.field_graphs(pos.type_name, sel.name)
            if g != pos.group.graph and not self._stuck(g, spec.type_name, sel.selections)
        )

    def _stuck(self, graph: str, type_name: str, sels: list[Sel]) -> bool:
        info = self.supergraph.types.get(type_name)
        if info is None or info.keys or not sels:
            return False  # a leaf, or an entity the walker can jump from
        for sel in sels:
            if isinstance(sel, FragmentSel):
                inner = sel.type_condition or type_name
                if self._stuck(graph, inner, sel.selections):
                    return True
            elif sel.name != "__typename":
                if graph not in self.resolver.field_graphs(type_name, sel.name):
                    return True
                child = info.fields[sel.name].type_name
                if sel.selections and self._stuck(graph, child, sel.selections):
                    return True
        return False

    def _descend_or_split(self, pos: Position, sel: FieldSel, shortcut: FieldNode | None) -> None:
        """Descend with what this graph delivers; send the rest through another fetch."""
        if not sel.selections:
            self._descend(pos, sel, shortcut)
            return
        root = pos.group.parent is None and not pos.path
        reach = self.root_split if root else self.reach
        here, rest = reach.field_split(pos.group.graph, pos.type_name, sel, pos.provided)
        if here is not None:
            self._descend(pos, here, shortcut)
        if rest is not None:
            self._deliver_rest(pos, rest)

    def _deliver_rest(self, pos: Position, rest: FieldSel) -> None:
        """The part of a field the current graph cannot deliver from this position."""
        type_name, graph = pos.type_name, pos.group.graph
        root = pos.group.parent is None and not pos.path and pos.origin is None
        if root and self.operation.kind == "query":
            # A query root field is an entry point of every subgraph that resolves it: ask
            # another one for the rest (Federation: @shareable root fields), merged at the root.
            options = [g for g in self.resolver.field_graphs(type_name, rest.name) if g != graph]
            target = self._most_delivering(options, type_name, rest)
            self._root_field(type_name, rest, self.root_wrappers, target)
            return
        origin = pos.origin
        if origin is not None and pos.path == pos.group.path and origin.type_name == type_name:
            # At the top of an entity fetch: jump from where this fetch was entered, side by
            # side with it, rather than after it (and the origin may hold keys this graph
            # only receives).
            if self._jump_targets_for(origin, rest, exclude=graph):
                pos = origin
        options = self._jump_targets_for(pos, rest, exclude=graph)
        target = self._most_delivering(options, type_name, rest)
        entered = self._jump(pos, type_name, (target,), rest)
        self.plan_children(entered, [rest])

    def _jump_targets_for(self, pos: Position, sel: FieldSel, exclude: str) -> list[str]:
        """Graphs resolving `sel` that an entity fetch from `pos` can reach (not `exclude`)."""
        graph, type_name = pos.group.graph, pos.type_name
        return [
            g
            for g in self.resolver.field_graphs(type_name, sel.name)
            if g not in (graph, exclude)
            and g in self.reach.jump_targets(graph, type_name)
            and self.reach.field_split(g, type_name, sel, None)[0] is not None
        ]

    def _most_delivering(self, graphs: list[str], type_name: str, sel: FieldSel) -> str:
        """The graph that delivers all of `sel` with the fewest further fetches (else the one
        delivering some of it)."""
        delivering = [g for g in graphs if self.reach.delivers(g, type_name, sel)]
        if delivering:
            return min(delivering, key=lambda g: self.reach.fetches(g, type_name, [sel]))
        for graph in graphs:
            if self.reach.field_split(graph, type_name, sel, None)[0] is not None:
                return graph
        raise PlanningError(
            f"no subgraph delivers {type_name}.{sel.name} with its selection from here"
        )

    def _descend(self, pos: Position, sel: FieldSel, shortcut: FieldNode | None) -> None:
        out_field = self._add(pos, sel, composite=bool(sel.selections))
        if not sel.selections:
            return
        spec = self.resolver.type(pos.type_name).fields[sel.name]
        provided = (
            shortcut.selection_set
            if shortcut is not None
            else self.resolver.provides(pos.type_name, sel.name, pos.group.graph)
        )
        path = (*pos.path, sel.response_key, *("@",) * spec.list_depth)
        child = Position(
            pos.group,
            out_field.selection,
            self.resolver.field_type(pos.type_name, sel.name, pos.group.graph),
            path,
            provided,
            reserved_keys([*sel.selections, *self._client_selections(path)]),
        )
        self.plan_children(child, sel.selections)
        if child.type_name != spec.type_name and self.resolver.type(spec.type_name).is_abstract:
            # abstract for the client, an object in this subgraph: the executor still needs
            # the runtime type to apply the client's type conditions (GraphQL spec §6.3.2)
            self._add_typename(child)

    def _client_selections(self, path: tuple[str, ...]) -> list[Sel]:
        """Everything the client selects at a response path: a split hands the walker part of
        a field, but internal aliases must dodge every key the client uses there."""
        if self._by_path is None:
            self._by_path = {}
            self._collect(self.operation.selections, ())
        return self._by_path.get(tuple(p for p in path if p != "@"), [])

    def _collect(self, sels: list[Sel], prefix: tuple[str, ...]) -> None:
        for sel in sels:
            if isinstance(sel, FragmentSel):
                self._collect(sel.selections, prefix)
            elif sel.selections:
                path = (*prefix, sel.response_key)
                self._by_path.setdefault(path, []).extend(sel.selections)  # type: ignore[union-attr]
                self._collect(sel.selections, path)

    def _add(self, pos: Position, sel: FieldSel, composite: bool):
        self._refuse_context_arguments(pos, sel)
        self.touched.add(pos.group.id)
        if pos.origin is not None and pos.path == pos.group.path:
            # key fields for a further hop count with the condition of the field they lead to
            pos.group.conditions.append(field_condition(pos.via or sel, pos.wrappers))
        pos.group.variables |= variables_in((*sel.arguments, *sel.directives))
        return pos.out.add_field(
            sel.name,
            sel.alias,
            print_arguments(sel.arguments),
            print_directives(sel.directives),
            composite,
        )

    def _refuse_context_arguments(self, pos: Position, sel: FieldSel) -> None:
        """`@fromContext` arguments (join v0.5 `contextArguments`) are not planned yet: sending
        the field without them would answer with a value computed from no argument at all."""
        spec = self.resolver.type(pos.type_name).fields.get(sel.name)
        join = spec.join(pos.group.graph) if spec is not None else None
        if join is not None and join.context_arguments:
            raise PlanningError(
                f"{pos.type_name}.{sel.name} takes {', '.join(join.context_arguments)} from a "
                f"@context in {pos.group.graph}, which this gateway does not plan yet"
            )

    def _add_typename(self, pos: Position) -> str:
        """Add `__typename` for the executor (aliased where the graph would answer wrongly)."""
        info = self.resolver.type(pos.type_name)
        alias = None
        if pos.group.graph in info.interface_object_graphs:
            alias = TYPENAME_ALIAS
            if alias in pos.reserved:
                raise PlanningError(
                    f"the response key {alias!r} at {'.'.join(pos.path) or 'the root'} is "
                    "reserved by the gateway for @interfaceObject subgraphs; choose another alias"
                )
        pos.out.add_field("__typename", alias, "", "", False)
        return alias or "__typename"


def _applies(supergraph, condition: str | None, type_name: str) -> bool:
    if condition is None or condition == type_name:
        return True
    return type_name in supergraph.possible_types(condition)
