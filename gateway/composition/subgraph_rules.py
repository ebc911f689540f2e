"""Rules checked on each subgraph alone (Federation v2 subgraph validation)."""

from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import Diagnostic, error, warning
from .field_set_rules import check_field_sets
from .key_rules import check_keys
from .metadata import Metadata, metadata
from .model import Field, Subgraph, TypeDef

__all__ = ["check_subgraph"]


def check_subgraph(subgraph: Subgraph, names: set[str]) -> list[Diagnostic]:
    """Keys, `@requires`, `@provides`, `@external` and `@override` of one subgraph."""
    meta = metadata(subgraph)
    found: list[Diagnostic] = check_keys(subgraph)
    found += check_field_sets(subgraph, meta)
    for typedef in subgraph.types.values():
        for field in typedef.fields.values():
            found += _override(subgraph, typedef, field, names)
            found += _misplaced(subgraph, typedef, field)
    if not found:
        found += _unused_externals(subgraph, meta)
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


def _unused_externals(subgraph: Subgraph, meta: Metadata) -> Iterator[Diagnostic]:
    """An `@external` field that no `@key`, `@requires` or `@provides` of this subgraph uses,
    and that implements no interface field, is an error (EXTERNAL_UNUSED); an interface field
    cannot be `@external` at all (EXTERNAL_ON_INTERFACE)."""
    for typedef in subgraph.types.values():
        for name, field in typedef.fields.items():
            coordinate = f"{typedef.name}.{name}"
            if typedef.kind == "interface" and field.has("external"):
                yield error("EXTERNAL_ON_INTERFACE", "an interface field cannot be @external",
                            subgraph=subgraph.name, coordinate=coordinate,
                            hint="drop @external (mark the implementations' fields instead)")
            elif meta.is_external(typedef.name, name) and not meta.is_used(typedef.name, name):
                yield error("EXTERNAL_UNUSED",
                            "is @external but no @key, @requires or @provides uses it",
                            subgraph=subgraph.name, coordinate=coordinate,
                            hint="remove the field from this subgraph or drop @external")
