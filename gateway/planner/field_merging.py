"""Alias the fields a subgraph could not merge under one response key, and say how to undo it.

GraphQL spec §5.3.2 (Field Selection Merging): fields answering under one response key, through
any fragments, must have the same response shape (SameResponseShape: wrappers, leaf types), and
where their parent types may overlap, the same name and arguments (FieldsInSetCanMerge). The
client's operation obeys this against the API schema, but a subgraph may type a field
differently (`id: ID!` on `User`, `id: ID` on `Admin`, where the supergraph says `ID` for both).
Such fields are split into classes that merge; every class but the first answers under a fresh
alias, and the fetch's `Rename`s put its answers back under the original key, where they
belong to other objects (the parents exclude each other) or repeat the same value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count

from gateway.plan import Rename
from gateway.planner.selection import OutField, OutSelection
from gateway.supergraph.subgraph_schema import SubgraphSchema, same_response_shape

__all__ = ["alias_unmergeable_fields"]

Placed = tuple[OutField, str | None]  # a field and its parent type in the subgraph


@dataclass(slots=True)
class _Class:
    """Fields under one response key that merge with each other, answering under `key`."""

    key: str
    fields: list[Placed] = field(default_factory=list)


def alias_unmergeable_fields(
    schema: SubgraphSchema, selection: OutSelection, parent: str | None
) -> tuple[Rename, ...]:
    """Alias fields of `selection` (in place) until every level merges; return the renames."""
    return _level(schema, [(selection, parent)])


def _level(schema: SubgraphSchema, sets: list[tuple[OutSelection, str | None]]) -> tuple:
    """One response level: the fields of every set, which answer into the same objects."""
    placed: list[Placed] = []
    for selection, parent in sets:
        _collect(selection, parent, placed)
    taken = {out.response_key for out, _ in placed}
    classes: dict[str, list[_Class]] = {}
    for item in placed:
        key = item[0].response_key
        group = classes.setdefault(key, [])
        home = next((c for c in group if all(_merge(schema, item, o) for o in c.fields)), None)
        if home is None:
            home = _Class(key if not group else _fresh(item[0].name, taken))
            group.append(home)
        home.fields.append(item)
    renames = []
    for key, group in classes.items():
        for home in group:
            rename = _settle(schema, key, home)
            if rename is not None:
                renames.append(rename)
    return tuple(renames)


def _collect(selection: OutSelection, parent: str | None, into: list[Placed]) -> None:
    for item in selection.items.values():
        if isinstance(item, OutField):
            into.append((item, parent))
        else:
            _collect(item.selection, item.type_condition or parent, into)


def _merge(schema: SubgraphSchema, left: Placed, right: Placed) -> bool:
    """FieldsInSetCanMerge for two fields at one level (their sub-selections: one level down)."""
    (a, parent_a), (b, parent_b) = left, right
    type_a, type_b = schema.field_type(parent_a, a.name), schema.field_type(parent_b, b.name)
    if type_a and type_b and not same_response_shape(schema, type_a, type_b):
        return False
    if parent_a == parent_b or not schema.is_object(parent_a) or not schema.is_object(parent_b):
        return (a.name, a.arguments) == (b.name, b.arguments)
    return True


def _fresh(name: str, taken: set[str]) -> str:
    for n in count(1):
        alias = f"__alias_{n}_{name}"
        if alias not in taken:
            taken.add(alias)
            return alias
    raise AssertionError("unreachable")


def _settle(schema: SubgraphSchema, key: str, home: _Class) -> Rename | None:
    """Give the class its key, merge its sub-selections as one level; the rename, if any."""
    below = []
    for out, parent in home.fields:
        if home.key != key:
            out.alias = home.key
        if out.selection is not None:
            below.append((out.selection, schema.child_type(parent, out.name)))
    nested = _level(schema, below) if below else ()
    if home.key == key and not nested:
        return None
    return Rename(home.key, key, nested)

