"""Which subgraphs can resolve a field, provide a key, or be reached by entity jumps.

Join spec semantics (https://specs.apollo.dev/join/v0.5): a field without `@join__field` is
resolved by every graph of its type's `@join__type`; `external` fields are only known; an
`override` moves a field from the named graph, and with `overrideLabel` only while the label is
enabled (progressive override); otherwise the overridden graph keeps it.
"""

from __future__ import annotations

from collections import deque
from functools import cache

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.planner.operation import selections_of
from gateway.supergraph import FieldJoin, Key, Supergraph, TypeInfo

__all__ = ["Resolver"]


class Resolver:
    """Answers resolvability questions for one supergraph under one set of override labels."""

    def __init__(self, supergraph: Supergraph, labels: frozenset[str]) -> None:
        self.supergraph = supergraph
        self.labels = labels
        self.order = {name: i for i, name in enumerate(supergraph.subgraphs)}
        self.field_graphs = cache(self._field_graphs)
        self.route = cache(self._route)
        self._deliverable: dict[tuple, bool] = {}

    def type(self, name: str) -> TypeInfo:
        return self.supergraph.types[name]

    def _field_graphs(self, type_name: str, field_name: str) -> tuple[str, ...]:
        """Graphs that resolve `type_name.field_name` themselves (possibly via `@requires`)."""
        info = self.type(type_name)
        spec = info.fields.get(field_name)
        if spec is None:
            return ()
        joins = [j for j in spec.joins if j.graph is not None]
        if not spec.joins:
            return tuple(info.graphs)
        return tuple(j.graph for j in joins if self._resolves(j, joins))  # type: ignore[misc]

    def _resolves(self, join: FieldJoin, joins: list[FieldJoin]) -> bool:
        if join.external:
            return False
        if join.override_label:
            # Progressive override: both sides carry the label; the overriding side (the one
            # naming `override`) resolves while the label is enabled, the other side otherwise.
            enabled = join.override_label in self.labels
            return enabled if join.override else not enabled
        for other in joins:
            if other is not join and other.override == join.graph:
                return bool(other.override_label) and other.override_label not in self.labels
        return not join.used_overridden

    def requires(self, type_name: str, field_name: str, graph: str) -> SelectionSetNode | None:
        """The `@requires` field set of the field in `graph`, if any."""
        spec = self.type(type_name).fields.get(field_name)
        join = spec.join(graph) if spec else None
        return join.requires if join else None

    def field_type(self, type_name: str, field_name: str, graph: str) -> str:
        """The named type of the field as `graph` declares it: join spec `type:` records a
        subgraph's own type where it differs (an object where the supergraph has a union, say)."""
        spec = self.type(type_name).fields[field_name]
        join = spec.join(graph)
        if join is None or not join.type:
            return spec.type_name
        named = join.type.replace("[", "").replace("]", "").replace("!", "").strip()
        return named if named in self.supergraph.types else spec.type_name

    def provides(self, type_name: str, field_name: str, graph: str) -> SelectionSetNode | None:
        """The `@provides` field set of the field in `graph`, if any."""
        spec = self.type(type_name).fields.get(field_name)
        join = spec.join(graph) if spec else None
        return join.provides if join else None

    def can_select(
        self, graph: str, type_name: str, selection: SelectionSetNode, provided=None
    ) -> bool:
        """True when `graph` can return all of `selection` on `type_name` in one fetch."""
        info = self.type(type_name)
        for node in selection.selections:
            if isinstance(node, InlineFragmentNode):
                inner = node.type_condition.name.value if node.type_condition else type_name
                if not self.can_select(graph, inner, node.selection_set, provided):
                    return False
                continue
            assert isinstance(node, FieldNode)
            name = node.name.value
            if name == "__typename":
                continue
            spec = info.fields.get(name)
            if spec is None:
                return False
            shortcut = provided_field(provided, type_name, name, self.supergraph)
            if graph not in self.field_graphs(type_name, name) and shortcut is None:
                if not self.key_field(graph, type_name, name):
                    return False
            if node.selection_set is not None and not self.can_select(
                graph, spec.type_name, node.selection_set, shortcut
            ):
                return False
        return True

    def key_field(self, graph: str, type_name: str, name: str) -> bool:
        """Fields of a graph's own `@key` are selectable there, unless `@external` in a type
        that is not an extension: Federation 2 then says the graph only receives them."""
        info = self.type(type_name)
        keys = info.keys_in(graph, resolvable_only=False)
        if not any(
            isinstance(n, FieldNode) and n.name.value == name
            for key in keys
            for n in key.selection.selections
        ):
            return False
        join = info.fields[name].join(graph) if name in info.fields else None
        return join is None or not join.external or graph in info.extension_graphs

    def _route(
        self, type_name: str, source: str, target: str, at_type: str | None = None,
        deep: bool = True,
    ) -> tuple[Key, ...] | None:
        """Shortest chain of keys leading from `source` to `target` for entities of this type.

        A hop to graph B uses a key B can resolve whose fields the previous graph can select
        (PLANNER.md: a chain A->B by key 1, B->C by key 2). `at_type` is the concrete type the
        source holds when it differs from `type_name` (an interface's key read on an
        implementation the source may know without knowing the interface). With `deep`, a key
        whose fields need another fetch first may be used; it costs one hop more, and a chain of
        keys selectable as they are wins a tie.
        """
        plain = self.route(type_name, source, target, at_type, False) if deep else None
        found = self._shortest(type_name, source, target, at_type, deep)
        if plain is None or found is None:
            return plain or found
        return found if len(found) + 1 < len(plain) else plain

    def _shortest(
        self, type_name: str, source: str, target: str, at_type: str | None, deep: bool
    ) -> tuple[Key, ...] | None:
        info = self.type(type_name)
        queue: deque[tuple[str, tuple[Key, ...]]] = deque([(source, ())])
        seen = {source}
        while queue:
            graph, hops = queue.popleft()
            for key in self.entry_keys(info, graph, None if hops else at_type, deep):
                if key.graph == target:
                    return (*hops, key)
                if key.graph not in seen and len(hops) < 3:
                    seen.add(key.graph)
                    queue.append((key.graph, (*hops, key)))
        return None

    def entry_keys(
        self, info: TypeInfo, source: str, at_type: str | None = None, deep: bool = True
    ) -> list[Key]:
        """Resolvable keys of other graphs whose fields `source` can select (on `at_type`);
        `deep`: also those it delivers with other jumps (a key whose fields live elsewhere)."""
        selectable, deliverable = [], []
        for key in info.keys:
            if not key.resolvable or key.graph == source:
                continue
            if self.can_select(source, at_type or info.name, key.selection):
                selectable.append(key)
            elif deep and self.key_deliverable(source, at_type or info.name, key):
                deliverable.append(key)
        return selectable + deliverable  # a route prefers keys that need no extra fetch

    def key_deliverable(self, source: str, type_name: str, key: Key) -> bool:
        """True when a fetch in `source` at `type_name` delivers `key`'s fields, jumping to other
        graphs below the entity where needed (PLANNER.md: a condition is a planning problem)."""
        memo = (source, type_name, key.graph, key.fields)
        known = self._deliverable.get(memo)
        if known is not None:
            return known
        self._deliverable[memo] = False  # a key that needs itself is not deliverable
        from gateway.planner.reach import Reach  # reach builds on this module

        reach = Reach(self, deep=False)  # its jumps use only keys selectable as they are
        _here, rest = reach.split(source, type_name, selections_of(key.selection))
        rest = reach.left_after_jumps(source, type_name, rest)  # key fields by another key
        self._deliverable[memo] = not rest
        return not rest


def provided_field(
    provided: SelectionSetNode | None, type_name: str, name: str, supergraph: Supergraph
) -> FieldNode | None:
    """The field `name` of a `@provides` set as it applies to objects of `type_name`.

    Provides may use inline fragments under interfaces and unions (Federation spec, @provides).
    """
    if provided is None:
        return None
    for node in provided.selections:
        if isinstance(node, FieldNode) and node.name.value == name:
            return node
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else type_name
            if _applies(condition, type_name, supergraph):
                found = provided_field(node.selection_set, type_name, name, supergraph)
                if found is not None:
                    return found
    return None


def _applies(condition: str, type_name: str, supergraph: Supergraph) -> bool:
    if condition == type_name:
        return True
    if condition not in supergraph.types or type_name not in supergraph.types:
        return False
    return type_name in supergraph.possible_types(condition)
