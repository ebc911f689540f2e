"""The merged supergraph: each element with what every subgraph said about it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Arg, EnumValue, Field, Subgraph, TypeDef, TypeKind

__all__ = ["Merged", "SArg", "SField", "SType"]


@dataclass
class SArg:
    """An argument or input field merged across the subgraphs that define it."""

    name: str
    type: str
    by_graph: dict[str, Arg] = field(default_factory=dict)

    input_field: bool = False

    @property
    def default(self) -> str | None:
        """A default every subgraph gives; given in only some, there is none (composition
        cannot know which one clients rely on)."""
        defaults = [a.default for a in self.by_graph.values()]
        return None if None in defaults else defaults[0]


@dataclass
class SField:
    """A field merged across subgraphs; `args` holds only the intersection."""

    name: str
    type: str
    by_graph: dict[str, Field] = field(default_factory=dict)
    args: dict[str, SArg] = field(default_factory=dict)
    from_interface_object: bool = False


@dataclass
class SType:
    """A named type merged across subgraphs."""

    name: str
    kind: TypeKind
    by_graph: dict[str, TypeDef] = field(default_factory=dict)
    fields: dict[str, SField] = field(default_factory=dict)
    inputs: dict[str, SArg] = field(default_factory=dict)
    values: dict[str, dict[str, EnumValue]] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)

    def is_entity(self) -> bool:
        return any(t.keys for t in self.by_graph.values())

    def interface_object_graphs(self) -> list[str]:
        return [g for g, t in self.by_graph.items() if t.has("interfaceObject")]


@dataclass
class Merged:
    """All subgraphs (sorted by name) and the merged types, in first-seen order."""

    subgraphs: dict[str, Subgraph]
    types: dict[str, SType] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)
    composed: dict[str, object] = field(default_factory=dict)  # directive name -> definition
