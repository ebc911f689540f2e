"""Field sets (`fields:` of `@key`, `@requires`, `@provides`) resolved against a subgraph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from graphql import (
    FieldNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    SelectionSetNode,
    parse,
    print_ast,
    strip_ignored_characters,
)

from .model import Subgraph
from .typing_rules import named_type

__all__ = ["FieldSetError", "field_paths", "leaf_paths", "minify", "parse_field_set"]


class FieldSetError(ValueError):
    """A field set that does not parse or names a field the type does not have."""


@lru_cache(maxsize=4096)
def parse_field_set(fields: str) -> SelectionSetNode:
    """A field set is a selection set without its braces (Federation spec `FieldSet`)."""
    try:
        operation = parse("{" + fields + "}", no_location=True).definitions[0]
    except GraphQLSyntaxError as exc:
        raise FieldSetError(f"invalid field set {fields!r}: {exc.message}") from None
    return operation.selection_set


def minify(fields: str, drop: frozenset[str] = frozenset()) -> str:
    """Print a field set compactly (`dimensions { size }` -> `dimensions{size}`), without the
    leaf paths in `drop` (`dimensions.size`)."""
    try:
        selection_set = _without(parse_field_set(fields), drop, "")
    except FieldSetError:
        return fields
    printed = strip_ignored_characters(print_ast(selection_set)) if selection_set else ""
    return printed.removeprefix("{").removesuffix("}")


def leaf_paths(fields: str) -> set[str]:
    """Dotted paths of the leaf fields a field set selects (`a{b c}` -> {`a.b`, `a.c`})."""
    try:
        return set(_leaves(parse_field_set(fields), ""))
    except FieldSetError:
        return set()


def _leaves(selection_set: SelectionSetNode, prefix: str) -> Iterator[str]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            path = prefix + selection.name.value
            if selection.selection_set:
                yield from _leaves(selection.selection_set, path + ".")
            else:
                yield path


def _without(selection_set: SelectionSetNode, drop: frozenset[str],
             prefix: str) -> SelectionSetNode | None:
    kept = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            path = prefix + selection.name.value
            if selection.selection_set:
                inner = _without(selection.selection_set, drop, path + ".")
                if inner is None:
                    continue
                selection = replace(selection, selection_set=inner)
            elif path in drop:
                continue
        kept.append(selection)
    return replace(selection_set, selections=tuple(kept)) if kept else None


def field_paths(graph: Subgraph, type_name: str, fields: str,
                implementations: bool = False) -> Iterator[tuple[str, str]]:
    """Every (type, field) a field set selects, nested ones included; raise when one is missing.
    With `implementations`, a field selected on an interface also names that field of each
    implementation in the subgraph (how federation marks fields used by a field set)."""
    yield from _walk(graph, type_name, parse_field_set(fields), implementations)


def _walk(graph: Subgraph, type_name: str, selection_set: SelectionSetNode,
          implementations: bool):
    typedef = graph.types.get(type_name)
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            target = selection.type_condition.name.value if selection.type_condition else type_name
            yield from _walk(graph, target, selection.selection_set, implementations)
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
        if implementations and typedef is not None and typedef.kind == "interface":
            yield from ((t.name, name) for t in graph.types.values()
                        if type_name in t.interfaces and name in t.fields)
        if selection.selection_set:
            yield from _walk(graph, named_type(field.type), selection.selection_set,
                             implementations)
