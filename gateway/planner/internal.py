"""Fields the planner adds for itself (keys, `@requires` inputs): aliasing and reading back.

An added field must not collide with a client response key of the same name but another meaning
(GraphQL spec §5.3.2, field selection merging); such fields get the `__internal_` prefix. Aliases
are allocated per response path, so two fetches writing into the same objects never reuse a key
for another meaning, and a client alias that happens to start with the prefix is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from gateway.plan import KeyField
from gateway.planner.operation import FieldSel, FragmentSel, Sel
from gateway.planner.selection import OutSelection, print_arguments

__all__ = [
    "INTERNAL",
    "TYPENAME_ALIAS",
    "InternalAliases",
    "internal_selections",
    "key_fields",
    "reserved_keys",
]

INTERNAL = "__internal_"
TYPENAME_ALIAS = f"{INTERNAL}typename"  # fixed: the executor reads it (gateway.plan.nodes)

Meaning = tuple[str, str]
Allocate = Callable[[str, Meaning], "str | None"]


class InternalAliases:
    """Response keys of planner-added fields per response path: one meaning per key."""

    def __init__(self) -> None:
        self._taken: dict[tuple[str, ...], dict[str, Meaning]] = {}

    def allocate(
        self, path: tuple[str, ...], name: str, meaning: Meaning, reserved: dict
    ) -> str | None:
        """None to keep the plain name, else an alias no client key or other meaning uses."""
        taken = self._taken.setdefault(path, {})
        if (
            all(m == meaning for m in reserved.get(name, ()))
            and taken.get(name, meaning) == meaning
        ):
            taken[name] = meaning
            return None
        for alias, known in taken.items():
            if known == meaning and alias.startswith(INTERNAL) and alias not in reserved:
                return alias
        for n in count(1):
            alias = f"{INTERNAL}{name}" if n == 1 else f"{INTERNAL}{n}_{name}"
            if alias not in reserved and alias not in taken and alias != TYPENAME_ALIAS:
                taken[alias] = meaning
                return alias
        raise AssertionError("unreachable")


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


def _plain(_name: str, _meaning: Meaning) -> None:
    return None


def internal_selections(
    selection: SelectionSetNode, out: OutSelection | None, allocate: Allocate = _plain
) -> list[Sel]:
    """Turn a field set into selections, aliasing fields as `allocate` says.

    A field the fetch already selects with the same meaning is reused under its key.
    Nested selections keep plain names (see the package notes).
    """
    sels: list[Sel] = []
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            sels.append(FragmentSel(condition, (), internal_selections(node.selection_set, None)))
            continue
        assert isinstance(node, FieldNode)
        name, arguments = node.name.value, tuple(node.arguments or ())
        meaning = (name, print_arguments(arguments))
        existing = out.response_key_of(*meaning) if out is not None else None
        if existing is not None:
            alias = existing if existing != name else None
        else:
            alias = allocate(name, meaning)
        nested = internal_selections(node.selection_set, None) if node.selection_set else []
        sels.append(FieldSel(name, alias, arguments, (), nested))
    return sels


def key_fields(sels: list[Sel]) -> tuple[KeyField, ...]:
    result: list[KeyField] = []
    for sel in sels:
        if isinstance(sel, FragmentSel):
            result.extend(key_fields(sel.selections))
        else:
            result.append(KeyField(sel.name, sel.response_key, key_fields(sel.selections)))
    return tuple(result)
