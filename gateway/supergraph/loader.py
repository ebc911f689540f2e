"""Build the planning model from a supergraph document (join spec v0.2 to v0.5)."""

from __future__ import annotations

from graphql import (
    DefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    print_ast,
    value_from_ast_untyped,
)

from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.fieldsets import parse_field_set
from gateway.supergraph.links import Links
from gateway.supergraph.model import Access, FieldInfo, FieldJoin, Key, TypeInfo, TypeKind

__all__ = ["read_graphs", "read_root_types", "read_types"]

_KINDS: dict[type, TypeKind] = {
    ObjectTypeDefinitionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    UnionTypeDefinitionNode: "union",
    EnumTypeDefinitionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
}


def _args(directive: DirectiveNode) -> dict:
    return {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}


def _directives(node: DefinitionNode, name: str) -> list[dict]:
    return [_args(d) for d in getattr(node, "directives", ()) or () if d.name.value == name]


def read_graphs(document: DocumentNode, links: Links) -> dict[str, tuple[str, str]]:
    """Map each `join__Graph` enum value to its subgraph (name, url)."""
    join = links.get("join")
    if join is None:
        raise SupergraphError("not a supergraph: no @link to https://specs.apollo.dev/join")
    enum_name, directive = join.type("Graph"), join.directive("graph")
    for node in document.definitions:
        if isinstance(node, EnumTypeDefinitionNode) and node.name.value == enum_name:
            graphs = {}
            for value in node.values:
                args = next(iter(_directives(value, directive)), None)
                if args is None:
                    raise SupergraphError(f"{enum_name}.{value.name.value} lacks @{directive}")
                graphs[value.name.value] = (args["name"], args.get("url") or "")
            return graphs
    raise SupergraphError(f"not a supergraph: no enum {enum_name}")


def read_root_types(document: DocumentNode) -> dict[str, str]:
    """Operation kind -> root type name (schema definition, else the default names)."""
    for node in document.definitions:
        if isinstance(node, SchemaDefinitionNode):
            return {op.operation.value: op.type.name.value for op in node.operation_types}
    names = {n.name.value for n in document.definitions if hasattr(n, "name") and n.name}
    defaults = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
    return {op: name for op, name in defaults.items() if name in names}


class _Reader:
    """Reads join/security directives with the local names the document's @link gives them."""

    def __init__(self, links: Links, graphs: dict[str, tuple[str, str]]) -> None:
        join = links.get("join")
        assert join is not None
        self.join = join
        self.graph_names = {value: name for value, (name, _url) in graphs.items()}
        self.names = {
            spec: links.get(spec).directive(spec)  # type: ignore[union-attr]
            for spec in ("inaccessible", "authenticated", "requiresScopes", "policy")
            if links.get(spec) is not None
        }

    def graph(self, value: object) -> str | None:
        return self.graph_names.get(value) if isinstance(value, str) else None

    def joins(self, node: DefinitionNode, element: str) -> list[dict]:
        return _directives(node, self.join.directive(element))

    def inaccessible(self, node: DefinitionNode) -> bool:
        name = self.names.get("inaccessible")
        return bool(name and _directives(node, name))

    def access(self, node: DefinitionNode) -> Access:
        def values(spec: str, arg: str) -> tuple[tuple[str, ...], ...]:
            name = self.names.get(spec)
            found = _directives(node, name) if name else []
            return tuple(tuple(group) for args in found for group in args.get(arg) or [])

        name = self.names.get("authenticated")
        return Access(
            authenticated=bool(name and _directives(node, name)),
            scopes=values("requiresScopes", "scopes"),
            policies=values("policy", "policies"),
        )


