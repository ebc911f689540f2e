"""Join spec directives for merged types and fields (https://specs.apollo.dev/join/v0.5)."""

from __future__ import annotations

import re

from .fieldsets import leaf_paths, minify
from .model import Field, TypeDef
from .supergraph_model import Merged, SField, SType
from .typing_rules import named_type
from .usage import Usage

__all__ = ["JoinArgs", "context_arguments", "graph_enum", "join_fields", "join_types"]

JoinArgs = dict[str, object]  # ordered join directive arguments; None values are omitted


def graph_enum(name: str) -> str:
    """`join__Graph` value for a subgraph name: CONSTANT_CASE (`reviewsV2` -> `REVIEWS_V2`)."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z])([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()


def join_types(merged: Merged, stype: SType, usage: Usage) -> list[JoinArgs]:
    """One `@join__type` per subgraph (per key when the type is an entity there)."""
    if stype.name == "Query":
        return [{"graph": g} for g in merged.subgraphs]
    result: list[JoinArgs] = []
    for graph, typedef in stype.by_graph.items():
        if stype.kind == "object" and not _keeps_type(stype, graph, usage):
            continue
        base: JoinArgs = {"graph": graph}
        if not typedef.keys or stype.kind not in ("object", "interface"):
            result.append(base | _interface_object(stype, graph))
            continue
        for key in typedef.keys:
            result.append(base | {
                "key": key.fields,
                "extension": True if _printed_extension(merged, graph, typedef) else None,
                "resolvable": False if not key.resolvable else None,
            } | _interface_object(stype, graph))
    return result


def _printed_extension(merged: Merged, graph: str, typedef: TypeDef) -> bool:
    """Federation 1 subgraphs `extend type` everything; only `@extends` marks an extension."""
    if merged.subgraphs[graph].version == "v1.0":
        return typedef.has("extends")
    return typedef.extension


def _interface_object(stype: SType, graph: str) -> JoinArgs:
    return {"isInterfaceObject": True} if graph in stype.interface_object_graphs() else {}


def _keeps_type(stype: SType, graph: str, usage: Usage) -> bool:
    """A subgraph that only mentions external fields nobody uses does not know the type."""
    typedef = stype.by_graph[graph]
    if typedef.keys or not typedef.fields:
        return True
    for name, field in typedef.fields.items():
        used = usage.get((graph, stype.name, name), set())
        if not field.has("external") or used & {"provided", "required"} or typedef.extension:
            return True
    return False


def join_fields(merged: Merged, stype: SType, sfield: SField, usage: Usage,
                types: list[JoinArgs]) -> list[JoinArgs]:
    """The `@join__field`s of one field, or none when every subgraph of the type resolves it."""
    if sfield.from_interface_object:
        return [{}]
    if stype.kind == "interface":
        return _interface_join_fields(stype, sfield)
    if stype.name == "Query":
        return _query_join_fields(merged, sfield)
    result = _object_join_fields(merged, stype, sfield, usage, types)
    if len(result) == 1 and len(types) == 1 and set(_present(result[0])) == {"graph"}:
        return []
    return result


class _FieldSets:
    """`@requires`/`@provides` as printed in join fields of object types: compact, and
    without key fields the subgraph already has (they travel in the representation)."""

    def __init__(self, merged: Merged, stype: SType) -> None:
        self.merged = merged
        self.stype = stype

    def requires(self, graph: str, f: Field) -> str | None:
        fields = f.string("requires")
        if fields is None:
            return None
        return minify(fields, _common_key_leaves(self.stype, graph)) or None

    def provides(self, graph: str, f: Field) -> str | None:
        fields = f.string("provides")
        target = self.merged.types.get(named_type(f.type))
        if fields is None or target is None or target.kind == "union":
            return fields
        typedef = target.by_graph.get(graph)
        drop = _common_key_leaves(target, graph) if typedef and typedef.extension else frozenset()
        return minify(fields, drop)


def _common_key_leaves(stype: SType, graph: str) -> frozenset[str]:
    keys = [leaf_paths(k.fields) for k in stype.by_graph[graph].keys]
    return frozenset(set.intersection(*keys)) if keys else frozenset()


def _present(args: JoinArgs) -> JoinArgs:
    return {k: v for k, v in args.items() if v is not None and v is not False}


def _interface_join_fields(stype: SType, sfield: SField) -> list[JoinArgs]:
    """None when every subgraph of the interface resolves the field alike; otherwise one per
    declaring subgraph, so an `@interfaceObject`'s `@external` copy is not taken for a
    resolver (join spec: `external`)."""
    special = any(f.type != sfield.type or f.has("external") or f.has("provides")
                  or f.has("requires") for f in sfield.by_graph.values())
    if len(sfield.by_graph) == len(stype.by_graph) and not special:
        return []
    return [{"graph": g, "type": f.type if f.type != sfield.type else None,
             "override": f.string("override", "from"), "provides": f.string("provides"),
             "requires": f.string("requires"), "external": f.has("external") or None}
            for g, f in sfield.by_graph.items()]


def _query_join_fields(merged: Merged, sfield: SField) -> list[JoinArgs]:
    if any(f.has("override") for f in sfield.by_graph.values()) and len(merged.subgraphs) > 1:
        overridden = _overridden(merged, sfield)
        # a progressive override labels both copies: the label decides which one answers
        return [{"graph": g, "override": f.string("override", "from"),
                 "overrideLabel": overridden.get(g),
                 "external": f.has("external") or None}
                for g, f in sfield.by_graph.items()
                if f.has("override") or overridden.get(g)
                or (f.has("shareable") and g not in overridden)]
    # Deliberately unlike @theguild/federation-composition 0.27, which never prints `type:`
    # on Query fields: without it, a gateway extracting subgraph schemas from the supergraph
    # (join spec: `type` is the field's type in that subgraph) sees types a subgraph lacks.
    type_differs = any(f.type != sfield.type for f in sfield.by_graph.values())
    everywhere = len(sfield.by_graph) == len(merged.subgraphs)
    if not type_differs and (len(merged.subgraphs) == 1 or everywhere):
        return []
    sets = _FieldSets(merged, merged.types["Query"])
    provides_differ = any(f.string("provides") for f in sfield.by_graph.values())
    return [{"graph": g, "provides": sets.provides(g, f) if provides_differ else None,
             "type": f.type if type_differs else None}
            for g, f in sfield.by_graph.items()]


def _overridden(merged: Merged, sfield: SField) -> dict[str, str | None]:
    """Subgraphs whose field is taken over by `@override(from:)`, with the override label."""
    labels: dict[str, str | None] = {}
    for graph, f in sfield.by_graph.items():
        source = f.string("override", "from")
        if source in merged.subgraphs:
            # a label only applies while the source still has the field to answer with
            labels[source] = f.string("override", "label") if source in sfield.by_graph \
                else None
            if labels[source]:
                labels[graph] = labels[source]
    return labels


def _external_flag(stype: SType, graph: str, f: Field, used: set[str]) -> bool:
    if not f.has("external"):
        return False
    return "provided" in used or not ("key" in used and stype.by_graph[graph].extension)


def _object_join_fields(merged: Merged, stype: SType, sfield: SField, usage: Usage,
                        types: list[JoinArgs]) -> list[JoinArgs]:
    graphs = sfield.by_graph
    used = {g: usage.get((g, stype.name, sfield.name), set()) for g in graphs}
    type_differs = any(f.type != sfield.type for f in graphs.values())
    # an override whose source does not even know the type changes nothing there
    has_override = any(f.string("override", "from") in stype.by_graph for f in graphs.values())
    everywhere = len(graphs) == len(stype.by_graph)
    if has_override:
        interface_graphs = {g for i in stype.interfaces if i in merged.types
                            for g, t in merged.types[i].by_graph.items()
                            if sfield.name in t.fields}
        return _override_join_fields(merged, stype, sfield, used, type_differs, types, everywhere,
                                     interface_graphs)
    differs = type_differs or any(
        _external_flag(stype, g, f, used[g]) or f.string("provides") or f.string("requires")
        or context_arguments(g, f) for g, f in graphs.items())
    if everywhere and not differs:
        return []
    result = []
    for graph, f in graphs.items():
        external = _external_flag(stype, graph, f, used[graph])
        args = _field_args(_FieldSets(merged, stype), graph, f, sfield, type_differs, external)
        if external and stype.by_graph[graph].extension and set(_present(args)) <= {
                "graph", "external"} and not used[graph] & {"provided", "required"}:
            continue
        result.append(args)
    return result


def _field_args(sets: _FieldSets, graph: str, f: Field, sfield: SField, type_differs: bool,
                external: bool, label: str | None = None,
                used_overridden: bool = False) -> JoinArgs:
    return {"graph": graph, "requires": sets.requires(graph, f),
            "provides": sets.provides(graph, f),
            "type": f.type if type_differs else None, "external": external or None,
            "override": f.string("override", "from"), "usedOverridden": used_overridden or None,
            "overrideLabel": label,  # only while the source subgraph exists (progressive override)
            "contextArguments": context_arguments(graph, f) or None}


def context_arguments(graph: str, f: Field) -> list[dict[str, str]]:
    """Arguments filled from a `@context` (`@fromContext(field: "$ctx { sel }")`, join v0.5)."""
    result = []
    for arg in f.args.values():
        value = getattr(arg.arg("fromContext", "field"), "value", None)
        match = re.match(r"^\s*\$(\w+)(.*)$", value or "", re.S)
        if match:
            result.append({"context": f"{graph}__{match.group(1)}", "name": arg.name,
                           "type": arg.type, "selection": match.group(2)})
    return result


def _override_join_fields(merged: Merged, stype: SType, sfield: SField, used: dict[str, set[str]],
                          type_differs: bool, types: list[JoinArgs], everywhere: bool,
                          interface_graphs: set[str]) -> list[JoinArgs]:
    """`@override(from:, label:)`: the source keeps a join field only while still needed."""
    source_labels: dict[str, str | None] = {}
    for graph, f in sfield.by_graph.items():
        source = f.string("override", "from")
        if source in merged.subgraphs:
            source_labels[source] = f.string("override", "label") \
                if source in sfield.by_graph else None
            if source_labels[source]:
                source_labels[graph] = source_labels[source]
    sources = {s for g, f in sfield.by_graph.items()
               if (s := f.string("override", "from")) and s != g and s in sfield.by_graph}
    result = []
    for graph, f in sfield.by_graph.items():
        external = _external_flag(stype, graph, f, used[graph])
        required = "required" in used[graph]
        label = source_labels.get(graph)
        used_overridden = graph in sources and (
            ("key" in used[graph] and not f.has("external")) or graph in interface_graphs)
        used_overridden = used_overridden or (graph in sources and required and not external)
        if not ((external and required) or label or used_overridden or graph not in sources):
            continue
        result.append(_field_args(_FieldSets(merged, stype), graph, f, sfield, type_differs,
                                  external, label or None, used_overridden))
    if everywhere and len(result) == 1 and len(types) == 1 and types[0]["graph"] == \
            result[0]["graph"]:
        return []
    return result
