"""The supergraph model: which subgraphs know each type and resolve each field, and by which keys.

Terms follow the join spec (https://specs.apollo.dev/join/v0.5): a *graph* is a subgraph, named as
in `@join__graph(name:)`; keys, requires and provides are field sets parsed into selection sets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from graphql import GraphQLSchema, SelectionSetNode

__all__ = [
    "Access",
    "FieldInfo",
    "FieldJoin",
    "Key",
    "Supergraph",
    "TypeInfo",
    "TypeKind",
]

TypeKind = Literal["object", "interface", "union", "enum", "input", "scalar"]


@dataclass(frozen=True, slots=True)
class Key:
    """One `@key` of a type in one graph (`resolvable: false` keys can only be sent)."""

    graph: str
    fields: str
    selection: SelectionSetNode
    resolvable: bool = True


@dataclass(frozen=True, slots=True)
class FieldJoin:
    """One `@join__field`; `graph` is None in the graph-less form (interface object fields)."""

    graph: str | None
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False
    type: str | None = None
    context_arguments: tuple[str, ...] = ()  # join v0.5: arguments filled from a `@context`


@dataclass(frozen=True, slots=True)
class Access:
    """Security requirements (`@authenticated`, `@requiresScopes`, `@policy`) on a type or field."""

    authenticated: bool = False
    scopes: tuple[tuple[str, ...], ...] = ()
    policies: tuple[tuple[str, ...], ...] = ()


@dataclass(slots=True)
class FieldInfo:
    """A field of a composite type as the supergraph declares it."""

    name: str
    type_name: str
    list_depth: int
    joins: list[FieldJoin] = field(default_factory=list)
    inaccessible: bool = False
    access: Access = field(default_factory=Access)
    type_text: str = ""  # the supergraph's printed type, e.g. `[ID!]!`

    def type_in(self, graph: str) -> str:
        """The field's printed type in `graph`: join__field(type:) where given (a subgraph may
        differ in nullability or return a subtype), else the supergraph's."""
        join = self.join(graph)
        return (join.type if join is not None and join.type else None) or self.type_text

    def join(self, graph: str) -> FieldJoin | None:
        """The `@join__field` entry for `graph`, if any."""
        return next((j for j in self.joins if j.graph == graph), None)


@dataclass(slots=True)
class TypeInfo:
    """A named type with its per-graph federation metadata."""

    name: str
    kind: TypeKind
    graphs: list[str] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    interface_object_graphs: set[str] = field(default_factory=set)
    extension_graphs: set[str] = field(default_factory=set)  # `@join__type(extension: true)`
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    implements: dict[str, set[str]] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    union_members: dict[str, set[str]] = field(default_factory=dict)
    inaccessible: bool = False
    access: Access = field(default_factory=Access)

    def keys_in(self, graph: str, resolvable_only: bool = True) -> list[Key]:
        """Keys declared by `graph`; by default only those it can receive in `_entities`."""
        return [k for k in self.keys if k.graph == graph and (k.resolvable or not resolvable_only)]

    @property
    def is_abstract(self) -> bool:
        """Interfaces and unions (an interface object is still an interface here)."""
        return self.kind in ("interface", "union")


@dataclass(slots=True)
class Supergraph:
    """A loaded supergraph: the planning model plus the API schema clients see."""

    api_schema: GraphQLSchema
    subgraphs: dict[str, str]
    types: dict[str, TypeInfo]
    root_types: dict[str, str]
    join_version: str
    link_versions: dict[str, str] = field(default_factory=dict)
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    def type(self, name: str) -> TypeInfo:
        """The model of type `name` (KeyError for unknown names)."""
        return self.types[name]

    def possible_types(self, name: str) -> list[str]:
        """Object types that can be the runtime type of `name`, in supergraph order."""
        info = self.types[name]
        if info.kind == "object":
            return [name]
        if info.kind == "union":
            return list(info.members)
        return [t.name for t in self.types.values() if t.kind == "object" and name in t.interfaces]

    def possible_types_in(self, name: str, graph: str) -> list[str]:
        """Runtime types of `name` that `graph` itself knows as such (join__implements/member)."""
        info = self.types[name]
        if info.kind == "object":
            return [name] if graph in info.graphs else []
        if info.kind == "union":
            return [m for m in info.members if m in info.union_members.get(graph, ())]
        return [
            t for t in self.possible_types(name) if name in self.types[t].implements.get(graph, ())
        ]
