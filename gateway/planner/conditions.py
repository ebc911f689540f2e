"""Root fields with their enclosing fragment directives, and single-variable fetch conditions.

GraphQL spec §3.13: `@skip(if:)`/`@include(if:)`; a fetch whose every field hangs on the same
variable can be skipped as a whole (a ConditionNode).
"""

from __future__ import annotations

from graphql import VariableNode

from gateway.planner.operation import FieldSel, Sel
from gateway.planner.selection import print_directives

__all__ = ["field_condition", "root_fields"]


def root_fields(sels: list[Sel], wrappers: tuple):
    """Root fields in document order with the directives of the fragments around them."""
    for sel in sels:
        if isinstance(sel, FieldSel):
            yield sel, wrappers
        else:
            directives = print_directives(sel.directives)
            inner = (*wrappers, (directives, sel.directives)) if directives else wrappers
            yield from root_fields(sel.selections, inner)


def field_condition(sel: FieldSel, wrappers: tuple) -> tuple[str, bool] | None:
    """The one variable `@include`/`@skip` a field depends on, counting enclosing fragments."""
    directives = [*(node for _text, nodes in wrappers for node in nodes), *sel.directives]
    if len(directives) != 1:
        return None
    directive = directives[0]
    if directive.name.value not in ("include", "skip") or not directive.arguments:
        return None
    value = directive.arguments[0].value
    if not isinstance(value, VariableNode):
        return None
    return value.name.value, directive.name.value == "include"
