"""Every field reachable from a root must be resolvable by some subgraph along the path.

A simplified form of the composition satisfiability check (Federation v2 "query graph"):
walk (type, subgraph) states from the root fields; a field a subgraph lacks is reached
by moving to another subgraph through a resolvable `@key` whose fields the current one has.
"""

from __future__ import annotations

from collections import deque

from .diagnostics import Diagnostic, error
from .fieldsets import parse_field_set
from .supergraph_model import Merged, SType
from .typing_rules import named_type

__all__ = ["check_satisfiability"]

State = tuple[str, str, str]  # type name, subgraph, path from the root


def check_satisfiability(merged: Merged) -> list[Diagnostic]:
    """Report, once per field, a path from a root field that no subgraph can complete."""
    found: dict[str, Diagnostic] = {}
    queue: deque[State] = deque()
    seen: set[tuple[str, str]] = set()
    for root in merged.roots.values():
        for graph, typedef in merged.types[root].by_graph.items():
            for name, field in typedef.fields.items():
                queue.append((named_type(field.type), graph, f"{root}.{name}"))
    while queue:
        type_name, graph, path = queue.popleft()
        if (type_name, graph) in seen or type_name not in merged.types:
            continue
        seen.add((type_name, graph))
        for concrete in _possible_types(merged, merged.types[type_name], graph):
            _visit(merged, concrete, graph, path, queue, found)
    return list(found.values())


def _possible_types(merged: Merged, stype: SType, graph: str) -> list[SType]:
    """Object types the subgraph may return for this type (abstract types expand)."""
    if stype.kind == "object":
        return [stype]
    if stype.kind == "union":
        members = getattr(stype.by_graph.get(graph), "members", [])
        return [merged.types[m] for m in members if m in merged.types]
    if stype.kind == "interface" and graph not in stype.interface_object_graphs():
        return [t for t in merged.types.values() if t.kind == "object" and graph in t.by_graph
                and stype.name in t.by_graph[graph].interfaces]
    return []


def _visit(merged: Merged, stype: SType, graph: str, path: str, queue: deque[State],
           found: dict[str, Diagnostic]) -> None:
    reachable = _reachable_graphs(stype, graph)
    for name, sfield in stype.fields.items():
        coordinate = f"{stype.name}.{name}"
        if sfield.from_interface_object:
            continue
        resolvers = [g for g in reachable if _resolves(stype, name, g)]
        if not resolvers:
            found.setdefault(coordinate, _unsatisfiable(stype, name, graph, path))
            continue
        for resolver in resolvers[:1] if graph in resolvers else resolvers:
            queue.append((named_type(sfield.type), resolver, f"{path} > {name}"))


def _resolves(stype: SType, field: str, graph: str) -> bool:
    """The subgraph declares the field without `@external`, and no `@override` took it."""
    definition = stype.fields[field].by_graph.get(graph)
    if definition is None or definition.has("external"):
        return False
    return not any(f.string("override", "from") == graph and not f.string("override", "label")
                   for f in stype.fields[field].by_graph.values())


def _reachable_graphs(stype: SType, start: str) -> list[str]:
    """Subgraphs reachable from `start` by `_entities` calls through resolvable keys."""
    reached = [start]
    for current in reached:
        for graph, typedef in stype.by_graph.items():
            if graph not in reached and any(
                    key.resolvable and _has_key_fields(stype, current, key.fields)
                    for key in typedef.keys):
                reached.append(graph)
    return reached


def _has_key_fields(stype: SType, graph: str, fields: str) -> bool:
    typedef = stype.by_graph.get(graph)
    if typedef is None:
        return False
    names = [getattr(s, "name", None) for s in parse_field_set(fields).selections]
    return all(n is not None and n.value in typedef.fields for n in names)


def _unsatisfiable(stype: SType, field: str, graph: str, path: str) -> Diagnostic:
    owners = ", ".join(g for g in stype.fields[field].by_graph
                       if _resolves(stype, field, g)) or "none"
    return error(
        "SATISFIABILITY_ERROR",
        f"cannot be reached from root field path {path}: subgraph {graph!r} lacks it and "
        f"cannot jump to a subgraph resolving it ({owners}) through a resolvable @key",
        subgraph=graph, coordinate=f"{stype.name}.{field}",
        hint=f"add @key to {stype.name} in the subgraph resolving the field, or resolve "
             f"{field} in {graph!r} too (@shareable)")
