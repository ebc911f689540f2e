"""Every field reachable from a root must be resolvable by some subgraph along the path.

A simplified form of the composition satisfiability check (Federation v2 "query graph"):
walk each path from the root fields, keeping every subgraph that could have resolved it so far;
a field is reachable when one of them resolves it, or moves through a resolvable `@key` whose
fields it can send to a subgraph that does, and an `@external` field counts where a `@provides`
on the path supplies it. Like the reference check, each path is judged on its own.

A path this walk cannot complete is then put to the query planner as a query on the composed
supergraph (`planner_check`): the planner and this check share one notion of "reachable", so
composition never refuses a field the gateway can plan (a key whose fields come partly from a
third subgraph, say).
"""

from __future__ import annotations

from collections import deque

from graphql import FieldNode, InlineFragmentNode, print_ast

from .diagnostics import Diagnostic, error
from .fieldsets import parse_field_set
from .joins import context_arguments
from .planner_check import unplannable
from .supergraph_model import Merged, SType
from .typing_rules import named_type

__all__ = ["check_satisfiability"]

# a path may continue in any subgraph that resolved its last field (a planner picks one):
# options are (subgraph, field set the path provides there, "" for none)
Options = frozenset[tuple[str, str]]
# the (concrete type, field) pairs from the root down to a field
Path = tuple[tuple[str, str], ...]
# a type still to walk: its name, options, `@context`s set above it ("graph__name"), path
Step = tuple[str, Options, frozenset[str], Path]


def _contexts(stype: SType) -> frozenset[str]:
    return frozenset(f"{g}__{getattr(a.get('name'), 'value', '')}"
                     for g, t in stype.by_graph.items() for a in t.fed.get("context", []))


def _contexts_available(stype: SType, field: str, graph: str, contexts: frozenset[str]) -> bool:
    """`@fromContext` arguments need their `@context` on a type above on the path (v2.8)."""
    return all(c["context"] in contexts
               for c in context_arguments(graph, stype.fields[field].by_graph[graph]))


def check_satisfiability(merged: Merged) -> list[Diagnostic]:
    """Report, once per field, a path from a root field that no subgraph can complete."""
    found: dict[str, tuple[Diagnostic, Path]] = {}
    queue: deque[Step] = deque()
    seen: set[tuple[str, Options, frozenset[str]]] = set()
    for root in merged.roots.values():
        for name, sfield in merged.types[root].fields.items():
            options = frozenset((g, f.string("provides") or "") for g, f in sfield.by_graph.items())
            queue.append((named_type(sfield.type), options, frozenset(), ((root, name),)))
    while queue:
        type_name, options, contexts, path = queue.popleft()
        if (type_name, options, contexts) in seen or type_name not in merged.types:
            continue
        seen.add((type_name, options, contexts))
        for concrete, narrowed in _concrete_types(merged, merged.types[type_name], options):
            _visit(merged, concrete, (narrowed, contexts | _contexts(concrete), path), queue,
                   found)
    return unplannable(merged, list(found.values())) if found else []


def _concrete_types(merged: Merged, stype: SType, options: Options):
    """Each object type the path may return, with the options that can return it."""
    by_type: dict[str, set[tuple[str, str]]] = {}
    for graph, provided in options:
        for concrete in _possible_types(merged, stype, graph):
            by_type.setdefault(concrete.name, set()).add((graph, provided))
    return [(merged.types[name], frozenset(opts)) for name, opts in by_type.items()]


def _provided(fields: str, type_name: str) -> dict[str, str]:
    """Top-level fields a `@provides` field set supplies for one concrete type, each with
    the field set it provides below it."""
    if not fields:
        return {}
    result: dict[str, str] = {}
    for selection in parse_field_set(fields).selections:
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is None or condition.name.value == type_name:
                result |= _provided(print_ast(selection.selection_set)[1:-1], type_name)
        elif isinstance(selection, FieldNode):
            below = print_ast(selection.selection_set)[1:-1] if selection.selection_set else ""
            result[selection.name.value] = below
    return result


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


def _visit(merged: Merged, stype: SType, where: tuple[Options, frozenset[str], Path],
           queue: deque[Step], found: dict[str, tuple[Diagnostic, Path]]) -> None:
    options, contexts, path = where
    for name, sfield in stype.fields.items():
        if sfield.from_interface_object:
            continue
        nexts: set[tuple[str, str]] = set()
        for graph, provided_fields in sorted(options):
            provided = _provided(provided_fields, stype.name)
            if name in provided and graph in sfield.by_graph:
                nexts.add((graph, provided[name]))
                continue
            nexts |= {(r, sfield.by_graph[r].string("provides") or "")
                      for r in _reachable_graphs(stype, graph, provided)
                      if _resolves(stype, name, r)
                      and _contexts_available(stype, name, r, contexts)}
        if not nexts:
            graph = min(g for g, _ in options)
            found.setdefault(f"{stype.name}.{name}",
                             (_unsatisfiable(stype, name, graph, _text(path)),
                              (*path, (stype.name, name))))
            continue
        queue.append((named_type(sfield.type), frozenset(nexts), contexts,
                      (*path, (stype.name, name))))


def _text(path: Path) -> str:
    (root, first), *rest = path
    return " > ".join([f"{root}.{first}", *(name for _type, name in rest)])


def _resolves(stype: SType, field: str, graph: str) -> bool:
    """The subgraph declares the field without `@external` (except a key field of a type
    extension, which Federation 1 style extensions resolve), and no `@override` took it."""
    definition = stype.fields[field].by_graph.get(graph)
    if definition is None:
        return False
    if definition.has("external") and not _extension_key_field(stype, field, graph):
        return False
    return not any(f.string("override", "from") == graph and not f.string("override", "label")
                   for f in stype.fields[field].by_graph.values())


def _extension_key_field(stype: SType, field: str, graph: str) -> bool:
    typedef = stype.by_graph[graph]
    return typedef.extension and any(field in _top_level(k.fields) for k in typedef.keys)


def _top_level(fields: str) -> set[str]:
    return {s.name.value for s in parse_field_set(fields).selections if isinstance(s, FieldNode)}


def _reachable_graphs(stype: SType, start: str, provided: dict[str, str]) -> list[str]:
    """Subgraphs reachable from `start` by `_entities` calls through resolvable keys."""
    reached = [start]
    for current in reached:
        for graph, typedef in stype.by_graph.items():
            if graph not in reached and any(
                    key.resolvable and _can_send_key(stype, current, key.fields,
                                                     provided if current == start else {})
                    for key in typedef.keys):
                reached.append(graph)
    return reached


def _can_send_key(stype: SType, graph: str, fields: str, provided: dict[str, str]) -> bool:
    """The subgraph resolves (or the path provides) every top-level key field."""
    if graph not in stype.by_graph:
        return False
    return all(name in stype.fields and (name in provided or _resolves(stype, name, graph))
               for name in _top_level(fields))


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