def read_types(
    document: DocumentNode, links: Links, graphs: dict[str, tuple[str, str]]
) -> dict[str, TypeInfo]:
    """Every named type of the supergraph that is not link/join machinery."""
    reader = _Reader(links, graphs)
    types: dict[str, TypeInfo] = {}
    for node in document.definitions:
        kind = _KINDS.get(type(node))
        if kind is None or links.is_machinery(node.name.value):  # type: ignore[attr-defined]
            continue
        types[node.name.value] = _type(reader, node, kind)  # type: ignore[attr-defined]
    _fill_membership_defaults(types)
    return types


def _type(reader: _Reader, node: DefinitionNode, kind: TypeKind) -> TypeInfo:
    info = TypeInfo(name=node.name.value, kind=kind)  # type: ignore[attr-defined]
    info.inaccessible, info.access = reader.inaccessible(node), reader.access(node)
    for args in reader.joins(node, "type"):
        _join_type(reader, info, args)
    for args in reader.joins(node, "implements"):
        info.implements.setdefault(reader.graph(args["graph"]) or "", set()).add(args["interface"])
    for args in reader.joins(node, "unionMember"):
        info.union_members.setdefault(reader.graph(args["graph"]) or "", set()).add(args["member"])
    info.interfaces = [i.name.value for i in getattr(node, "interfaces", None) or ()]
    info.members = [m.name.value for m in getattr(node, "types", None) or ()]
    if kind in ("object", "interface"):
        info.fields = {f.name.value: _field(reader, f) for f in node.fields}  # type: ignore[attr-defined]
    return info


def _join_type(reader: _Reader, info: TypeInfo, args: dict) -> None:
    graph = reader.graph(args.get("graph"))
    if graph is None:
        raise SupergraphError(f"@join__type on {info.name} names an unknown graph")
    if graph not in info.graphs:
        info.graphs.append(graph)
    if args.get("isInterfaceObject"):
        info.interface_object_graphs.add(graph)
    if args.get("extension"):
        info.extension_graphs.add(graph)
    if args.get("key") is not None:
        resolvable = args.get("resolvable", True) is not False
        info.keys.append(Key(graph, args["key"], parse_field_set(args["key"]), resolvable))


def _field(reader: _Reader, node) -> FieldInfo:
    name, depth = _unwrap(node.type)
    info = FieldInfo(node.name.value, name, depth, type_text=print_ast(node.type))
    info.inaccessible, info.access = reader.inaccessible(node), reader.access(node)
    for args in reader.joins(node, "field"):
        info.joins.append(_field_join(reader, args))
    return info


def _field_join(reader: _Reader, args: dict) -> FieldJoin:
    def field_set(key: str):
        return parse_field_set(args[key]) if args.get(key) else None

    return FieldJoin(
        graph=reader.graph(args.get("graph")),
        requires=field_set("requires"),
        provides=field_set("provides"),
        external=bool(args.get("external")),
        override=args.get("override"),
        override_label=args.get("overrideLabel"),
        used_overridden=bool(args.get("usedOverridden")),
        type=args.get("type"),
        context_arguments=tuple(
            str(a.get("name")) for a in args.get("contextArguments") or () if isinstance(a, dict)
        ),
    )


def _unwrap(node: TypeNode) -> tuple[str, int]:
    depth = 0
    while isinstance(node, NonNullTypeNode | ListTypeNode):
        depth += isinstance(node, ListTypeNode)
        node = node.type
    return node.name.value, depth  # type: ignore[attr-defined]


def _fill_membership_defaults(types: dict[str, TypeInfo]) -> None:
    """join v0.2 has no `@join__unionMember`: a graph then knows the members it defines."""
    for info in types.values():
        if info.kind in ("object", "interface") and info.interfaces and not info.implements:
            for graph in info.graphs:
                known = {i for i in info.interfaces if graph in types[i].graphs}
                info.implements[graph] = known
        if info.kind == "union" and not info.union_members:
            for member in info.members:
                for graph in types[member].graphs if member in types else ():
                    if graph in info.graphs:
                        info.union_members.setdefault(graph, set()).add(member)
