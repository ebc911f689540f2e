"""One subgraph's own schema as the supergraph records it, for checking documents sent to it.

Join spec (https://specs.apollo.dev/join/v0.5): `@join__type` says which graphs know a type,
`@join__field` which know a field and, with `type:`, the type it has there (nullability may
differ, or a subtype be returned); `@join__implements` and `@join__unionMember` give the
possible types of interfaces and unions per graph. An `@interfaceObject` graph sees the
interface as an object type. Types without any `@join__type` (older supergraphs) are taken
as known everywhere.
"""

from __future__ import annotations

from functools import cache

from graphql import ListTypeNode, NonNullTypeNode, TypeNode, parse_type

from gateway.supergraph.model import Supergraph

__all__ = ["SubgraphSchema", "named_type", "same_response_shape", "subgraph_schema"]

_COMPOSITE = ("object", "interface", "union")


def subgraph_schema(supergraph: Supergraph, graph: str) -> SubgraphSchema:
    """The (memoised) schema of `graph` in `supergraph`."""
    schemas = supergraph.cache.setdefault("subgraph_schemas", {})
    if graph not in schemas:
        schemas[graph] = SubgraphSchema(supergraph, graph)
    return schemas[graph]


class SubgraphSchema:
    """Types, fields and possible types of one graph, answered from the supergraph model."""

    def __init__(self, supergraph: Supergraph, graph: str) -> None:
        self.supergraph = supergraph
        self.graph = graph
        self._possible: dict[str, frozenset[str]] = {}

    def knows(self, type_name: str) -> bool:
        info = self.supergraph.types.get(type_name)
        return info is not None and (not info.graphs or self.graph in info.graphs)

    def kind(self, type_name: str) -> str | None:
        """object, interface, union, enum, input or scalar; None when the graph lacks it."""
        if not self.knows(type_name):
            return None
        info = self.supergraph.types[type_name]
        return "object" if self.graph in info.interface_object_graphs else info.kind

    def is_object(self, type_name: str | None) -> bool:
        return type_name is not None and self.kind(type_name) == "object"

    def is_composite(self, type_name: str) -> bool:
        info = self.supergraph.types.get(type_name)
        return info is not None and info.kind in _COMPOSITE

    def possible_types(self, type_name: str) -> frozenset[str]:
        """GraphQL spec §5.5.2.3 GetPossibleTypes, in this graph."""
        found = self._possible.get(type_name)
        if found is None:
            found = self._possible[type_name] = frozenset(self._possible_types(type_name))
        return found

    def _possible_types(self, type_name: str) -> list[str]:
        kind = self.kind(type_name)
        if kind == "object":
            return [type_name]
        if kind in ("interface", "union"):
            return self.supergraph.possible_types_in(type_name, self.graph)
        return []

    def can_spread(self, condition: str, parent: str) -> bool:
        """§5.5.2.3 "Fragment spread is possible": the two types share a possible type here."""
        return bool(self.possible_types(condition) & self.possible_types(parent))

    def field_type(self, type_name: str | None, field_name: str) -> str | None:
        """The printed type of the field in this graph; None when the graph lacks it."""
        if field_name == "__typename":
            return "String!"
        if type_name is None or not self.knows(type_name):
            return None
        spec = self.supergraph.types[type_name].fields.get(field_name)
        if spec is None:
            return None
        if not spec.joins:
            return spec.type_text
        if spec.join(self.graph) is None:
            return None
        return spec.type_in(self.graph)

    def child_type(self, type_name: str | None, field_name: str) -> str | None:
        """The named type a field returns here (the supergraph's when the graph lacks it)."""
        found = self.field_type(type_name, field_name)
        if found is not None:
            return named_type(found)
        info = self.supergraph.types.get(type_name) if type_name is not None else None
        spec = info.fields.get(field_name) if info is not None else None
        return spec.type_name if spec is not None else None


@cache
def _type_node(text: str) -> TypeNode:
    return parse_type(text)


def named_type(text: str) -> str:
    """`[Book!]!` -> `Book`."""
    node = _type_node(text)
    while isinstance(node, NonNullTypeNode | ListTypeNode):
        node = node.type
    return node.name.value  # type: ignore[attr-defined]


def same_response_shape(schema: SubgraphSchema, left: str, right: str) -> bool:
    """GraphQL spec §5.3.2 SameResponseShape for two printed types, at this level: the same
    list and non-null wrappers, and the same leaf type or two composite ones (their
    sub-selections are compared as one merged set, one level down)."""
    a, b = _type_node(left), _type_node(right)
    while True:
        if isinstance(a, NonNullTypeNode) != isinstance(b, NonNullTypeNode):
            return False
        if isinstance(a, NonNullTypeNode):
            a, b = a.type, b.type  # type: ignore[attr-defined]
        if isinstance(a, ListTypeNode) != isinstance(b, ListTypeNode):
            return False
        if not isinstance(a, ListTypeNode):
            break
        a, b = a.type, b.type  # type: ignore[attr-defined]
    name_a, name_b = a.name.value, b.name.value  # type: ignore[attr-defined]
    return name_a == name_b or (schema.is_composite(name_a) and schema.is_composite(name_b))
