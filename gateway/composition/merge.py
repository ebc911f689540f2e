"""Merge subgraph types into one supergraph (Federation v2 composition merge rules)."""

from __future__ import annotations

from .diagnostics import Diagnostic, error
from .metadata import Metadata, metadata
from .model import Subgraph, TypeDef
from .supergraph_model import Merged, SArg, SField, SType
from .typing_rules import (
    Hierarchy,
    is_subtype,
    merge_input_types,
    merge_output_types,
    named_type,
)

__all__ = ["merge"]


def merge(subgraphs: list[Subgraph], errors: list[Diagnostic]) -> Merged:
    """Merge types by name; fields by name; arguments and input fields by intersection."""
    merged = Merged({s.name: s for s in sorted(subgraphs, key=lambda s: s.name)})
    for graph in merged.subgraphs.values():
        for typedef in graph.types.values():
            _collect(merged, graph.name, typedef, errors)
        merged.roots.update(graph.roots)
    hierarchy = _hierarchy(merged)
    usage = _enum_usage(merged)
    metas = {name: metadata(graph) for name, graph in merged.subgraphs.items()}
    for stype in merged.types.values():
        _merge_type(stype, hierarchy, metas, usage.get(stype.name, set()), errors)
    _copy_interface_object_fields(merged)
    return merged


def _collect(merged: Merged, graph: str, typedef: TypeDef, errors: list[Diagnostic]) -> None:
    kind = "interface" if typedef.has("interfaceObject") else typedef.kind
    stype = merged.types.setdefault(typedef.name, SType(typedef.name, kind))
    if stype.kind != kind:  # an @interfaceObject already counts as the interface it stands for
        errors.append(error(
            "TYPE_KIND_MISMATCH",
            f"is declared as {kind} here but as {stype.kind} in another subgraph",
            subgraph=graph, coordinate=typedef.name,
            hint="declare the type with the same kind in every subgraph"))
    stype.by_graph[graph] = typedef
    for name in typedef.interfaces:
        if name not in stype.interfaces:
            stype.interfaces.append(name)
    for name in typedef.members:
        if name not in stype.members:
            stype.members.append(name)


def _hierarchy(merged: Merged) -> Hierarchy:
    parents: Hierarchy = {}
    for stype in merged.types.values():
        for name in stype.interfaces:
            parents.setdefault(stype.name, set()).add(name)
        for name in stype.members:
            parents.setdefault(name, set()).add(stype.name)
    return parents


def _enum_usage(merged: Merged) -> dict[str, set[str]]:
    """How each type is used: as an output (field type) or input (argument, input field)."""
    usage: dict[str, set[str]] = {}
    for stype in merged.types.values():
        for typedef in stype.by_graph.values():
            for f in typedef.fields.values():
                usage.setdefault(named_type(f.type), set()).add("output")
                for arg in f.args.values():
                    usage.setdefault(named_type(arg.type), set()).add("input")
            for arg in typedef.inputs.values():
                usage.setdefault(named_type(arg.type), set()).add("input")
    return usage


def _merge_type(stype: SType, hierarchy: Hierarchy, metas: dict[str, Metadata],
                usage: set[str], errors: list[Diagnostic]) -> None:
    if stype.kind in ("object", "interface"):
        _merge_fields(stype, hierarchy, metas, errors)
    elif stype.kind == "input":
        _merge_input_fields(stype, errors)
    elif stype.kind == "enum":
        _merge_enum(stype, usage, errors)


def _merge_fields(stype: SType, hierarchy: Hierarchy, metas: dict[str, Metadata],
                  errors: list[Diagnostic]) -> None:
    for graph, typedef in stype.by_graph.items():
        for name, f in typedef.fields.items():
            sfield = stype.fields.setdefault(name, SField(name, f.type))
            sfield.by_graph[graph] = f
    for sfield in stype.fields.values():
        coordinate = f"{stype.name}.{sfield.name}"
        # the subgraphs resolving the field decide its type and arguments (Federation v2
        # merge: an @external copy only states what it expects, and is checked against them)
        external = {g for g in sfield.by_graph if metas[g].is_external(stype.name, sfield.name)}
        owned = {g: f for g, f in sfield.by_graph.items() if g not in external} \
            or sfield.by_graph
        types = [f.type for f in owned.values()]
        merged = merge_output_types(types, hierarchy)
        if merged is None:
            errors.append(_type_conflict(coordinate, owned, "output"))
        sfield.type = merged or types[0]
        errors += _external_types(coordinate, sfield, external, len(set(types)) == 1, hierarchy)
        sfield.args = {name: arg for name, arg in _intersect(
            {g: f.args for g, f in owned.items()}, coordinate, errors).items()
            if not any(a.has("fromContext") for a in arg.by_graph.values())}


def _external_types(coordinate: str, sfield: SField, external: set[str], all_equal: bool,
                    hierarchy: Hierarchy) -> list[Diagnostic]:
    """An @external copy has the merged type, or a subtype of it when the resolving subgraphs
    already disagree among themselves (EXTERNAL_TYPE_MISMATCH)."""
    wrong = [g for g in sorted(external) if sfield.by_graph[g].type != sfield.type and (
        all_equal or not is_subtype(sfield.by_graph[g].type, sfield.type, hierarchy))]
    if not wrong:
        return []
    detail = ", ".join(f"{sfield.by_graph[g].type!r} in {g!r}" for g in wrong)
    return [error("EXTERNAL_TYPE_MISMATCH",
                  f"is {sfield.type!r} where resolved, but @external as {detail}",
                  subgraph=wrong[0], coordinate=coordinate,
                  hint=f"declare the @external copy as {sfield.type}")]


