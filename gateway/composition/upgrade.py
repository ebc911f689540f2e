"""Federation 1 subgraphs read as the Federation 2 subgraphs they stand for.

Federation 2 composition upgrades each Federation 1 subgraph before validating it (the rules
of "Federation 2 backward compatibility"): key fields of type extensions are the extension's own
(their `@external` goes), `@external` on interfaces and object types goes, `@requires` and
`@provides` drop the fields that are not external (they were no-ops), `@key` and
`@requires`/`@provides` on interfaces go, `@provides` on a non-composite field goes, unused
`@external` fields go (a type left with no field goes too, unless something uses it:
TYPE_WITH_ONLY_UNUSED_EXTERNAL), and what another subgraph also resolves becomes `@shareable`
(entity and root fields one by one, value types whole), since Federation 1 shared everything.
"""

from __future__ import annotations

from graphql import FieldNode

from .diagnostics import Diagnostic, error
from .fieldsets import parse_field_set
from .metadata import metadata
from .model import Subgraph, TypeDef
from .subgraph_rules import check_subgraph
from .upgrade_field_sets import drop_inactive_selections

__all__ = ["upgrade_federation1"]

_ROOTS = ("Query", "Mutation")


def upgrade_federation1(subgraphs: list[Subgraph], names: set[str]) -> list[Diagnostic]:
    """Rewrite every Federation 1 subgraph in place and check it as a Federation 2 one;
    errors for what cannot be upgraded."""
    resolving = _resolving(subgraphs)
    found: list[Diagnostic] = []
    upgraded = []
    for subgraph in subgraphs:
        if subgraph.version != "v1.0":
            continue
        interface_keys = {t.name for t in subgraph.types.values()
                          if t.kind == "interface" and t.keys}
        unbased = _extensions_without_base(subgraph, subgraphs)
        if unbased:
            found += unbased
            continue
        _drop_externals_on_interfaces_and_types(subgraph)
        _drop_externals_on_extension_keys(subgraph, subgraphs)
        drop_inactive_selections(subgraph)
        _drop_interface_directives(subgraph)
        _drop_provides_on_leaves(subgraph)
        problems = _drop_unused_externals(subgraph)
        _add_shareable(subgraph, subgraphs, resolving)
        problems = problems or check_subgraph(subgraph, names)
        if not any(p.severity == "error" for p in problems):
            upgraded.append((subgraph, interface_keys))
        found += problems
    return found + _interface_keys_under_interface_objects(subgraphs, upgraded)


def _interface_keys_under_interface_objects(
        subgraphs: list[Subgraph], upgraded: list[tuple[Subgraph, set[str]]]) -> list[Diagnostic]:
    """An `@interfaceObject` needs subgraphs that resolve the interface's `__typename` through
    an interface `@key`; a Federation 1 interface `@key` never meant that."""
    found = []
    for subgraph, interface_keys in upgraded:
        for name in sorted(interface_keys):
            users = [s.name for s in subgraphs if s.version != "v1.0"
                     and getattr(s.types.get(name), "fed", {}).get("interfaceObject")]
            if users:
                found.append(error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f"is an @interfaceObject in {', '.join(users)}, but its interface @key is "
                    "in a Federation 1 subgraph, which cannot resolve the interface's __typename",
                    subgraph=subgraph.name, coordinate=name,
                    hint="upgrade this subgraph to Federation 2, or drop @key from the interface"))
    return found


def _extensions_without_base(subgraph: Subgraph, subgraphs: list[Subgraph]) -> list[Diagnostic]:
    """A Federation 1 `extend type` (or `@extends`) needs a definition in some other subgraph
    (EXTENSION_WITH_NO_BASE); root types excepted."""
    found = []
    for typedef in subgraph.types.values():
        if not typedef.extension or typedef.kind not in ("object", "interface") \
                or typedef.name in (*_ROOTS, "Subscription"):
            continue
        if not any(s is not subgraph and getattr(s.types.get(typedef.name), "defined", False)
                   for s in subgraphs):
            found.append(error("EXTENSION_WITH_NO_BASE",
                               "is only extended (`extend type`); no subgraph defines it",
                               subgraph=subgraph.name, coordinate=typedef.name,
                               hint=f"define `type {typedef.name}` in the subgraph that owns it"))
    return found


