"""Shrink a failing operation by hand-rolled deletion: drop one selection, alias or directive
at a time while the operation stays valid and keeps failing the same way."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

from graphql import GraphQLSchema, parse, print_ast, validate
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    visit,
)
from graphql.language.visitor import Visitor

__all__ = ["shrink_operation"]

Check = Callable[[dict[str, Any]], Awaitable[bool]]


def _selection_sets(node: Node, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    for attr in ("definitions", "selection_set", "selections"):
        child = getattr(node, attr, None)
        if isinstance(child, tuple):
            for i, c in enumerate(child):
                yield from _selection_sets(c, (*path, attr, i))
        elif child is not None:
            if isinstance(child, SelectionSetNode):
                yield (*path, attr)
            yield from _selection_sets(child, (*path, attr))


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step] if isinstance(step, int) else getattr(node, step)
    return node


def _set(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = list(node)
        items[step] = _set(items[step], rest, value)
        return tuple(items)
    return replace(node, **{step: _set(getattr(node, step), rest, value)})


def _smaller(document: DocumentNode) -> Iterator[DocumentNode]:
    """Each document with one selection, alias or directive less."""
    for path in _selection_sets(document):
        selections = _get(document, path).selections
        for i, selection in enumerate(selections):
            if len(selections) > 1:
                kept = selections[:i] + selections[i + 1:]
                yield _set(document, (*path, "selections"), kept)
            simpler = {}
            if getattr(selection, "directives", None):
                simpler["directives"] = ()
            if isinstance(selection, FieldNode) and selection.alias is not None:
                simpler["alias"] = None
            if simpler:
                yield _set(document, (*path, "selections", i), replace(selection, **simpler))


def _tidy(document: DocumentNode) -> DocumentNode:
    """Without fragments and variables nothing uses any more."""
    spreads = {n.name.value for n in _nodes(document, FragmentSpreadNode)}
    # A variable used anywhere appears twice or more: once is its own definition.
    uses = Counter(n.name.value for n in _nodes(document, VariableNode))
    definitions = []
    for d in document.definitions:
        if isinstance(d, FragmentDefinitionNode) and d.name.value not in spreads:
            continue
        if isinstance(d, OperationDefinitionNode):
            d = replace(d, variable_definitions=tuple(
                v for v in d.variable_definitions or () if uses[v.variable.name.value] > 1))
        definitions.append(d)
    return replace(document, definitions=tuple(definitions))


def _nodes(document: DocumentNode, kind: type) -> list[Any]:
    found: list[Any] = []

    class Collect(Visitor):
        def enter(self, node: Node, *_: Any) -> None:
            if isinstance(node, kind):
                found.append(node)

    visit(document, Collect())
    return found


async def shrink_operation(schema: GraphQLSchema, body: dict[str, Any],
                           still_fails: Check) -> dict[str, Any]:
    """The smallest operation reached by deletions for which `still_fails` holds."""
    document = parse(body["query"], no_location=True)
    improved = True
    while improved:
        improved = False
        for candidate in _smaller(document):
            candidate = _tidy(candidate)
            if validate(schema, candidate):
                continue
            used = {v.variable.name.value for d in candidate.definitions
                    if isinstance(d, OperationDefinitionNode) for v in d.variable_definitions}
            trial = {"query": print_ast(candidate),
                     "variables": {k: v for k, v in body["variables"].items() if k in used}}
            if await still_fails(trial):
                document, body, improved = candidate, trial, True
                break
    return body
