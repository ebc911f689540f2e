"""Rules checked on each subgraph alone (Federation v2 subgraph validation)."""

from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import Diagnostic, error, warning
from .fieldsets import FieldSetError, field_paths, parse_field_set
from .key_rules import check_keys
from .model import Field, Subgraph, TypeDef
from .typing_rules import named_type
from .usage import field_usage

__all__ = ["check_subgraph"]


def check_subgraph(subgraph: Subgraph, names: set[str]) -> list[Diagnostic]:
    """Keys, `@requires`, `@provides`, `@external` and `@override` of one subgraph."""
    found: list[Diagnostic] = check_keys(subgraph)
    for typedef in subgraph.types.values():
        for field in typedef.fields.values():
            found += _requires(subgraph, typedef, field)
            found += _provides(subgraph, typedef, field)
            found += _override(subgraph, typedef, field, names)
            found += _misplaced(subgraph, typedef, field)
    if not found:
        found += _unused_externals(subgraph)
    found += [warning("UNUSED_IMPORT", f"@{name} is imported by the federation @link but "
                      "never applied", subgraph=subgraph.name,
                      hint=f'remove "@{name}" from the import list')
              for name in sorted(subgraph.imported.keys() - subgraph.used.keys())]
    return found


def _misplaced(subgraph: Subgraph, typedef: TypeDef, field: Field) -> Iterator[Diagnostic]:
    """Directive combinations the federation spec forbids on one field."""
    coordinate = f"{typedef.name}.{field.name}"
    if field.has("override") and field.has("external"):
        yield error("OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                    "@override cannot be combined with @external", subgraph=subgraph.name,
                    coordinate=coordinate, hint="drop @external (the field moves here) or "
                                                "drop @override")
    if field.has("shareable") and typedef.kind == "interface" \
            and not typedef.has("interfaceObject"):
        yield error("INVALID_SHAREABLE_USAGE", "@shareable is only for object type fields",
                    subgraph=subgraph.name, coordinate=coordinate,
                    hint="mark the implementations' fields @shareable instead")


def _requires(subgraph: Subgraph, typedef: TypeDef, field: Field) -> Iterator[Diagnostic]:
    fields = field.string("requires")
    if fields is not None:
        yield from _field_set_of_externals(subgraph, typedef.name, field, fields, "requires",
                                           typedef.name)


def _provides(subgraph: Subgraph, typedef: TypeDef, field: Field) -> Iterator[Diagnostic]:
    fields = field.string("provides")
    if fields is not None:
        yield from _field_set_of_externals(subgraph, typedef.name, field, fields, "provides",
                                           named_type(field.type))


def _field_set_of_externals(subgraph: Subgraph, owner: str, field: Field, fields: str,
                            directive: str, target: str) -> Iterator[Diagnostic]:
    """Fields named by `@requires`/`@provides` must exist and be `@external` (Federation v2)."""
    coordinate = f"{owner}.{field.name}"
    try:
        list(field_paths(subgraph, target, fields))
    except FieldSetError as exc:
        yield error(f"{directive.upper()}_INVALID_FIELDS",
                    f'@{directive}(fields: "{fields}") is invalid: {exc}',
                    subgraph=subgraph.name, coordinate=coordinate,
                    hint="name only fields of the type, declared in this subgraph")
        return
    typedef = subgraph.types.get(target)
    for selection in parse_field_set(fields).selections:
        name = getattr(getattr(selection, "name", None), "value", None)
        member = typedef.fields.get(name) if typedef and name else None
        if member is not None and not member.has("external"):
            yield error(f"{directive.upper()}_FIELDS_MISSING_EXTERNAL",
                        f'@{directive}(fields: "{fields}") names {target}.{name}, which this '
                        "subgraph resolves itself (it is not @external)",
                        subgraph=subgraph.name, coordinate=coordinate,
                        hint=f"mark {target}.{name} @external in this subgraph, or drop it "
                             f"from @{directive}")


def _override(subgraph: Subgraph, typedef: TypeDef, field: Field,
              names: set[str]) -> Iterator[Diagnostic]:
    source = field.string("override", "from")
    if source is None:
        return
    coordinate = f"{typedef.name}.{field.name}"
    if source == subgraph.name:
        yield error("OVERRIDE_FROM_SELF_ERROR", "@override names its own subgraph",
                    subgraph=subgraph.name, coordinate=coordinate,
                    hint="name the subgraph the field moves away from")
    elif source not in names:
        # Apollo reports FROM_SUBGRAPH_DOES_NOT_EXIST as a hint; both composers still compose.
        yield warning("OVERRIDE_FROM_UNKNOWN_SUBGRAPH",
                      f'@override(from: "{source}") names a subgraph that is not composed',
                      subgraph=subgraph.name, coordinate=coordinate,
                      hint="fix the subgraph name, or remove @override once the move is done")


def _unused_externals(subgraph: Subgraph) -> Iterator[Diagnostic]:
    """An `@external` field nothing uses (key, requires, provides, interface) is an error."""
    usage = field_usage({subgraph.name: subgraph})
    for typedef in subgraph.types.values():
        interface_fields = {name for i in typedef.interfaces
                            for name in getattr(subgraph.types.get(i), "fields", {})}
        for name, field in typedef.fields.items():
            used = usage.get((subgraph.name, typedef.name, name))
            if field.has("external") and not used and name not in interface_fields:
                yield error("EXTERNAL_UNUSED",
                            "is @external but no @key, @requires or @provides uses it",
                            subgraph=subgraph.name, coordinate=f"{typedef.name}.{name}",
                            hint="remove the field from this subgraph or drop @external")
