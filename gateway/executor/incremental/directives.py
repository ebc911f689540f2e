"""``@defer``/``@stream`` as the client wrote them: on or off, label, initial count; their
removal before planning.

Incremental delivery RFC (graphql/graphql-spec#742, ``deferSpec=20220824``):
``directive @defer(if: Boolean! = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT``.
``directive @stream(if: Boolean! = true, label: String, initialCount: Int = 0) on FIELD``.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    IntValueNode,
    SelectionNode,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)
from graphql.language.visitor import REMOVE

__all__ = ["defer_directive", "defer_variables", "has_defer", "initial_count", "is_on",
           "label_of", "stream_directive", "without_incremental"]

_INCREMENTAL = ("defer", "stream")


def defer_directive(selection: SelectionNode) -> DirectiveNode | None:
    """The ``@defer`` on a fragment spread or inline fragment, if any."""
    for directive in selection.directives or ():
        if directive.name.value == "defer":
            return directive
    return None


def stream_directive(field: SelectionNode) -> DirectiveNode | None:
    """The ``@stream`` on a field, if any."""
    for directive in field.directives or ():
        if directive.name.value == "stream":
            return directive
    return None


def initial_count(directive: DirectiveNode, variables: dict[str, Any]) -> int:
    """``@stream(initialCount:)``: the items sent with the list, 0 by default (never below)."""
    for argument in directive.arguments or ():
        if argument.name.value == "initialCount":
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(0, int(value.value))
            if isinstance(value, VariableNode):
                found = variables.get(value.name.value)
                return max(0, found) if type(found) is int else 0
    return 0


def is_on(directive: DirectiveNode, variables: dict[str, Any]) -> bool:
    """``if`` defaults to true; a variable that is not ``false`` keeps the fragment deferred."""
    for argument in directive.arguments or ():
        if argument.name.value == "if":
            value = argument.value
            if isinstance(value, BooleanValueNode):
                return value.value
            if isinstance(value, VariableNode):
                return variables.get(value.name.value) is not False
    return True


def label_of(directive: DirectiveNode) -> str | None:
    """The static ``label`` (validation refuses a variable or a duplicate)."""
    for argument in directive.arguments or ():
        if argument.name.value == "label" and isinstance(argument.value, StringValueNode):
            return argument.value.value
    return None


def defer_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables some ``@defer(if:)`` of the document reads."""
    names: dict[str, None] = {}

    class _Reads(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            if node.name.value == "defer":
                for argument in node.arguments or ():
                    if argument.name.value == "if" and isinstance(argument.value, VariableNode):
                        names[argument.value.name.value] = None

    visit(document, _Reads())
    return tuple(names)


def has_defer(document: DocumentNode) -> bool:
    """True when some ``@defer`` or ``@stream`` is not switched off by a literal ``if: false``."""
    found = False

    class _Finds(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            nonlocal found
            if node.name.value in _INCREMENTAL and is_on(node, {}):
                found = True

    visit(document, _Finds())
    return found


def without_incremental(document: DocumentNode) -> DocumentNode:
    """The document without ``@defer``/``@stream``: subgraphs never see them (the gateway plans
    and delivers the parts itself), so the planner gets the merged operation."""
    seen = False

    class _Finds(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            nonlocal seen
            seen = seen or node.name.value in _INCREMENTAL

    visit(document, _Finds())
    if not seen:
        return document

    class _Strips(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> Any:
            return REMOVE if node.name.value in _INCREMENTAL else None

    return visit(document, _Strips())