def _resolving(subgraphs: list[Subgraph]) -> set[tuple[str, str, str]]:
    """(graph, type, field) each subgraph resolves as written, before any upgrade: declared and
    not external, or external but provided there."""
    found = set()
    for subgraph in subgraphs:
        meta = metadata(subgraph)
        for typedef in subgraph.types.values():
            found |= {(subgraph.name, typedef.name, n) for n in typedef.fields
                      if not meta.is_external(typedef.name, n)
                      or meta.is_partially_external(typedef.name, n)}
    return found


def _drop_externals_on_interfaces_and_types(subgraph: Subgraph) -> None:
    for typedef in subgraph.types.values():
        typedef.fed.pop("external", None)
        if typedef.kind == "interface":
            for field in typedef.fields.values():
                field.fed.pop("external", None)


def _drop_externals_on_extension_keys(subgraph: Subgraph, subgraphs: list[Subgraph]) -> None:
    """An extension's key fields are its own; with no key of its own, the first key another
    subgraph gives the type decides."""
    for typedef in subgraph.types.values():
        if not typedef.extension or typedef.kind not in ("object", "interface"):
            continue
        keys = [k.fields for k in typedef.keys]
        if not keys:
            keys = [t.keys[0].fields for s in subgraphs if s is not subgraph
                    for t in [s.types.get(typedef.name)] if t is not None and t.keys][:1]
        for fields in keys:
            for name in _top_level(fields):
                if name in typedef.fields:
                    typedef.fields[name].fed.pop("external", None)


def _top_level(fields: str) -> list[str]:
    try:
        return [s.name.value for s in parse_field_set(fields).selections
                if isinstance(s, FieldNode)]
    except ValueError:
        return []


def _drop_interface_directives(subgraph: Subgraph) -> None:
    for typedef in subgraph.types.values():
        if typedef.kind == "interface":
            typedef.keys = []
            for field in typedef.fields.values():
                field.fed.pop("requires", None)
                field.fed.pop("provides", None)


def _drop_provides_on_leaves(subgraph: Subgraph) -> None:
    for typedef in subgraph.types.values():
        for field in typedef.fields.values():
            target = subgraph.types.get(field.type.strip("[]!"))
            if target is None or target.kind not in ("object", "interface", "union"):
                field.fed.pop("provides", None)


def _drop_unused_externals(subgraph: Subgraph) -> list[Diagnostic]:
    meta = metadata(subgraph)
    found = []
    for typedef in list(subgraph.types.values()):
        if typedef.kind not in ("object", "interface"):
            continue
        typedef.fields = {n: f for n, f in typedef.fields.items()
                          if not meta.is_external(typedef.name, n) or meta.is_used(typedef.name, n)}
        if typedef.fields:
            continue
        if _referenced(subgraph, typedef.name):
            found.append(error(
                "TYPE_WITH_ONLY_UNUSED_EXTERNAL",
                "has only @external fields, and no @key, @requires or @provides uses them",
                subgraph=subgraph.name, coordinate=typedef.name,
                hint="remove the type from this subgraph, or use its fields"))
        else:
            del subgraph.types[typedef.name]
    return found


def _referenced(subgraph: Subgraph, name: str) -> bool:
    for typedef in subgraph.types.values():
        if name in typedef.interfaces or name in typedef.members:
            return True
        for field in typedef.fields.values():
            types = [field.type, *(a.type for a in field.args.values())]
            if any(t.strip("[]!") == name for t in types):
                return True
        if any(a.type.strip("[]!") == name for a in typedef.inputs.values()):
            return True
    return False


def _add_shareable(subgraph: Subgraph, subgraphs: list[Subgraph],
                   resolving: set[tuple[str, str, str]]) -> None:
    """Entity and root fields another subgraph resolves become `@shareable`; value types
    another subgraph defines become `@shareable` whole (subscriptions are never shared)."""
    meta = metadata(subgraph)
    others = [s for s in subgraphs if s is not subgraph]
    for typedef in subgraph.types.values():
        if typedef.kind != "object" or typedef.name == "Subscription":
            continue
        if typedef.keys or typedef.name in _ROOTS:
            for name, field in typedef.fields.items():
                if meta.is_shareable(typedef.name, name):
                    continue
                if any((o.name, typedef.name, name) in resolving for o in others):
                    field.fed["shareable"] = [{}]
        elif any(_object_or_interface(o.types.get(typedef.name)) for o in others):
            typedef.fed["shareable"] = [{}]


def _object_or_interface(typedef: TypeDef | None) -> bool:
    return typedef is not None and typedef.kind in ("object", "interface")
