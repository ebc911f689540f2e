"""Fetch groups (one future subgraph fetch each) and the walker's position inside them."""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.plan import KeyField, KeyFragment
from gateway.planner.selection import OutSelection
from gateway.supergraph import Key

__all__ = ["Group", "Position", "RepBuilder", "settle_shared"]


Read = KeyField | KeyFragment


@dataclass(slots=True)
class RepBuilder:
    """Accumulates the fields of one representation type of an entity group."""

    type_name: str
    match_types: tuple[str, ...] = ()
    fields: dict[object, Read] = field(default_factory=dict)

    def widen(self, match_types: tuple[str, ...]) -> None:
        """Also build this representation for objects of `match_types`."""
        self.match_types += tuple(t for t in match_types if t not in self.match_types)

    def add(self, key_fields: tuple[Read, ...]) -> None:
        _add(self.fields, key_fields)

    def conflicts(self, key_fields: tuple[Read, ...]) -> bool:
        """True when a field would go into the representation under a name it already fills
        from another response key (`price` read from `price(currency: "USD")` here, from
        `price(currency: "EUR")` there): one representation cannot carry both."""
        return _conflicts(self.fields, key_fields)


def _identity(read: Read) -> object:
    return read.name if isinstance(read, KeyField) else ("...", read.type_condition)


def _add(fields: dict[object, Read], reads: tuple[Read, ...]) -> None:
    for read in reads:
        known = fields.get(_identity(read))
        fields[_identity(read)] = _merge(known, read) if known is not None else read


def _merge(left: Read, right: Read) -> Read:
    nested = {_identity(k): k for k in left.selections}
    _add(nested, right.selections)
    if isinstance(left, KeyFragment):
        return KeyFragment(left.type_condition, left.types, tuple(nested.values()))
    return KeyField(left.name, left.response_key, tuple(nested.values()))


def _conflicts(fields: dict[object, Read], reads: tuple[Read, ...]) -> bool:
    for read in reads:
        known = fields.get(_identity(read))
        if known is None:
            continue
        if isinstance(known, KeyField) and isinstance(read, KeyField):
            if known.response_key != read.response_key:
                return True
        if _conflicts({_identity(k): k for k in known.selections}, read.selections):
            return True
    return False


@dataclass(eq=False, slots=True)
class Group:
    """Everything one fetch to `graph` will select; entity groups run at `path`."""

    id: int
    graph: str
    path: tuple[str, ...]
    parent: Group | None
    kind: str = "query"
    selection: OutSelection = field(default_factory=OutSelection)
    reps: dict[str, RepBuilder] = field(default_factory=dict)
    deps: set[int] = field(default_factory=set)
    conditions: list[tuple[str, bool] | None] = field(default_factory=list)
    variables: set[str] = field(default_factory=set)
    # another fetch to the same place: > 0 breaks a `@requires` cycle or keeps apart required
    # fields read from other keys; < 0 one per concrete type into an `@interfaceObject` graph
    bucket: int = 0
    keys: dict[str, str] = field(default_factory=dict)  # representation type -> key entered by
    home: Group | None = None  # the first producer, when others share the fetch
    shared: set[int] = field(default_factory=set)  # producers that joined by the same key
    entry_types: set[str] = field(default_factory=set)  # types at the positions entering it
    guarded: bool = False  # first entered from inside a conditional fragment

    @property
    def is_entity(self) -> bool:
        return self.parent is not None

    @property
    def condition(self) -> tuple[str, bool] | None:
        """The one `@include`/`@skip` variable every field of the group hangs on, if any."""
        conditions = set(self.conditions)
        if len(conditions) != 1 or None in conditions:
            return None
        return next(iter(conditions))


def settle_shared(groups: list[Group]) -> None:
    """A shared fetch need not wait for the producers that joined it when its first one always
    runs and supplies the same key values for the same objects: it goes back under that one."""
    for group in groups:
        home = group.home
        if not group.shared or home is None or group.guarded or len(group.entry_types) != 1:
            continue
        if _always_runs(home):
            group.parent = home
            group.deps -= group.shared


def _always_runs(group: Group | None) -> bool:
    while group is not None:
        if group.condition is not None:
            return False
        group = group.parent
    return True


@dataclass(slots=True)
class Position:
    """Where the walker adds fields: a group, a selection in it, and the type/path there."""

    group: Group
    out: OutSelection
    type_name: str
    path: tuple[str, ...]
    provided: object = None
    reserved: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    key: Key | None = None
    origin: Position | None = None
    siblings: list = field(default_factory=list)
    wrappers: tuple = ()
    via: object = None  # the client field an intermediate hop's key fields are fetched for

    def at(self, out: OutSelection, type_name: str | None = None) -> Position:
        """The same place with another selection (a fragment) and possibly a narrower type."""
        return Position(
            self.group,
            out,
            type_name or self.type_name,
            self.path,
            self.provided,
            self.reserved,
            self.key,
            self.origin,
            self.siblings,
            self.wrappers,
            self.via,
        )
