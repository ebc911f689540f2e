"""Field sharing: a field several subgraphs resolve must be `@shareable` in each of them.

Federation v2 rule (INVALID_FIELD_SHARING), field by field of every object type:
- a subgraph resolves the field unless it is fully external there (`@external` and provided
  by no `@provides` of that subgraph); one whose copy an `@override(from:)` takes over (with or
  without a label) does not count;
- an `@interfaceObject` standing for an interface of the type resolves the interface's fields
  for every implementation, in the subgraph that declares it;
- shareable means `@shareable` on the field or its type, a key field, or a provided external;
- subscription root fields are never shared (no `@shareable` on them).
"""

from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import Diagnostic, error
from .metadata import Metadata
from .overrides import overridden
from .supergraph_model import Merged, SField, SType

__all__ = ["check_sharing"]


def check_sharing(merged: Merged, metas: dict[str, Metadata], stype: SType,
                  sfield: SField) -> Iterator[Diagnostic]:
    """INVALID_FIELD_SHARING for one field of an object type, if it applies."""
    coordinate = f"{stype.name}.{sfield.name}"
    if stype.name == merged.roots.get("subscription") and any(
            f.has("shareable") for f in sfield.by_graph.values()):
        yield error("INVALID_FIELD_SHARING", "subscription root fields cannot be @shareable",
                    subgraph=next(iter(sfield.by_graph)), coordinate=coordinate,
                    hint="resolve each subscription field in exactly one subgraph")
        return
    skipped = overridden(merged, metas, stype, sfield)
    resolving = {g: shared for g, (_owner, shared, fully_external)
                 in _declarations(merged, metas, stype, sfield).items()
                 if g not in skipped and not fully_external}
    unshared = [g for g, shared in resolving.items() if not shared]
    if unshared and len(resolving) > 1:
        yield error("INVALID_FIELD_SHARING",
                    f"is resolved by subgraphs {', '.join(resolving)} but is not @shareable "
                    f"in {', '.join(unshared)}", subgraph=unshared[0], coordinate=coordinate,
                    hint="mark the field (or its type) @shareable in every subgraph that "
                         "resolves it, or move it with @override(from:)")


def _declarations(merged: Merged, metas: dict[str, Metadata], stype: SType,
                  sfield: SField) -> dict[str, tuple[str, bool, bool]]:
    """Per subgraph declaring the field (itself or through an `@interfaceObject`): the type
    declaring it there, whether it is shareable there, whether it is fully external there."""
    found = {}
    for graph, meta in metas.items():
        owner = stype.name if graph in sfield.by_graph else _interface_object(
            merged, stype, sfield.name, graph)
        if owner is not None:
            found[graph] = (owner, meta.is_shareable(owner, sfield.name),
                            meta.is_fully_external(owner, sfield.name))
    return found


def _interface_object(merged: Merged, stype: SType, name: str, graph: str) -> str | None:
    """The `@interfaceObject` of one of the type's interfaces declaring the field in a
    subgraph that does not know the type itself."""
    if graph in stype.by_graph:
        return None
    for interface in stype.interfaces:
        typedef = getattr(merged.types.get(interface), "by_graph", {}).get(graph)
        if typedef is not None and typedef.has("interfaceObject") and name in typedef.fields:
            return interface
    return None