def _merge_input_fields(stype: SType, errors: list[Diagnostic]) -> None:
    stype.inputs = _intersect({g: t.inputs for g, t in stype.by_graph.items()},
                              stype.name, errors)
    if not stype.inputs:
        errors.append(_empty(stype, "field"))
    for arg in stype.inputs.values():
        arg.input_field = True


def _intersect(by_graph: dict, coordinate: str, errors: list[Diagnostic]) -> dict[str, SArg]:
    """Keep arguments (input fields) every subgraph defines; a required one must be everywhere.
    An `@inaccessible` input field may be missing somewhere (clients cannot send it)."""
    result: dict[str, SArg] = {}
    names = list(dict.fromkeys(n for args in by_graph.values() for n in args))
    argument = "." in coordinate
    for name in names:
        present = {g: args[name] for g, args in by_graph.items() if name in args}
        where = f"{coordinate}({name}:)" if argument else f"{coordinate}.{name}"
        hidden = not argument and any(a.has("inaccessible") for a in present.values())
        if len(present) < len(by_graph) and not hidden:
            required = [g for g, a in present.items() if a.type.endswith("!") and a.default is None]
            if required:
                missing = sorted(set(by_graph) - set(present))
                what = "ARGUMENT" if argument else "INPUT_FIELD"
                errors.append(error(
                    f"REQUIRED_{what}_MISSING_IN_SOME_SUBGRAPH",
                    f"is required in subgraph {required[0]!r} but missing in {missing}",
                    subgraph=required[0], coordinate=where,
                    hint="add it to every subgraph or make it optional"))
            continue
        types = [a.type for a in present.values()]
        merged = merge_input_types(types)
        if merged is None:
            errors.append(_type_conflict(where, present, "argument" if argument else "input"))
        errors += _default_conflict(where, present, argument)
        result[name] = SArg(name, merged or types[0], present)
    return result


def _default_conflict(coordinate: str, present: dict, argument: bool) -> list[Diagnostic]:
    """Default values, where given, must agree (FIELD_ARGUMENT_DEFAULT_MISMATCH,
    INPUT_FIELD_DEFAULT_MISMATCH); one given in only some subgraphs is dropped."""
    defaults = {g: a.default for g, a in present.items() if a.default is not None}
    if len(set(defaults.values())) < 2:
        return []
    detail = ", ".join(f"{d} in {g!r}" for g, d in defaults.items())
    code = "FIELD_ARGUMENT_DEFAULT_MISMATCH" if argument else "INPUT_FIELD_DEFAULT_MISMATCH"
    return [error(code, f"has different default values: {detail}",
                  subgraph=next(iter(defaults)), coordinate=coordinate,
                  hint="use the same default value in every subgraph")]


def _merge_enum(stype: SType, usage: set[str], errors: list[Diagnostic]) -> None:
    """Output-only enums take the union of values, input-only the intersection, both: equal.
    An `@inaccessible` value (in any subgraph) is exempt: clients can neither send nor receive
    it, so it may be missing anywhere (Federation v2 enum merge rules)."""
    for graph, typedef in stype.by_graph.items():
        for name, value in typedef.values.items():
            stype.values.setdefault(name, {})[graph] = value
    odd = [n for n, v in stype.values.items() if len(v) != len(stype.by_graph)
           and not any(e.has("inaccessible") for e in v.values())]
    if usage == {"input"}:
        stype.values = {n: v for n, v in stype.values.items() if n not in odd}
        if not stype.values:
            errors.append(_empty(stype, "value"))
    elif "input" in usage and odd:
        graph = next(iter(stype.values[odd[0]]))
        errors.append(error(
            "ENUM_VALUE_MISMATCH",
            f"is used as both input and output, so every subgraph must define the same values; "
            f"{sorted(odd)} are missing in some subgraphs",
            subgraph=graph, coordinate=stype.name,
            hint="define the same values in every subgraph that defines the enum, or mark "
                 "the extra ones @inaccessible"))


def _empty(stype: SType, what: str) -> Diagnostic:
    """Intersection left nothing (EMPTY_MERGED_INPUT_TYPE / EMPTY_MERGED_ENUM_TYPE)."""
    return error(f"EMPTY_MERGED_{'ENUM' if what == 'value' else 'INPUT'}_TYPE",
                 f"no {what} is defined in every subgraph that defines it ("
                 f"{', '.join(stype.by_graph)}), so the merged type would be empty",
                 subgraph=next(iter(stype.by_graph)), coordinate=stype.name,
                 hint=f"define at least one common {what} in every subgraph")


def _type_conflict(coordinate: str, by_graph: dict, kind: str) -> Diagnostic:
    detail = ", ".join(f"{t.type!r} in {g!r}" for g, t in by_graph.items())
    code = "FIELD_ARGUMENT_TYPE_MISMATCH" if kind == "argument" else "FIELD_TYPE_MISMATCH"
    return error(
        code, f"has incompatible {kind} types across subgraphs: {detail}",
        subgraph=next(iter(by_graph)), coordinate=coordinate,
        hint="use the same type (or compatible nullability/subtypes) in every subgraph")


def _copy_interface_object_fields(merged: Merged) -> None:
    """Fields an `@interfaceObject` adds to an interface belong to every implementation too."""
    for stype in merged.types.values():
        if stype.kind != "object":
            continue
        for iface_name in stype.interfaces:
            iface = merged.types.get(iface_name)
            if iface is None or not iface.interface_object_graphs():
                continue
            for name, sfield in iface.fields.items():
                if name not in stype.fields:
                    stype.fields[name] = SField(name, sfield.type, dict(sfield.by_graph),
                                                dict(sfield.args), from_interface_object=True)
