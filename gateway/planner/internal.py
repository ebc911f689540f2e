"""Fields the planner adds for itself (keys, `@requires` inputs): aliasing and reading back.

An added field must not collide with a client response key of the same name but another meaning
(GraphQL spec §5.3.2, field selection merging); such fields get the `__internal_` prefix.
"""

from __future__ import annotations

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.plan import KeyField
from gateway.planner.operation import FieldSel, FragmentSel, Sel
from gateway.planner.selection import OutSelection, print_arguments

__all__ = ["INTERNAL", "internal_selections", "key_fields", "reserved_keys"]

INTERNAL = "__internal_"


def reserved_keys(sels: list[Sel]) -> dict[str, set[tuple[str, str]]]:
    """Response keys the client uses at one level (through fragments) and what they mean."""
    found: dict[str, set[tuple[str, str]]] = {}
    for sel in sels:
        if isinstance(sel, FragmentSel):
            for key, meanings in reserved_keys(sel.selections).items():
                found.setdefault(key, set()).update(meanings)
        else:
            found.setdefault(sel.response_key, set()).add(
                (sel.name, print_arguments(sel.arguments))
            )
    return found


def internal_selections(
    selection: SelectionSetNode, out: OutSelection | None, reserved: dict
) -> list[Sel]:
    """Turn a field set into selections, aliasing fields whose plain key the client took."""
    sels: list[Sel] = []
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            sels.append(
                FragmentSel(condition, (), internal_selections(node.selection_set, None, {}))
            )
            continue
        assert isinstance(node, FieldNode)
        name, arguments = node.name.value, tuple(node.arguments or ())
        meaning = (name, print_arguments(arguments))
        existing = out.response_key_of(*meaning) if out is not None else None
        clash = any(m != meaning for m in reserved.get(name, ()))
        alias = existing if existing and existing != name else None
        if alias is None and clash:
            alias = f"{INTERNAL}{name}"
        sels.append(
            FieldSel(
                name,
                alias,
                arguments,
                (),
                internal_selections(node.selection_set, None, {}) if node.selection_set else [],
            )
        )
    return sels


def key_fields(sels: list[Sel]) -> tuple[KeyField, ...]:
    result: list[KeyField] = []
    for sel in sels:
        if isinstance(sel, FragmentSel):
            result.extend(key_fields(sel.selections))
        else:
            result.append(KeyField(sel.name, sel.response_key, key_fields(sel.selections)))
    return tuple(result)
