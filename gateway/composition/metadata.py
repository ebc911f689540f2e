"""Federation metadata of one subgraph: which fields are external, provided, used, shareable.

Terms as Federation v2 composition applies them to a subgraph:
- external: `@external` on the field, or on its object type; but not a key field of a type
  extension (`extend type` / `@extends`), which the extension resolves itself ("fake" external);
- provided: named by a `@provides` of this subgraph; an external field that is provided is only
  partially external (this subgraph resolves it on the `@provides` path);
- used: named by a `@key`, `@requires` or `@provides` of this subgraph, or implementing a field
  of an interface (an `@external` field with no use is EXTERNAL_UNUSED);
- shareable: `@shareable` on the field or its type, a key field, or a provided external field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .fieldsets import FieldSetError, field_paths
from .model import Subgraph, TypeDef
from .typing_rules import named_type

__all__ = ["Metadata", "metadata"]

Coordinate = tuple[str, str]  # (type, field)


@dataclass
class Metadata:
    """The field sets of one subgraph resolved once: ask by (type, field)."""

    subgraph: Subgraph
    fake_external: set[Coordinate] = field(default_factory=set)
    provided: set[Coordinate] = field(default_factory=set)
    used: set[Coordinate] = field(default_factory=set)
    shareable: set[Coordinate] = field(default_factory=set)

    def is_external(self, type_name: str, name: str) -> bool:
        typedef = self.subgraph.types.get(type_name)
        declared = typedef.fields.get(name) if typedef else None
        if declared is None or (type_name, name) in self.fake_external:
            return False
        return declared.has("external") or typedef.has("external")

    def is_partially_external(self, type_name: str, name: str) -> bool:
        return self.is_external(type_name, name) and (type_name, name) in self.provided

    def is_fully_external(self, type_name: str, name: str) -> bool:
        return self.is_external(type_name, name) and (type_name, name) not in self.provided

    def is_used(self, type_name: str, name: str) -> bool:
        return (type_name, name) in self.used

    def is_shareable(self, type_name: str, name: str) -> bool:
        return (type_name, name) in self.shareable


def metadata(subgraph: Subgraph) -> Metadata:
    """Compute the subgraph's metadata (cheap enough to recompute after a change)."""
    meta = Metadata(subgraph)
    for typedef in subgraph.types.values():
        for key in typedef.keys:
            targets = set(_targets(subgraph, typedef.name, key.fields))
            meta.used |= targets
            meta.shareable |= targets
            if typedef.extension:
                meta.fake_external |= {t for t in _targets(subgraph, typedef.name, key.fields,
                                                           implementations=False)
                                       if _has_external(subgraph, t)}
        for name, f in typedef.fields.items():
            requires = f.string("requires")
            if requires is not None:
                meta.used |= set(_targets(subgraph, typedef.name, requires))
            provides = f.string("provides")
            if provides is not None and _composite(subgraph, named_type(f.type)):
                targets = set(_targets(subgraph, named_type(f.type), provides))
                meta.used |= targets
                meta.provided |= targets
            if f.has("shareable") or (typedef.has("shareable") and typedef.kind == "object"):
                meta.shareable.add((typedef.name, name))
        meta.used |= set(_implementations(subgraph, typedef))
    meta.shareable |= {t for t in meta.provided if meta.is_external(*t)}
    return meta


def _targets(subgraph: Subgraph, type_name: str, fields: str,
             implementations: bool = True) -> Iterator[Coordinate]:
    """The fields a field set names; an invalid one names nothing (its rule reports it)."""
    try:
        yield from list(field_paths(subgraph, type_name, fields, implementations))
    except FieldSetError:
        return


def _has_external(subgraph: Subgraph, target: Coordinate) -> bool:
    return subgraph.types[target[0]].fields[target[1]].has("external")


def _composite(subgraph: Subgraph, type_name: str) -> bool:
    typedef = subgraph.types.get(type_name)
    return typedef is not None and typedef.kind in ("object", "interface", "union")


def _implementations(subgraph: Subgraph, interface: TypeDef) -> Iterator[Coordinate]:
    """Fields of the subgraph's object types that implement one of this interface's fields."""
    if interface.kind != "interface":
        return
    for typedef in subgraph.types.values():
        if interface.name in typedef.interfaces:
            yield from ((typedef.name, n) for n in interface.fields if n in typedef.fields)
