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
            found += _external_on_base(merged, stype, sfield, usage)
            found += _sharing(merged, stype, sfield, usage)
            found += _external_arguments(stype, sfield)
            found += _progressive_sources(merged, stype, sfield)
    found += _extensions_without_base(merged)
    found += _inaccessible_references(merged)
    found += _orphan_interface_objects(merged)
    if not found:
        found += check_satisfiability(merged)
    return found + list(description_warnings(merged))


def _extensions_without_base(merged: Merged) -> Iterator[Diagnostic]:
    """`extend type X` needs a `type X` in some subgraph (EXTENSION_WITH_NO_BASE); root
    types excepted."""
    for stype in merged.types.values():
        if stype.kind != "object" or stype.name in merged.roots.values() or stype.name in (
                "Query", "Mutation", "Subscription"):
            continue
        if not any(t.defined for t in stype.by_graph.values()):
            yield error("EXTENSION_WITH_NO_BASE",
                        f"is only extended (`extend type`) in {', '.join(stype.by_graph)}; "
                        "no subgraph defines it", subgraph=next(iter(stype.by_graph)),
                        coordinate=stype.name,
                        hint=f"define `type {stype.name}` in the subgraph that owns it, or "
                             "use `type ... @key` instead of `extend type`")


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


def _external_on_base(merged: Merged, stype: SType, sfield: SField,
                      usage: Usage) -> Iterator[Diagnostic]:
    """A field `@external` everywhere has no subgraph resolving it (EXTERNAL_MISSING_ON_BASE).
    Key fields of type extensions are the extension's own: they do not count as external."""
    def external(graph: str) -> bool:
        used = usage.get((graph, stype.name, sfield.name), set())
        if "key" in used:
            return sfield.by_graph[graph].has("external") and not stype.by_graph[graph].extension
        if merged.subgraphs[graph].version == "v1.0":
            return sfield.by_graph[graph].has("external") and bool(used)
        return sfield.by_graph[graph].has("external")

    if all(external(g) for g in sfield.by_graph):
        graphs = ", ".join(sfield.by_graph)
        yield error("EXTERNAL_MISSING_ON_BASE",
                    f"is @external in every subgraph that declares it ({graphs}), "
                    "so no subgraph can resolve it",
                    subgraph=next(iter(sfield.by_graph)), coordinate=f"{stype.name}.{sfield.name}",
                    hint="resolve the field (without @external) in the subgraph that owns it")


def _external_arguments(stype: SType, sfield: SField) -> Iterator[Diagnostic]:
    """An `@external` declaration repeats the arguments of the field it stands for
    (EXTERNAL_ARGUMENT_MISSING)."""
    resolved = {n for f in sfield.by_graph.values() if not f.has("external") for n in f.args}
    for graph, f in sfield.by_graph.items():
        missing = sorted(resolved - f.args.keys()) if f.has("external") else []
        if missing:
            yield error("EXTERNAL_ARGUMENT_MISSING",
                        f"is @external here without argument(s) {', '.join(missing)} that "
                        "the resolving subgraphs define", subgraph=graph,
                        coordinate=f"{stype.name}.{sfield.name}",
                        hint="declare the same arguments on the @external field")


def _progressive_sources(merged: Merged, stype: SType, sfield: SField) -> Iterator[Diagnostic]:
    """While a progressive `@override(label:)` is off, its source resolves the field, so the
    source must define it."""
    for graph, f in sfield.by_graph.items():
        source = f.string("override", "from")
        knows_type = source in stype.by_graph or stype.name == "Query"
        if f.string("override", "label") and source in merged.subgraphs and knows_type \
                and source not in sfield.by_graph:
            yield error("OVERRIDE_LABEL_SOURCE_MISSING_FIELD",
                        f'@override(from: "{source}", label:) names a subgraph that does not '
                        "define the field, yet it answers whenever the label is off",
                        subgraph=graph, coordinate=f"{stype.name}.{sfield.name}",
                        hint=f"define the field in {source!r} or drop the label")


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
