"""Normalise a client operation: pick it, inline named fragments, keep directives as written.

GraphQL spec §6.3 (Executing Selection Sets): fragments only group fields; spreading them inline
keeps the meaning, and `@skip`/`@include` stay on the node they were written on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
)

from gateway.planner.errors import PlanningError

__all__ = [
    "FieldSel", "FragmentSel", "Operation", "Sel", "level_fields", "normalise", "selections_of",
]


@dataclass(slots=True)
class FieldSel:
    """A field as the client (or a key/requires field set) selects it."""

    name: str
    alias: str | None = None
    arguments: tuple[ArgumentNode, ...] = ()
    directives: tuple[DirectiveNode, ...] = ()
    selections: list[Sel] = field(default_factory=list)

    @property
    def response_key(self) -> str:
        return self.alias or self.name


@dataclass(slots=True)
class FragmentSel:
    """An inline fragment (named spreads are turned into these)."""

    type_condition: str | None
    directives: tuple[DirectiveNode, ...] = ()
    selections: list[Sel] = field(default_factory=list)


Sel = FieldSel | FragmentSel


def level_fields(sels: list[Sel]) -> list[FieldSel]:
    """The fields of one level, looking through inline fragments (GraphQL spec §6.3.2)."""
    found: list[FieldSel] = []
    for sel in sels:
        if isinstance(sel, FragmentSel):
            found.extend(level_fields(sel.selections))
        else:
            found.append(sel)
    return found


@dataclass(slots=True)
class Operation:
    """The chosen operation with fragments inlined."""

    kind: str
    name: str | None
    variables: dict[str, VariableDefinitionNode]
    selections: list[Sel]


def normalise(document: DocumentNode, operation_name: str | None = None) -> Operation:
    """Pick the operation (GraphQL spec §6.1 GetOperation) and inline its fragments."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    chosen = _choose(operations, operation_name)
    return Operation(
        kind=chosen.operation.value,
        name=chosen.name.value if chosen.name else None,
        variables={v.variable.name.value: v for v in chosen.variable_definitions or ()},
        selections=selections_of(chosen.selection_set, fragments),
    )


def _choose(operations: list[OperationDefinitionNode], name: str | None) -> OperationDefinitionNode:
    if name is None:
        if len(operations) != 1:
            raise PlanningError("an operation name is required when the document has several")
        return operations[0]
    for operation in operations:
        if operation.name and operation.name.value == name:
            return operation
    raise PlanningError(f"unknown operation named {name!r}")


def selections_of(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode] | None = None,
    seen: frozenset[str] = frozenset(),
) -> list[Sel]:
    """Convert a selection set (client's, or a parsed field set) into Sel trees."""
    fragments = fragments or {}
    result: list[Sel] = []
    for node in selection_set.selections if selection_set else ():
        if isinstance(node, FieldNode):
            result.append(_field(node, fragments, seen))
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            inner = selections_of(node.selection_set, fragments, seen)
            result.append(FragmentSel(condition, tuple(node.directives or ()), inner))
        elif isinstance(node, FragmentSpreadNode):
            result.append(_spread(node, fragments, seen))
    return result


def _field(node: FieldNode, fragments: dict, seen: frozenset[str]) -> FieldSel:
    return FieldSel(
        name=node.name.value,
        alias=node.alias.value if node.alias else None,
        arguments=tuple(node.arguments or ()),
        directives=tuple(node.directives or ()),
        selections=selections_of(node.selection_set, fragments, seen),
    )


def _spread(node: FragmentSpreadNode, fragments: dict, seen: frozenset[str]) -> FragmentSel:
    name = node.name.value
    if name not in fragments or name in seen:
        raise PlanningError(f"unknown or cyclic fragment {name!r}")
    definition = fragments[name]
    inner = selections_of(definition.selection_set, fragments, seen | {name})
    return FragmentSel(definition.type_condition.name.value, tuple(node.directives or ()), inner)
