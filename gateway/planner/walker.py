"""Walk a normalised operation and place every field into fetch groups (PLANNER.md steps 2-6).

Stay in the current subgraph while it resolves a field; otherwise jump through an entity key
(possibly several hops), fetching `@requires` inputs first and honouring `@provides`.
"""

from __future__ import annotations

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.plan import KeyField
from gateway.planner.errors import PlanningError
from gateway.planner.groups import Group, Position, RepBuilder
from gateway.planner.operation import FieldSel, FragmentSel, Operation, Sel
from gateway.planner.resolution import Resolver, provided_field
from gateway.planner.selection import (
    OutSelection,
    print_arguments,
    print_directives,
    variables_in,
)
from gateway.supergraph import Key

__all__ = ["Walker"]

INTERNAL = "__internal_"
TYPENAME = FieldSel("__typename")


class Walker:
    """Builds the fetch groups of one operation."""

    def __init__(self, resolver: Resolver, operation: Operation) -> None:
        self.resolver = resolver
        self.supergraph = resolver.supergraph
        self.operation = operation
        self.groups: list[Group] = []
        self.entity_groups: dict[tuple, Group] = {}
        self.touched: set[int] = set()

    # -- root -------------------------------------------------------------------------------

    def walk(self) -> list[Group]:
        """Place every root field, then return the groups in creation order."""
        kind = self.operation.kind
        root = self.supergraph.root_types.get(kind)
        if root is None:
            raise PlanningError(f"the supergraph has no {kind} type")
        for field_sel, wrappers in _root_fields(self.operation.selections, ()):
            if not field_sel.name.startswith("__"):  # __typename, __schema, __type: gateway
                self._root_field(root, field_sel, wrappers)
        return self.groups

    def _root_field(self, root: str, sel: FieldSel, wrappers: tuple) -> None:
        group = self._root_group(root, sel)
        out = group.selection
        for directives, nodes in wrappers:
            out = out.add_fragment(None, directives).selection
            group.variables |= variables_in(nodes)
        group.conditions.append(_condition(sel, wrappers))
        reserved = _reserved(self.operation.selections)
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
        for group in roots:
            if group.graph in graphs:
                return group
        return self._new_group(self._best(graphs, root, sel), (), None)

    def _new_group(self, graph: str, path: tuple[str, ...], parent: Group | None) -> Group:
        kind = self.operation.kind if parent is None else "query"
        group = Group(len(self.groups), graph, path, parent, kind)
        if parent is not None:
            group.deps.add(parent.id)
        self.groups.append(group)
        return group

    def _best(self, graphs: tuple[str, ...], type_name: str, sel: FieldSel) -> str:
        """Prefer the graph that resolves most of the field's sub-selection itself."""
        spec = self.resolver.type(type_name).fields[sel.name]
        return min(
            graphs,
            key=lambda g: (
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
        if pos.origin is not None:
            pos.group.conditions.append(None)  # conditions on fragments: keep them in the document
        return pos.at(pos.out.add_fragment(type_name, directives).selection, type_name)

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
        if sel.name == "__typename" or self._interface_level(pos, sel.name, runtime):
            self.plan_field(pos, sel)
            return
        if self._interface_object_target(pos.type_name, sel.name):
            # Fields an @interfaceObject graph adds: one jump for every implementation.
            self.plan_field(pos, sel)
            return
        for type_name in runtime:
            self.plan_field(pos.at(pos.out.add_fragment(type_name, "").selection, type_name), sel)

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
        if shortcut is not None or (here and requires is None):
            self._descend(pos, sel, shortcut)
        elif here and pos.origin is not None:
            self._with_requirements(pos, sel, requires)  # type: ignore[arg-type]
        else:
            self._jump_for_field(pos, sel)

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
            spec.type_name,
            path,
            provided,
            _reserved(sel.selections),
        )
        self.plan_children(child, sel.selections)

    def _add(self, pos: Position, sel: FieldSel, composite: bool):
        self.touched.add(pos.group.id)
        if pos.origin is not None and pos.path == pos.group.path:
            pos.group.conditions.append(_condition(sel, ()))
        pos.group.variables |= variables_in((*sel.arguments, *sel.directives))
        return pos.out.add_field(
            sel.name,
            sel.alias,
            print_arguments(sel.arguments),
            print_directives(sel.directives),
            composite,
        )

    def _add_typename(self, pos: Position) -> str:
        """Add `__typename` for the executor (aliased where the graph would answer wrongly)."""
        info = self.resolver.type(pos.type_name)
        alias = None
        if pos.group.graph in info.interface_object_graphs:
            alias = f"{INTERNAL}typename"
        pos.out.add_field("__typename", alias, "", "", False)
        return alias or "__typename"

    # -- entity jumps -----------------------------------------------------------------------

    def _jump_for_field(self, pos: Position, sel: FieldSel) -> None:
        type_name, graph = pos.type_name, pos.group.graph
        graphs = self.resolver.field_graphs(type_name, sel.name)
        if not graphs:
            self._jump_through_interface_object(pos, sel)
            return
        if graph in graphs:  # @requires in this very graph: go through _entities to itself
            graphs = (graph,)
        target = self._jump(pos, type_name, graphs, sel)
        self.plan_children(target, [sel])

    def _jump_through_interface_object(self, pos: Position, sel: FieldSel) -> None:
        """Fields an `@interfaceObject` graph adds to every implementation of the interface."""
        for interface in self.resolver.type(pos.type_name).interfaces:
            target_graph = self._interface_object_target(interface, sel.name)
            if target_graph is not None:
                target = self._jump(pos, interface, (target_graph,), sel)
                self.plan_children(target, [sel])
                return
        raise PlanningError(f"no subgraph resolves {pos.type_name}.{sel.name}")

    def _jump(
        self, pos: Position, rep_type: str, graphs: tuple[str, ...], sel: FieldSel | None = None
    ) -> Position:
        """Enter an `_entities` fetch on the cheapest reachable graph among `graphs`."""
        options = []
        for graph in graphs:
            hops = self._hops(pos, rep_type, graph)
            if hops is not None:
                existing = (graph, pos.path, pos.group.id, 0) in self.entity_groups
                reach = self._reach(graph, rep_type, [sel], 3) if sel else 0
                options.append(
                    ((len(hops), not existing, -reach, self.resolver.order.get(graph, 0)), hops)
                )
        if not options:
            raise PlanningError(
                f"no key leads from {pos.group.graph} to {', '.join(graphs)} for {rep_type}"
            )
        target = pos
        for key in min(options, key=lambda option: option[0])[1]:
            target = self._enter(target, rep_type, key)
        return target

    def _hops(self, pos: Position, rep_type: str, graph: str) -> tuple[Key, ...] | None:
        if graph == pos.group.graph:
            keys = self.resolver.type(rep_type).keys_in(graph)
            return (keys[0],) if keys else None
        return self.resolver.route(rep_type, pos.group.graph, graph)

    def _enter(self, pos: Position, rep_type: str, key: Key, bucket: int = 0) -> Position:
        """Add `__typename` and the key to `pos`; return the position inside the entity fetch."""
        self._add_typename(pos)
        key_fields = self._internal(pos, key.selection)
        group = self._entity_group(key.graph, pos, bucket)
        rep = group.reps.setdefault(rep_type, RepBuilder(rep_type))
        rep.widen(self._match_types(rep_type, pos.type_name))
        rep.add(key_fields)
        fragment = group.selection.add_fragment(rep_type, "")
        entry = Position(
            group, fragment.selection, rep_type, pos.path, None, pos.reserved, key, pos
        )
        self._add_typename(entry)
        return entry

    def _match_types(self, rep_type: str, at_type: str) -> tuple[str, ...]:
        """Concrete types sent as the interface `rep_type`: only those the position can hold."""
        if not self.resolver.type(rep_type).is_abstract:
            return ()
        allowed = set(self.supergraph.possible_types(at_type))
        return tuple(t for t in self.supergraph.possible_types(rep_type) if t in allowed)

    def _entity_group(self, graph: str, pos: Position, bucket: int) -> Group:
        index = (graph, pos.path, pos.group.id, bucket)
        group = self.entity_groups.get(index)
        if group is None:
            group = self.entity_groups[index] = self._new_group(graph, pos.path, pos.group)
        return group

    def _internal(self, pos: Position, selection: SelectionSetNode) -> tuple[KeyField, ...]:
        """Plan a key or `@requires` field set at `pos`; return how to read it back."""
        sels = _internal_sels(selection, pos.out, pos.reserved)
        if self.resolver.type(pos.type_name).is_abstract:
            self.plan_children(pos, sels)
        else:
            self._plan_object(pos, sels)
        return _key_fields(sels)

    # -- @requires --------------------------------------------------------------------------

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
        while self._reaches(producers, pos.group.id):
            bucket += 1
            pos = self._enter(origin, pos.type_name, pos.key, bucket)
        pos.group.deps |= producers
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


def _root_fields(sels: list[Sel], wrappers: tuple):
    """Root fields in document order with the directives of the fragments around them."""
    for sel in sels:
        if isinstance(sel, FieldSel):
            yield sel, wrappers
        else:
            directives = print_directives(sel.directives)
            inner = (*wrappers, (directives, sel.directives)) if directives else wrappers
            yield from _root_fields(sel.selections, inner)


def _condition(sel: FieldSel, wrappers: tuple) -> tuple[str, bool] | None:
    """The one variable `@include`/`@skip` a root field depends on (else None)."""
    if wrappers or len(sel.directives) != 1:
        return None
    directive = sel.directives[0]
    if directive.name.value not in ("include", "skip") or not directive.arguments:
        return None
    value = directive.arguments[0].value
    name = getattr(getattr(value, "name", None), "value", None)
    if type(value).__name__ != "VariableNode" or name is None:
        return None
    return name, directive.name.value == "include"


def _reserved(sels: list[Sel]) -> dict[str, set[tuple[str, str]]]:
    """Response keys the client uses at one level (through fragments) and what they mean."""
    found: dict[str, set[tuple[str, str]]] = {}
    for sel in sels:
        if isinstance(sel, FragmentSel):
            for key, meanings in _reserved(sel.selections).items():
                found.setdefault(key, set()).update(meanings)
        else:
            found.setdefault(sel.response_key, set()).add(
                (sel.name, print_arguments(sel.arguments))
            )
    return found


def _internal_sels(
    selection: SelectionSetNode, out: OutSelection | None, reserved: dict
) -> list[Sel]:
    """Turn a field set into selections, aliasing fields whose plain key the client took."""
    sels: list[Sel] = []
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            sels.append(FragmentSel(condition, (), _internal_sels(node.selection_set, None, {})))
            continue
        assert isinstance(node, FieldNode)
        name, arguments = node.name.value, tuple(node.arguments or ())
        meaning = (name, print_arguments(arguments))
        existing = out.response_key_of(*meaning) if out is not None else None
        clash = any(m != meaning for m in reserved.get(name, ()))
        alias = existing if existing and existing != name else None
        if alias is None and clash:
            alias = f"{INTERNAL}{name}"
        sels.append(
            FieldSel(
                name,
                alias,
                arguments,
                (),
                _internal_sels(node.selection_set, None, {}) if node.selection_set else [],
            )
        )
    return sels


def _key_fields(sels: list[Sel]) -> tuple[KeyField, ...]:
    result: list[KeyField] = []
    for sel in sels:
        if isinstance(sel, FragmentSel):
            result.extend(_key_fields(sel.selections))
        else:
            result.append(KeyField(sel.name, sel.response_key, _key_fields(sel.selections)))
    return tuple(result)


def _applies(supergraph, condition: str | None, type_name: str) -> bool:
    if condition is None or condition == type_name:
        return True
    return type_name in supergraph.possible_types(condition)
