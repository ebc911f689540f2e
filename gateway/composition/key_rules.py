"""Entity rules of one subgraph: what a `@key` may select, interface keys, `@interfaceObject`."""

from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import Diagnostic, error
from .fieldsets import FieldSetError, field_paths
from .model import Subgraph, TypeDef
from .typing_rules import named_type

__all__ = ["check_keys"]


def check_keys(subgraph: Subgraph) -> list[Diagnostic]:
    """Every `@key` of every type, interface keys on implementations, interface objects."""
    found: list[Diagnostic] = []
    for typedef in subgraph.types.values():
        for key in typedef.keys:
            found += _key_fields(subgraph, typedef, key.fields)
        if typedef.kind == "interface":
            found += _interface_keys(subgraph, typedef)
        if typedef.has("interfaceObject") and not typedef.keys:
            found.append(error(
                "INTERFACE_OBJECT_USAGE_ERROR", "@interfaceObject type has no @key",
                subgraph=subgraph.name, coordinate=typedef.name,
                hint="add the interface's @key to this type"))
    return found


def _key_fields(subgraph: Subgraph, typedef: TypeDef, fields: str) -> Iterator[Diagnostic]:
    """Key fields exist, take no arguments and are not abstract (Federation v2 `@key`)."""
    where = f'@key(fields: "{fields}")'
    try:
        paths = list(field_paths(subgraph, typedef.name, fields))
    except FieldSetError as exc:
        yield error("KEY_INVALID_FIELDS", f"{where} is invalid: {exc}",
                    subgraph=subgraph.name, coordinate=typedef.name,
                    hint="add the field to this subgraph (with @external if another "
                         "subgraph resolves it) or fix the key")
        return
    for owner, name in paths:
        field = subgraph.types[owner].fields[name]
        target = subgraph.types.get(named_type(field.type))
        if field.args:
            yield error("KEY_FIELDS_HAS_ARGS", f"{where} selects {owner}.{name}, which takes "
                        "arguments", subgraph=subgraph.name, coordinate=typedef.name,
                        hint="key only on fields without arguments")
        elif target is not None and target.kind in ("interface", "union"):
            yield error("KEY_FIELDS_SELECT_INVALID_TYPE", f"{where} selects {owner}.{name} "
                        f"of abstract type {target.name}", subgraph=subgraph.name,
                        coordinate=typedef.name, hint="key only on object, scalar or enum fields")


def _interface_keys(subgraph: Subgraph, interface: TypeDef) -> Iterator[Diagnostic]:
    """An entity interface's keys must be keys of each implementation in the same subgraph."""
    for typedef in subgraph.types.values():
        if interface.name not in typedef.interfaces:
            continue
        own = {k.fields for k in typedef.keys}
        for key in interface.keys:
            if key.fields not in own:
                yield error("INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                            f'@key(fields: "{key.fields}") of interface {interface.name} is '
                            f"missing on its implementation {typedef.name}",
                            subgraph=subgraph.name, coordinate=typedef.name,
                            hint=f'add @key(fields: "{key.fields}") to {typedef.name}')
