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

from gateway.plan import KeyField, KeyFragment
from gateway.planner.operation import FieldSel, FragmentSel, Sel, level_fields
from gateway.planner.selection import OutSelection, print_arguments
from gateway.supergraph import Supergraph

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
# (response keys below the position, field name, meaning, client keys there, plain name allowed)
Allocate = Callable[[tuple[str, ...], str, Meaning, dict, bool], "str | None"]


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
        # list levels (`@`) hold the same objects: one namespace per object, whatever the path
        taken = self._taken.setdefault(tuple(p for p in path if p != "@"), {})
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
        for sel in level_fields(sels):
            self.setdefault(sel.response_key, set()).add((sel.name, print_arguments(sel.arguments)))

    def nested(self, key: str) -> Reserved:
        """The keys the client uses one level below its fields answering under `key`."""
        inner = [s for f in level_fields(self.sels) if f.response_key == key for s in f.selections]
        return Reserved(inner)



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


def _plain(*_args: object) -> None:
    return None


def internal_selections(
    selection: SelectionSetNode,
    out: OutSelection | None,
    allocate: Allocate = _plain,
    reserved: dict | None = None,
    at: tuple[str, ...] = (),
) -> list[Sel]:
    """Turn a field set into selections, aliasing fields as `allocate` says, at every depth.

    A field the fetch already selects with the same meaning is reused under its key, unless
    the client selects other meanings under that key's nested keys; a composite field is then
    aliased as a whole. Nested fields are allocated one level down (`at`), against the
    client's keys there: two field sets asking `category { averagePrice(currency:) }` with
    different arguments answer under two keys. Inline fragments stay on the same level.
    """
    reserved = reserved or {}
    sels: list[Sel] = []
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            inner = internal_selections(node.selection_set, out, allocate, reserved, at)
            sels.append(FragmentSel(condition, (), inner))
            continue
        assert isinstance(node, FieldNode)
        name, arguments = node.name.value, tuple(node.arguments or ())
        meaning = (name, print_arguments(arguments))
        existing = out.response_key_of(*meaning) if out is not None else None
        if existing is not None and not _clashes(node, reserved, existing):
            alias = existing if existing != name else None
        else:
            plain = not _clashes(node, reserved, name)
            alias = allocate(at, name, meaning, reserved, plain)
        nested: list[Sel] = []
        if node.selection_set is not None:
            key = alias or name
            below = out.selection_of(key) if out is not None else None
            inner_reserved = reserved.nested(key) if isinstance(reserved, Reserved) else {}
            nested = internal_selections(
                node.selection_set, below, allocate, inner_reserved, (*at, key)
            )
        sels.append(FieldSel(name, alias, arguments, (), nested))
    return sels


def _clashes(node: FieldNode, reserved: dict, key: str) -> bool:
    """True when a composite field answering under `key` would meet other client meanings."""
    if node.selection_set is None or not isinstance(reserved, Reserved):
        return False
    return nested_clash(node, reserved.nested(key))


def key_fields(
    sels: list[Sel], supergraph: Supergraph | None = None, parent: str | None = None
) -> tuple[KeyField | KeyFragment, ...]:
    """How to read planned key or `@requires` selections back from the response tree.

    A fragment that keeps only some of the objects possible at `parent` becomes a
    `KeyFragment` of those types (Federation spec, @requires: the representation carries the
    field set as the object answers it, GraphQL spec §6.3.2 CollectFields); one that keeps
    them all is read like its fields.
    """
    result: list[KeyField | KeyFragment] = []
    for sel in sels:
        if isinstance(sel, FragmentSel):
            inner = key_fields(sel.selections, supergraph, sel.type_condition or parent)
            types = _narrowed(supergraph, sel.type_condition, parent)
            if types is None:
                result.extend(inner)
            else:
                result.append(KeyFragment(sel.type_condition or "", types, inner))
        else:
            child = _field_type(supergraph, parent, sel.name)
            nested = key_fields(sel.selections, supergraph, child)
            result.append(KeyField(sel.name, sel.response_key, nested))
    return tuple(result)


def _narrowed(
    supergraph: Supergraph | None, condition: str | None, parent: str | None
) -> tuple[str, ...] | None:
    """The concrete types a fragment keeps at `parent`; None when it keeps all of them."""
    if supergraph is None or condition is None or parent is None or condition == parent:
        return None
    if condition not in supergraph.types or parent not in supergraph.types:
        return None
    here = supergraph.possible_types(parent)
    allowed = set(supergraph.possible_types(condition))
    kept = tuple(t for t in here if t in allowed)
    return None if len(kept) == len(here) else kept


def _field_type(supergraph: Supergraph | None, parent: str | None, name: str) -> str | None:
    info = supergraph.types.get(parent) if supergraph is not None and parent else None
    spec = info.fields.get(name) if info is not None else None
    return spec.type_name if spec is not None else None
