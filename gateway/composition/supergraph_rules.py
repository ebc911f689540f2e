"""Rules checked on the merged supergraph (Federation v2 composition validation)."""

from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import Diagnostic, error
from .satisfiability import check_satisfiability
from .supergraph_model import Merged, SField, SType
from .usage import Usage, field_usage

__all__ = ["check_supergraph"]


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
    if not found:
        found += check_satisfiability(merged)
    return found


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
    resolving = _resolving_graphs(stype, sfield)
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
    """Subgraphs resolving the field: not @external and not taken over by an @override."""
    overridden = {f.string("override", "from") for f in sfield.by_graph.values()
                  if f.has("override")}
    return [g for g, f in sfield.by_graph.items()
            if not f.has("external") and g not in overridden]


def _shareable(merged: Merged, stype: SType, sfield: SField, graph: str, usage: Usage) -> bool:
    typedef = stype.by_graph[graph]
    if merged.subgraphs[graph].version == "v1.0":
        return True  # Federation 1 subgraphs share every field (composition v2 rule)
    if sfield.by_graph[graph].has("shareable") or typedef.has("shareable"):
        return True
    return "key" in usage.get((graph, stype.name, sfield.name), set())
