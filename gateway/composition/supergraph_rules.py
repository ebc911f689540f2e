"""Rules checked on the merged supergraph (Federation v2 composition validation)."""

from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import Diagnostic, error, warning
from .merged_requires import check_merged_requires
from .metadata import Metadata, metadata
from .overrides import check_interface_overrides, check_overrides
from .satisfiability import check_satisfiability
from .sharing import check_sharing
from .supergraph_model import Merged, SField, SType
from .typing_rules import named_type

__all__ = ["check_supergraph", "description_warnings"]


def check_supergraph(merged: Merged) -> list[Diagnostic]:
    """Sharing and external rules first; satisfiability only once those hold."""
    metas = {name: metadata(graph) for name, graph in merged.subgraphs.items()}
    found: list[Diagnostic] = []
    for stype in merged.types.values():
        if stype.kind == "interface":
            found += [d for f in stype.fields.values() for d in check_interface_overrides(stype, f)]
        if stype.kind != "object":
            continue
        for sfield in stype.fields.values():
            if not sfield.from_interface_object:
                found += check_overrides(stype, sfield, merged)
            found += check_sharing(merged, metas, stype, sfield)
            if sfield.from_interface_object:
                continue
            found += _external_on_base(merged, stype, sfield, metas)
            found += _external_arguments(stype, sfield)
    found += check_merged_requires(merged)
    found += _extensions_without_base(merged)
    found += _orphan_interface_objects(merged)
    if not found:  # the API schema's rules, on a merged supergraph
        found += _inaccessible_references(merged)
        found += _only_inaccessible_children(merged)
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


def _only_inaccessible_children(merged: Merged) -> Iterator[Diagnostic]:
    """A visible type needs a visible field, value or member, or the API schema would hold an
    empty type (inaccessible v0.2: ONLY_INACCESSIBLE_CHILDREN)."""
    hidden = {t.name for t in merged.types.values() if _inaccessible(t.by_graph.values())}
    for stype in merged.types.values():
        if stype.name in hidden:
            continue
        children = [_inaccessible(v.values()) for v in stype.values.values()]
        children += [_inaccessible(f.by_graph.values()) for f in stype.fields.values()]
        children += [_inaccessible(a.by_graph.values()) for a in stype.inputs.values()]
        children += [m in hidden for m in stype.members]
        if children and all(children):
            yield error("ONLY_INACCESSIBLE_CHILDREN",
                        "is visible, but every one of its fields, values or members is "
                        "@inaccessible", subgraph=next(iter(stype.by_graph)),
                        coordinate=stype.name,
                        hint="make one of them visible, or mark the type @inaccessible too")


def _external_on_base(merged: Merged, stype: SType, sfield: SField,
                      metas: dict[str, Metadata]) -> Iterator[Diagnostic]:
    """A field external in every subgraph declaring it, itself or through an
    `@interfaceObject`, has no subgraph resolving it (EXTERNAL_MISSING_ON_BASE). Key fields of
    type extensions are the extension's own: they are not external."""
    external = [metas[g].is_external(stype.name, sfield.name) for g in sfield.by_graph]
    for interface in stype.interfaces:
        for graph, typedef in getattr(merged.types.get(interface), "by_graph", {}).items():
            if graph not in stype.by_graph and typedef.has("interfaceObject") \
                    and sfield.name in typedef.fields:
                external.append(metas[graph].is_external(interface, sfield.name))
    if all(external):
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


def description_warnings(merged: Merged) -> Iterator[Diagnostic]:
    """Different descriptions of one element: the most common wins (a hint, not an error)."""
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
                      "the one most subgraphs give is used",
                      subgraph=graphs[0], coordinate=coordinate,
                      hint="use the same description everywhere, or describe it in one subgraph")
