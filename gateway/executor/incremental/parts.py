"""Split the client's operation into its primary part and its deferred parts, per request.

A deferred part is one ``@defer`` fragment reached along one path of response keys: it is
delivered for every object found at that path (through lists) once its fetches are done and the
part that holds it was delivered (incremental delivery RFC: a deferred fragment is delivered
only where its parent object exists in what the client has already received).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
)

from gateway.executor.fields import FieldCollector
from gateway.executor.incremental.directives import (
    defer_directive,
    initial_count,
    is_on,
    label_of,
    stream_directive,
)

__all__ = ["DeferredPart", "Step", "discover_parts"]

KeyPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """Read ``key`` from an object whose runtime type satisfies every one of ``conditions``."""

    key: str
    conditions: tuple[str, ...]


@dataclass(slots=True)
class DeferredPart:
    """Part 0 is the primary part; ``steps`` lead from the root to the part's objects."""

    number: int
    parent: int
    label: str | None = None
    steps: tuple[Step, ...] = ()
    conditions: tuple[str, ...] = ()  # on the part's own objects
    type: GraphQLNamedType | None = None  # the static type of the part's objects
    fragment: InlineFragmentNode | FragmentSpreadNode | None = None
    paths: set[KeyPath] = field(default_factory=set)  # every response path it selects
    stream: int | None = None  # a @stream: the items the list keeps (``steps`` lead to its
    key: str = ""  # holder, ``key`` is the list's response key, ``conditions`` the holder's)


def discover_parts(schema: GraphQLSchema, root: GraphQLObjectType, selection_set: SelectionSetNode,
                   fragments: dict[str, FragmentDefinitionNode],
                   variables: dict[str, Any]) -> list[DeferredPart]:
    """The primary part, then every deferred part in document order (``@skip``/``@include`` and
    ``@defer(if:)`` resolved with ``variables``)."""
    walk = _Walk(schema, fragments, variables)
    primary = DeferredPart(0, -1, type=root)
    walk.parts.append(primary)
    walk.selections(selection_set, primary, root, (), (), ())
    return _unstreamed_where_deferred(walk.parts)


def _unstreamed_where_deferred(parts: list[DeferredPart]) -> list[DeferredPart]:
    """A list whose items hold deferred fragments comes whole (the defer/stream WG lets a server
    ignore ``@stream``): a deferred fragment is delivered on objects the client already has."""
    deferred = [tuple(step.key for step in p.steps) for p in parts if p.stream is None]

    def ignored(part: DeferredPart) -> bool:
        at = (*(step.key for step in part.steps), part.key)
        return part.stream is not None and any(keys[:len(at)] == at for keys in deferred)

    kept = [part for part in parts if not ignored(part)]  # streams are leaves: no orphans
    numbers = {part.number: index for index, part in enumerate(kept)}
    for part in kept:
        part.number, part.parent = numbers[part.number], numbers.get(part.parent, -1)
    return kept


class _Walk:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.included = FieldCollector(schema, fragments, variables)._included
        self.parts: list[DeferredPart] = []

    def selections(self, selection_set: SelectionSetNode, part: DeferredPart,
                   parent: GraphQLNamedType, steps: tuple[Step, ...], prefix: KeyPath,
                   conditions: tuple[str, ...]) -> None:
        for selection in selection_set.selections:
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                self.field(selection, part, parent, steps, prefix, conditions)
                continue
            if isinstance(selection, FragmentSpreadNode):
                definition = self.fragments.get(selection.name.value)
                if definition is None:
                    continue
                condition, inner = definition.type_condition, definition.selection_set
            else:
                condition, inner = selection.type_condition, selection.selection_set
            narrowed = self.schema.get_type(condition.name.value) if condition else parent
            within = conditions + ((condition.name.value,) if condition else ())
            directive = defer_directive(selection)
            if directive is not None and is_on(directive, self.variables):
                typed = {(*prefix, "__typename")} if is_abstract_type(parent) else set()
                deferred = DeferredPart(len(self.parts), part.number, label_of(directive), steps,
                                        within, narrowed, selection, typed)
                self.parts.append(deferred)
                self.selections(inner, deferred, narrowed, steps, prefix, within)
            else:
                self.selections(inner, part, narrowed, steps, prefix, within)

    def field(self, node: FieldNode, part: DeferredPart, parent: GraphQLNamedType,
              steps: tuple[Step, ...], prefix: KeyPath, conditions: tuple[str, ...]) -> None:
        key = node.alias.value if node.alias else node.name.value
        path = (*prefix, key)
        part.paths.add(path)
        stream = stream_directive(node)
        if stream is not None and is_on(stream, self.variables):
            # the list's items come with its part; the ones past initialCount follow it
            self.parts.append(DeferredPart(len(self.parts), part.number, label_of(stream), steps,
                                           conditions, stream=initial_count(stream,
                                                                            self.variables),
                                           key=key))
        definition = getattr(parent, "fields", {}).get(node.name.value)
        if node.selection_set is None or definition is None:
            return
        named = get_named_type(definition.type)
        if is_abstract_type(named):  # shaping needs the runtime type: wait for who writes it
            part.paths.add((*path, "__typename"))
        self.selections(node.selection_set, part, named, (*steps, Step(key, conditions)), path,
                        ())
