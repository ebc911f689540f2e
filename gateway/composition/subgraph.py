"""Parse one subgraph SDL into the composition model (Federation v2 subgraph spec)."""

from __future__ import annotations

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    GraphQLSyntaxError,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    parse,
    print_ast,
)
from graphql.language import (
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
)

from .diagnostics import CompositionFailed, error
from .links import KNOWN_VERSIONS, LinkInfo, read_links
from .model import Arg, Element, EnumValue, Field, Key, Subgraph, TypeDef, TypeKind
from .subgraph_schema import validate_subgraph_sdl

__all__ = ["parse_subgraph"]

_KINDS: dict[type, TypeKind] = {
    ObjectTypeDefinitionNode: "object", ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface", InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union", UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum", EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input", InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar", ScalarTypeExtensionNode: "scalar",
}
# Definitions a subgraph prints for the federation runtime, not part of its API
# (Federation subgraph spec: `_Service`, `_Entity`, `_Any`, `_service`, `_entities`).
_RUNTIME_TYPES = {"_Service", "_Any", "_Entity", "FieldSet", "_FieldSet", "link__Import",
                  "link__Purpose"}
_RUNTIME_FIELDS = {"_service", "_entities"}
_ROOTS = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}


def parse_subgraph(name: str, url: str, sdl: str) -> Subgraph:
    """Parse SDL; raise CompositionFailed with the location of a syntax error."""
    try:
        document = parse(sdl)
    except GraphQLSyntaxError as exc:
        loc = exc.locations[0] if exc.locations else None
        where = f" at line {loc.line}, column {loc.column}" if loc else ""
        raise CompositionFailed([error(
            "INVALID_GRAPHQL", f"malformed SDL{where}: {exc.message}", subgraph=name,
            hint="fix the subgraph schema syntax")]) from None
    reader = _Reader(name, url, document)
    if reader.links.version not in KNOWN_VERSIONS | {"v1.0"}:
        raise CompositionFailed([error(
            "UNKNOWN_FEDERATION_LINK_VERSION",
            f"federation {reader.links.version} is not supported (v2.0 to v2.11 are)",
            subgraph=name, hint="link https://specs.apollo.dev/federation/v2.11 or older")])
    problems = validate_subgraph_sdl(name, document, reader.links)
    if problems:
        raise CompositionFailed(problems)
    return reader.read()


class _Reader:
    """Walks one document, resolving directive names through its `@link`s."""

    def __init__(self, name: str, url: str, document: DocumentNode) -> None:
        self.document = document
        self.links: LinkInfo = read_links(document)
        self.subgraph = Subgraph(name, url, self.links.version, links=self.links.links,
                                 imported=self.links.imported)
        self.renames = _root_renames(document)

    def read(self) -> Subgraph:
        for node in self.document.definitions:
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                self._type(node)
            elif isinstance(node, DirectiveDefinitionNode):
                self._directive_definition(node)
            elif isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
                self._schema(node)
        for op, type_name in _ROOTS.items():
            if type_name in self.subgraph.types:
                self.subgraph.roots[op] = type_name
        return self.subgraph

    def _schema(self, node: SchemaDefinitionNode | SchemaExtensionNode) -> None:
        for directive in node.directives or ():
            if self.links.canonical(directive.name.value) == "composeDirective":
                value = _args(directive).get("name")
                if isinstance(value, StringValueNode):
                    self.subgraph.composed.append(value.value.lstrip("@"))

    def _directive_definition(self, node: DirectiveDefinitionNode) -> None:
        name = node.name.value
        if name != "link" and self.links.canonical(name) is None:
            self.subgraph.directive_defs[name] = node

    def _type(self, node) -> None:
        name = self.renames.get(node.name.value, node.name.value)
        if name in _RUNTIME_TYPES or name.startswith(("federation__", "link__")):
            return
        kind = _KINDS[type(node)]
        existing = self.subgraph.types.get(name)
        is_extension = isinstance(node, TypeExtensionNode)
        if existing is None:
            existing = TypeDef(name, kind=kind, extension=is_extension)
            self.subgraph.types[name] = existing
        elif not is_extension:
            existing.extension = False
        existing.defined = existing.defined or not is_extension
        if getattr(node, "description", None) and existing.description is None:
            existing.description = node.description.value
        self._directives(existing, node.directives)
        if existing.has("extends"):
            existing.extension = True
        self._members(existing, node)

    def _members(self, typedef: TypeDef, node) -> None:
        for key in typedef.fed.pop("key", []):
            fields = key.get("fields")
            resolvable = key.get("resolvable")
            typedef.keys.append(Key(getattr(fields, "value", ""),
                                    getattr(resolvable, "value", True) is not False))
        typedef.fed.setdefault("key", [])
        if not typedef.fed["key"]:
            del typedef.fed["key"]
        typedef.interfaces += [i.name.value for i in getattr(node, "interfaces", None) or ()]
        typedef.members += [t.name.value for t in getattr(node, "types", None) or ()]
        for value in getattr(node, "values", None) or ():
            typedef.values[value.name.value] = self._element(EnumValue(value.name.value), value)
        for fnode in getattr(node, "fields", None) or ():
            if typedef.kind == "input":
                typedef.inputs[fnode.name.value] = self._arg(fnode)
            elif fnode.name.value not in _RUNTIME_FIELDS:
                typedef.fields[fnode.name.value] = self._field(fnode)

    def _field(self, node) -> Field:
        result = self._element(Field(node.name.value, type=self._type_ref(node.type)), node)
        for arg in node.arguments or ():
            result.args[arg.name.value] = self._arg(arg)
        return result

    def _arg(self, node) -> Arg:
        default = print_ast(node.default_value) if node.default_value else None
        return self._element(Arg(node.name.value, type=self._type_ref(node.type),
                                 default=default), node)

    def _type_ref(self, node) -> str:
        printed = print_ast(node)
        named = printed.strip("[]!")
        return printed.replace(named, self.renames.get(named, named))

    def _element(self, element: Element, node) -> Element:
        if getattr(node, "description", None):
            element.description = node.description.value
        self._directives(element, node.directives)
        return element

    def _directives(self, element: Element, directives: tuple[DirectiveNode, ...] | None) -> None:
        for directive in directives or ():
            canonical = self.links.canonical(directive.name.value)
            if canonical is None:
                element.other.append(directive)
            else:
                self.subgraph.used[directive.name.value] = canonical
                element.fed.setdefault(canonical, []).append(_args(directive))


def _args(directive: DirectiveNode) -> dict:
    return {a.name.value: a.value for a in directive.arguments or ()}


def _root_renames(document: DocumentNode) -> dict[str, str]:
    """`schema { query: RootQuery }` composes as `Query` (Federation v2 root type rule)."""
    renames: dict[str, str] = {}
    for node in document.definitions:
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            for op in node.operation_types or ():
                renames[op.type.name.value] = _ROOTS[op.operation.value]
    return renames
