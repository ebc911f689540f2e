"""`@override(from:, label:)` across subgraphs (Federation v2.0, progressive override v2.7).

A field `@override(from: "s")` takes over from subgraph `s`, which then no longer counts as
resolving it (whether `s` still uses it in a field set or not, and while a label still sends
part of the traffic to `s`). The source must not override the field itself
(OVERRIDE_SOURCE_HAS_OVERRIDE), and its copy must carry no `@requires`/`@provides`
(OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE). A source that only declares the field `@external`
resolved nothing to take over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .diagnostics import Diagnostic, error
from .metadata import Metadata
from .supergraph_model import Merged, SField, SType

__all__ = ["check_interface_overrides", "check_overrides", "overridden"]

# labels are a name or `percent(x)` with 0 <= x <= 100 (join v0.4 overrideLabel)
_LABEL = re.compile(r"^[a-zA-Z][a-zA-Z0-9_\-:./]*$|^percent\((\d{1,2}(\.\d{1,8})?|100)\)$")


def _sources(merged: Merged, sfield: SField) -> Iterator[tuple[str, str]]:
    """(overriding subgraph, source subgraph) for every override naming a composed subgraph."""
    for graph, f in sfield.by_graph.items():
        source = f.string("override", "from")
        if source is not None and source in merged.subgraphs and source != graph:
            yield graph, source


def overridden(merged: Merged, metas: dict[str, Metadata], stype: SType,
               sfield: SField) -> set[str]:
    """Subgraphs whose copy of the field an `@override` takes over."""
    found = set()
    for _graph, source in _sources(merged, sfield):
        copy = sfield.by_graph.get(source)
        if copy is None or copy.has("override") or copy.has("requires") or copy.has("provides"):
            continue
        if not metas[source].is_external(stype.name, sfield.name):
            found.add(source)
    return found


def check_interface_overrides(stype: SType, sfield: SField) -> Iterator[Diagnostic]:
    """No `@override` on interface fields, nor (yet) on an `@interfaceObject`'s fields."""
    for graph, f in sfield.by_graph.items():
        if not f.has("override"):
            continue
        coordinate = f"{stype.name}.{sfield.name}"
        if stype.by_graph[graph].has("interfaceObject"):
            yield error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                        "@override is not supported on fields of an @interfaceObject",
                        subgraph=graph, coordinate=coordinate,
                        hint="move the field without @override, or override it on the types")
        else:
            yield error("OVERRIDE_ON_INTERFACE", "@override is not supported on interface "
                        "fields", subgraph=graph, coordinate=coordinate,
                        hint="override the field on the implementations instead")


def check_overrides(stype: SType, sfield: SField, merged: Merged) -> Iterator[Diagnostic]:
    """The override rules that need more than one subgraph."""
    coordinate = f"{stype.name}.{sfield.name}"
    for graph, source in _sources(merged, sfield):
        copy = sfield.by_graph.get(source)
        if copy is not None and copy.has("override"):
            yield error("OVERRIDE_SOURCE_HAS_OVERRIDE",
                        f"is overridden from {source!r}, which overrides it itself",
                        subgraph=graph, coordinate=coordinate,
                        hint="keep one @override per field")
        elif copy is not None and (copy.has("requires") or copy.has("provides")):
            yield error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                        f"is overridden from {source!r}, whose copy has @requires or @provides",
                        subgraph=graph, coordinate=coordinate,
                        hint="drop @requires/@provides from the source's copy first")
    for graph, f in sfield.by_graph.items():
        label = f.string("override", "label")
        if label is not None and not _LABEL.match(label):
            yield error("OVERRIDE_LABEL_INVALID", f"label {label!r} is neither a name nor "
                        "percent(0..100)", subgraph=graph, coordinate=coordinate,
                        hint='use a label like "my-flag" or "percent(25)"')
