"""Field sets (`fields:` of `@key`, `@requires`, `@provides`) resolved against a subgraph."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FieldNode, GraphQLSyntaxError, InlineFragmentNode, SelectionSetNode, parse

from .model import Subgraph
from .typing_rules import named_type

__all__ = ["FieldSetError", "field_paths", "parse_field_set"]


class FieldSetError(ValueError):
    """A field set that does not parse or names a field the type does not have."""


def parse_field_set(fields: str) -> SelectionSetNode:
    """A field set is a selection set without its braces (Federation spec `FieldSet`)."""
    try:
        operation = parse("{" + fields + "}", no_location=True).definitions[0]
    except GraphQLSyntaxError as exc:
        raise FieldSetError(f"invalid field set {fields!r}: {exc.message}") from None
    return operation.selection_set


def field_paths(graph: Subgraph, type_name: str, fields: str) -> Iterator[tuple[str, str]]:
    """Every (type, field) a field set selects, nested ones included; raise when one is missing."""
    yield from _walk(graph, type_name, parse_field_set(fields))


def _walk(graph: Subgraph, type_name: str, selection_set: SelectionSetNode):
    typedef = graph.types.get(type_name)
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            target = selection.type_condition.name.value if selection.type_condition else type_name
            yield from _walk(graph, target, selection.selection_set)
            continue
        if not isinstance(selection, FieldNode):
            continue
        name = selection.name.value
        if name == "__typename":
            continue
        field = typedef.fields.get(name) if typedef else None
        if field is None:
            raise FieldSetError(f"field {type_name}.{name} is not defined in this subgraph")
        yield type_name, name
        if selection.selection_set:
            yield from _walk(graph, named_type(field.type), selection.selection_set)
