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
    "Reserved",
    "internal_selections",
    "key_fields",
    "nested_clash",
    "reserved_keys",
]

INTERNAL = "__internal_"
TYPENAME_ALIAS = f"{INTERNAL}typename"  # fixed: the executor reads it (gateway.plan.nodes)

Meaning = tuple[str, str]
Allocate = Callable[[str, Meaning, bool], "str | None"]


class InternalAliases:
    """Response keys of planner-added fields per response path: one meaning per key."""

    def __init__(self) -> None:
        self._taken: dict[tuple[str, ...], dict[str, Meaning]] = {}

    def allocate(
        self,
        path: tuple[str, ...],
        name: str,
        meaning: Meaning,
        reserved: dict,
        plain: bool = True,
    ) -> str | None:
        """None to keep the plain name, else an alias no client key or other meaning uses.

        `plain=False` asks for an alias even when the plain name is free at this level (a
        composite field whose nested keys the client uses otherwise under the same name).
        """
        taken = self._taken.setdefault(path, {})
        if (
            plain
            and all(m == meaning for m in reserved.get(name, ()))
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


class Reserved(dict):
    """Response keys the client uses at one level (through fragments) -> their meanings."""

    def __init__(self, sels: list[Sel]) -> None:
        super().__init__()
        self.sels = sels
        for sel in _level_fields(sels):
            self.setdefault(sel.response_key, set()).add((sel.name, print_arguments(sel.arguments)))

    def nested(self, key: str) -> Reserved:
        """The keys the client uses one level below its fields answering under `key`."""
        inner = [s for f in _level_fields(self.sels) if f.response_key == key for s in f.selections]
        return Reserved(inner)


def _level_fields(sels: list[Sel]) -> list[FieldSel]:
    found: list[FieldSel] = []
    for sel in sels:
        if isinstance(sel, FragmentSel):
            found.extend(_level_fields(sel.selections))
        else:
            found.append(sel)
    return found


def reserved_keys(sels: list[Sel]) -> Reserved:
    """Response keys the client uses at one level (through fragments) and what they mean."""
    return Reserved(sels)


def nested_clash(node: FieldNode | InlineFragmentNode, reserved: dict) -> bool:
    """True when the client's keys in `reserved` give a nested field of `node` another meaning."""
    if not isinstance(reserved, Reserved):
        return False
    for child in node.selection_set.selections if node.selection_set else ():
        if isinstance(child, InlineFragmentNode):
            if nested_clash(child, reserved):
                return True
            continue
        assert isinstance(child, FieldNode)
        key = child.name.value
        meaning = (key, print_arguments(tuple(child.arguments or ())))
        if any(m != meaning for m in reserved.get(key, ())):
            return True
        if child.selection_set and nested_clash(child, reserved.nested(key)):
            return True
    return False


def _plain(_name: str, _meaning: Meaning, _plain_ok: bool) -> None:
    return None


def internal_selections(
    selection: SelectionSetNode,
    out: OutSelection | None,
    allocate: Allocate = _plain,
    reserved: dict | None = None,
) -> list[Sel]:
    """Turn a field set into selections, aliasing fields as `allocate` says.

    A field the fetch already selects with the same meaning is reused under its key, unless
    the client selects other meanings under that key's nested keys. Nested fields keep plain
    names: a composite field is aliased as a whole when its nested keys would clash.
    """
    reserved = reserved or {}
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
        if existing is not None and not _clashes(node, reserved, existing):
            alias = existing if existing != name else None
        else:
            alias = allocate(name, meaning, not _clashes(node, reserved, name))
        nested = internal_selections(node.selection_set, None) if node.selection_set else []
        sels.append(FieldSel(name, alias, arguments, (), nested))
    return sels


def _clashes(node: FieldNode, reserved: dict, key: str) -> bool:
    """True when a composite field answering under `key` would meet other client meanings."""
    if node.selection_set is None or not isinstance(reserved, Reserved):
        return False
    return nested_clash(node, reserved.nested(key))


def key_fields(sels: list[Sel]) -> tuple[KeyField, ...]:
    result: list[KeyField] = []
    for sel in sels:
        if isinstance(sel, FragmentSel):
            result.extend(key_fields(sel.selections))
        else:
            result.append(KeyField(sel.name, sel.response_key, key_fields(sel.selections)))
    return tuple(result)
