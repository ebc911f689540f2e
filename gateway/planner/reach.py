"""Which part of a selection one subgraph fetch can deliver, and which part must come from
elsewhere (PLANNER.md, "Planning as a search": every leaf needs a path through the query graph).

A fetch positioned in graph G at type T delivers a field when G resolves it (or a `@provides`
on the path, or G's own key, makes it available), and recursively its sub-selection; below an
entity it may still jump to other graphs through a key. What it cannot deliver is the *rest*:
the walker sends the rest through a jump at the nearest entity above (re-entering the entity
in another graph by its key, PLANNER.md "re-entering an entity through its parent") or, at the
root of a query, through another subgraph's root field (a `@shareable` root split across
subgraphs). When nothing is left over, the selection is returned as the same objects, so plans
that need no split are unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from graphql import SelectionSetNode

from gateway.planner.operation import FieldSel, FragmentSel, Sel, level_fields
from gateway.planner.resolution import Resolver, provided_field

__all__ = ["Reach", "Split"]

Split = tuple[list[Sel], list[Sel]]
_FAR = 1_000  # no route: costlier than any real plan


class Reach:
    """Splits selections into what a graph delivers from a position and what it cannot."""

    def __init__(self, resolver: Resolver, deep: bool = True, jumps: bool = True) -> None:
        self.resolver = resolver
        self.deep = deep
        self.jumps = jumps  # False: only what the graph delivers without any entity jump
        self.supergraph = resolver.supergraph
        self._memo: dict[tuple, tuple[object, Split]] = {}

    # -- a whole selection set ------------------------------------------------------------

    def split(
        self, graph: str, type_name: str, sels: list[Sel], provided: SelectionSetNode | None = None
    ) -> Split:
        """(deliverable here, rest) for `sels` at `type_name` in `graph`; jumps below count."""
        key = (graph, type_name, id(sels), id(provided))
        hit = self._memo.get(key)
        if hit is not None and hit[0] is sels:
            return hit[1]
        result = self._split(graph, type_name, sels, provided)
        self._memo[key] = (sels, result)
        return result

    def _split(
        self, graph: str, type_name: str, sels: list[Sel], provided: SelectionSetNode | None
    ) -> Split:
        info = self.resolver.type(type_name)
        if info.is_abstract:
            return self._split_abstract(graph, type_name, sels, provided)
        here: list[Sel] = []
        rest: list[Sel] = []
        for sel in sels:
            if isinstance(sel, FieldSel):
                h, r = self.field_split(graph, type_name, sel, provided)
            elif not self._applies(sel.type_condition, type_name):
                h, r = sel, None  # never matches here: the walker drops it
            else:
                inner_here, inner_rest = self.split(graph, type_name, sel.selections, provided)
                h = _with(sel, inner_here, sel.selections)
                r = replace(sel, selections=inner_rest) if inner_rest else None
            if h is not None:
                here.append(h)
            if r is not None:
                rest.append(r)
        return (sels, []) if not rest else (here, rest)

    def _split_abstract(
        self, graph: str, type_name: str, sels: list[Sel], provided: SelectionSetNode | None
    ) -> Split:
        """Interfaces and unions. A field selected on the interface itself must be delivered for
        every runtime type the graph may return, or it is rest as a whole (GraphQL spec §6.3.2:
        one selection, whatever the runtime type); what a type condition selects is split type
        by type, its rest kept under that condition."""
        info = self.resolver.type(type_name)
        if graph in info.interface_object_graphs:
            return sels, []  # the walker hands type conditions to a graph that knows the types
        runtimes = self.supergraph.possible_types_in(type_name, graph)
        rest: list[Sel] = [
            sel for sel in sels
            if isinstance(sel, FieldSel) and sel.name != "__typename"
            and not all(self._delivered(graph, t, [sel], provided) for t in runtimes)
        ]
        conditioned = [sel for sel in sels if isinstance(sel, FragmentSel)]
        per_type: list[tuple[str, list[Sel], list[Sel]]] = []
        for runtime in runtimes:
            narrowed = self._narrow(conditioned, type_name, runtime)
            if not narrowed:
                continue
            part, left = self.split(graph, runtime, narrowed, provided)
            absorbed, remainder = self.absorb(graph, runtime, left)
            if remainder:
                rest.append(FragmentSel(runtime, (), remainder))
                per_type.append((runtime, [*part, *absorbed], remainder))
            else:
                per_type.append((runtime, narrowed, []))
        if not rest:
            return sels, []
        here: list[Sel] = [s for s in sels if isinstance(s, FieldSel) and s not in rest]
        here += [FragmentSel(runtime, (), chosen) for runtime, chosen, _ in per_type if chosen]
        return here, rest

    def _delivered(
        self, graph: str, type_name: str, sels: list[Sel], provided: SelectionSetNode | None
    ) -> bool:
        _here, left = self.split(graph, type_name, sels, provided)
        return not self.left_after_jumps(graph, type_name, left)

    def _narrow(self, sels: list[Sel], type_name: str, runtime: str) -> list[Sel]:
        """The selections that apply to objects of `runtime`, fragments flattened one level."""
        out: list[Sel] = []
        for sel in sels:
            if isinstance(sel, FieldSel):
                out.append(sel)
            elif self._applies(sel.type_condition, runtime):
                inner = self._narrow(sel.selections, type_name, runtime)
                if sel.directives:
                    out.append(FragmentSel(None, sel.directives, inner))
                else:
                    out.extend(inner)
        return out

    # -- one field ----------------------------------------------------------------------

    def field_split(
        self, graph: str, type_name: str, sel: FieldSel, provided: SelectionSetNode | None
    ) -> tuple[FieldSel | None, FieldSel | None]:
        """(the field as delivered here, the field as it must come from elsewhere)."""
        if sel.name == "__typename":
            return sel, None
        resolver = self.resolver
        spec = resolver.type(type_name).fields.get(sel.name)
        if spec is None:
            return None, sel
        shortcut = provided_field(provided, type_name, sel.name, self.supergraph)
        here = (
            shortcut is not None
            or graph in resolver.field_graphs(type_name, sel.name)
            or resolver.key_field(graph, type_name, sel.name)
        )
        if not here:
            return None, sel
        if not sel.selections:
            return sel, None
        inner_provided = (
            shortcut.selection_set
            if shortcut is not None
            else resolver.provides(type_name, sel.name, graph)
        )
        inner_type = resolver.field_type(type_name, sel.name, graph)
        inner_here, inner_rest = self.split(graph, inner_type, sel.selections, inner_provided)
        if inner_rest:
            absorbed, inner_rest = self.absorb(graph, inner_type, inner_rest)
            inner_here = [*inner_here, *absorbed]  # reached by a jump from here: delivered
        if not inner_rest:
            return sel, None
        here_sel = replace(sel, selections=inner_here) if _has_fields(inner_here) else None
        return here_sel, replace(sel, selections=inner_rest)

    # -- jumps from an entity -----------------------------------------------------------

    def left_after_jumps(self, graph: str, type_name: str, rest: list[Sel]) -> list[Sel]:
        """What of `rest` no graph reachable by a key jump from (graph, type) delivers."""
        return self.absorb(graph, type_name, rest)[1]

    def absorb(self, graph: str, type_name: str, rest: list[Sel]) -> Split:
        """(the part of `rest` entity jumps from (graph, type) deliver, what is left over)."""
        if not rest or not self.jumps:
            return [], rest
        absorbed: list[Sel] = []
        for target in self.jump_targets(graph, type_name):
            delivered, rest = self.split(target, type_name, rest)
            if delivered is not rest:
                absorbed += delivered
            if not rest:
                break
        through = [s for s in rest if self._interface_object_field(type_name, s)]
        return [*absorbed, *through], [s for s in rest if s not in through]

    def _interface_object_field(self, type_name: str, sel: Sel) -> bool:
        """Fields an `@interfaceObject` graph adds to an interface `type_name` implements: the
        walker reaches them through that graph (Federation docs, entity interfaces)."""
        if not isinstance(sel, FieldSel):
            return False
        for interface in self.resolver.type(type_name).interfaces:
            info = self.resolver.type(interface)
            graphs = self.resolver.field_graphs(interface, sel.name)
            if any(g in info.interface_object_graphs for g in graphs):
                return True
        return False

    def jump_targets(self, graph: str, type_name: str) -> list[str]:
        """Graphs an `_entities` fetch for `type_name` can reach from `graph`, nearest first."""
        info = self.resolver.type(type_name)
        if not info.keys:
            return []
        targets = []
        for key in info.keys:
            if key.resolvable and key.graph != graph and key.graph not in targets:
                if self.resolver.route(type_name, graph, key.graph, None, self.deep) is not None:
                    targets.append(key.graph)
        return targets

    def fetches(
        self, graph: str, type_name: str, sels: list[Sel], provided=None, depth: int = 0
    ) -> int:
        """About how many more fetches a fetch in `graph` at `type_name` needs to deliver
        `sels` (entity jumps below it, each target counted once per entity position)."""
        key = ("fetches", graph, type_name, id(sels), id(provided))
        hit = self._memo.get(key)
        if hit is not None and hit[0] is sels:
            return hit[1]  # type: ignore[return-value]
        count = self._fetches(graph, type_name, sels, provided, depth)
        self._memo[key] = (sels, count)  # type: ignore[assignment]
        return count

    def _fetches(self, graph: str, type_name: str, sels: list[Sel], provided, depth: int) -> int:
        if depth > 8:
            return _FAR
        info = self.resolver.type(type_name)
        if info.is_abstract and graph not in info.interface_object_graphs:
            return sum(
                self.fetches(graph, runtime, self._narrow(sels, type_name, runtime), provided,
                             depth)
                for runtime in self.supergraph.possible_types_in(type_name, graph)
            )
        here, rest = self.split(graph, type_name, sels, provided)
        total = 0
        for sel in level_fields(here):
            if sel.selections and sel.name in info.fields:
                inner = self.resolver.field_type(type_name, sel.name, graph)
                below = provided_field(provided, type_name, sel.name, self.supergraph)
                inner_provided = (
                    below.selection_set if below is not None
                    else self.resolver.provides(type_name, sel.name, graph)
                )
                total += self.fetches(graph, inner, sel.selections, inner_provided, depth + 1)
        through_interface_object = [s for s in rest if self._interface_object_field(type_name, s)]
        if through_interface_object:
            total += 1  # one jump to the @interfaceObject graph (see left_after_jumps)
            rest = [s for s in rest if s not in through_interface_object]
        if rest:
            costs = [
                1 + self.fetches(target, type_name, rest, None, depth + 1)
                for target in self.jump_targets(graph, type_name)
                if self.split(target, type_name, rest)[0]
            ]
            total += min(costs, default=_FAR)
        return total

    def delivers(self, graph: str, type_name: str, sel: FieldSel) -> bool:
        """True when a fetch in `graph` at `type_name` delivers all of `sel` (jumps below)."""
        _here, rest = self.field_split(graph, type_name, sel, None)
        return rest is None

    def _applies(self, condition: str | None, type_name: str) -> bool:
        if condition is None or condition == type_name:
            return True
        return type_name in self.supergraph.possible_types(condition)



def _with(sel: FragmentSel, inner: list[Sel], original: list[Sel]) -> FragmentSel | None:
    if inner is original:
        return sel
    return replace(sel, selections=inner) if inner else None


def _has_fields(sels: list[Sel]) -> bool:
    return any(
        isinstance(s, FieldSel) or _has_fields(s.selections)  # type: ignore[union-attr]
        for s in sels
    )
