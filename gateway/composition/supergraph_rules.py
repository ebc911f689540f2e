"""Rules checked on the merged supergraph (Federation v2 composition validation)."""

from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import Diagnostic, error, warning
from .satisfiability import check_satisfiability
from .supergraph_model import Merged, SField, SType
from .typing_rules import named_type
from .usage import Usage, field_usage

__all__ = ["check_supergraph", "description_warnings"]


def check_supergraph(merged: Merged) -> list[Diagnostic]:
    """Sharing and external rules first; satisfiability only once those hold."""
    usage = field_usage(merged.subgraphs)
    found: list[Diagnostic] = []
    for stype in merged.types.values():
        if stype.kind != "object":
            continue
        for sfield in stype.fields.values():
            if sfield.from_interface_object:
                continue
            found += _external_on_base(stype, sfield)
            found += _sharing(merged, stype, sfield, usage)
    found += _inaccessible_references(merged)
    found += _orphan_interface_objects(merged)
    if not found:
        found += check_satisfiability(merged)
    return found + list(description_warnings(merged))


def _orphan_interface_objects(merged: Merged) -> Iterator[Diagnostic]:
    """`@interfaceObject` stands for an interface some other subgraph must define."""
    for stype in merged.types.values():
        graphs = stype.interface_object_graphs()
        if graphs and len(graphs) == len(stype.by_graph):
            yield error("INTERFACE_OBJECT_USAGE_ERROR",
                        f"is an @interfaceObject in every subgraph defining it "
                        f"({', '.join(graphs)}), but no subgraph defines the interface",
                        subgraph=graphs[0], coordinate=stype.name,
                        hint="define the interface with its @key and implementations in "
                             "the subgraph that owns them")


def _inaccessible(elements) -> bool:
    return any(e.has("inaccessible") for e in elements)


def _inaccessible_references(merged: Merged) -> Iterator[Diagnostic]:
    """A visible field or argument cannot use an `@inaccessible` type (inaccessible v0.2)."""
    hidden = {t.name for t in merged.types.values() if _inaccessible(t.by_graph.values())}
    for stype in merged.types.values():
        if stype.name in hidden:
            continue
        for sfield in stype.fields.values():
            if _inaccessible(sfield.by_graph.values()):
                continue
            uses = [(f"{stype.name}.{sfield.name}", sfield.type, sfield.by_graph)]
            uses += [(f"{stype.name}.{sfield.name}({a.name}:)", a.type, a.by_graph)
                     for a in sfield.args.values() if not _inaccessible(a.by_graph.values())]
            for coordinate, type_ref, by_graph in uses:
                if named_type(type_ref) in hidden:
                    yield error("REFERENCED_INACCESSIBLE",
                                f"is visible but its type {named_type(type_ref)} is @inaccessible",
                                subgraph=next(iter(by_graph)), coordinate=coordinate,
                                hint="mark this element @inaccessible too, or make the type "
                                     "visible")


def _external_on_base(stype: SType, sfield: SField) -> Iterator[Diagnostic]:
    """A field `@external` everywhere has no subgraph resolving it (EXTERNAL_MISSING_ON_BASE)."""
    if all(f.has("external") for f in sfield.by_graph.values()):
        graphs = ", ".join(sfield.by_graph)
        yield error("EXTERNAL_MISSING_ON_BASE",
                    f"is @external in every subgraph that declares it ({graphs}), "
                    "so no subgraph can resolve it",
                    subgraph=next(iter(sfield.by_graph)), coordinate=f"{stype.name}.{sfield.name}",
                    hint="resolve the field (without @external) in the subgraph that owns it")


def _sharing(merged: Merged, stype: SType, sfield: SField, usage: Usage) -> Iterator[Diagnostic]:
    """Two subgraphs may resolve a field only if it is `@shareable` in each (Federation v2)."""
    if all("key" in usage.get((g, stype.name, sfield.name), set()) for g in sfield.by_graph):
        return
    resolving = _resolving_graphs(stype, sfield)
    if stype.name == merged.roots.get("subscription") and len(sfield.by_graph) > 1:
        yield error("INVALID_FIELD_SHARING", "subscription root fields cannot be shared",
                    subgraph=resolving[0], coordinate=f"{stype.name}.{sfield.name}",
                    hint="resolve each subscription field in exactly one subgraph")
        return
    if len(resolving) < 2:
        return
    unshared = [g for g in resolving if not _shareable(merged, stype, sfield, g, usage)]
    if unshared:
        coordinate = f"{stype.name}.{sfield.name}"
        yield error("INVALID_FIELD_SHARING",
                    f"is resolved by subgraphs {', '.join(resolving)} but is not @shareable "
                    f"in {', '.join(unshared)}",
                    subgraph=unshared[0], coordinate=coordinate,
                    hint="mark the field (or its type) @shareable in every subgraph that "
                         "resolves it, or move it with @override(from:)")


def _resolving_graphs(stype: SType, sfield: SField) -> list[str]:
    """Subgraphs resolving the field, not counting `@external` declarations nor a subgraph
    whose `@override(from:)` source still declares the field (the move is in progress)."""
    return [g for g, f in sfield.by_graph.items()
            if not f.has("external") and f.string("override", "from") not in sfield.by_graph]


def _shareable(merged: Merged, stype: SType, sfield: SField, graph: str, usage: Usage) -> bool:
    typedef = stype.by_graph[graph]
    if merged.subgraphs[graph].version == "v1.0":
        return True  # Federation 1 subgraphs share every field (composition v2 rule)
    if sfield.by_graph[graph].has("shareable") or typedef.has("shareable"):
        return True
    return "key" in usage.get((graph, stype.name, sfield.name), set())


def description_warnings(merged: Merged) -> Iterator[Diagnostic]:
    """Different descriptions of one element: the first subgraph's wins (a hint, not an error)."""
    for stype in merged.types.values():
        yield from _descriptions(stype.name, stype.by_graph)
        for sfield in stype.fields.values():
            yield from _descriptions(f"{stype.name}.{sfield.name}", sfield.by_graph)


def _descriptions(coordinate: str, by_graph: dict) -> Iterator[Diagnostic]:
    described = {g: e.description for g, e in by_graph.items() if e.description}
    if len(set(described.values())) > 1:
        graphs = list(described)
        yield warning("INCONSISTENT_DESCRIPTION",
                      f"has different descriptions in {', '.join(graphs)}; "
                      f"the one from {graphs[0]!r} is used",
                      subgraph=graphs[0], coordinate=coordinate,
                      hint="use the same description everywhere, or describe it in one subgraph")
