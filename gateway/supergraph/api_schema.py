"""Derive the API schema clients see: the supergraph minus link/join machinery and @inaccessible.

Apollo Federation docs, "API schema": every element marked `@inaccessible` is removed, and so are
the definitions and usages of the linked specs' directives and types.
"""

from __future__ import annotations

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    GraphQLDeferDirective,
    GraphQLError,
    GraphQLSchema,
    GraphQLStreamDirective,
    Node,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    build_ast_schema,
)

from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.links import Links

__all__ = ["build_api_schema"]

_LISTS = ("fields", "values", "arguments", "interfaces", "types")


def build_api_schema(document: DocumentNode, links: Links) -> GraphQLSchema:
    """Strip the machinery and inaccessible elements, then build a graphql-core schema."""
    spec = links.get("inaccessible")
    hidden = spec.directive("inaccessible") if spec else None
    removed = _hidden_types(document, links, hidden)
    definitions = [
        _clean(node, links, hidden, removed)
        for node in document.definitions
        if _keeps_definition(node, links, removed)
    ]
    try:
        schema = build_ast_schema(DocumentNode(definitions=tuple(definitions)),
                                  assume_valid_sdl=True)
    except (GraphQLError, TypeError) as error:
        raise SupergraphError(f"cannot build the API schema: {error}") from error
    return _with_incremental_directives(schema)


def _with_incremental_directives(schema: GraphQLSchema) -> GraphQLSchema:
    """Declare ``@defer`` and ``@stream`` (incremental delivery RFC), which the gateway plans
    itself: introspection shows them (GraphiQL offers them) and validation checks their rules
    (not on root mutation or subscription fields, unique static labels, ``@stream`` on lists)."""
    names = {directive.name for directive in schema.directives}
    extra = [d for d in (GraphQLDeferDirective, GraphQLStreamDirective) if d.name not in names]
    if not extra:
        return schema
    return GraphQLSchema(**{**schema.to_kwargs(), "directives": (*schema.directives, *extra)})


def _hidden_types(document: DocumentNode, links: Links, hidden: str | None) -> set[str]:
    names = set()
    for node in document.definitions:
        name = getattr(getattr(node, "name", None), "value", None)
        if name and (links.is_machinery(name) or _marked(node, hidden)):
            names.add(name)
    return names


def _marked(node: Node, hidden: str | None) -> bool:
    return hidden is not None and any(
        d.name.value == hidden for d in getattr(node, "directives", None) or ()
    )


def _keeps_definition(node: Node, links: Links, removed: set[str]) -> bool:
    if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
        return isinstance(node, SchemaDefinitionNode)
    name = getattr(getattr(node, "name", None), "value", None)
    if isinstance(node, DirectiveDefinitionNode):
        return not links.is_machinery(name)
    return name not in removed


def _clean(node: Node, links: Links, hidden: str | None, removed: set[str]) -> Node:
    """Copy `node` without machinery directives and without inaccessible children."""
    changes: dict = {}
    if getattr(node, "directives", None):
        changes["directives"] = tuple(
            d for d in node.directives if not _machinery_directive(d, links)
        )
    for attr in _LISTS:
        children = getattr(node, attr, None)
        if children and not isinstance(node, DirectiveNode):
            changes[attr] = tuple(
                _clean(child, links, hidden, removed)
                for child in children
                if not _marked(child, hidden) and not _names_removed(child, removed)
            )
    return _copy(node, changes) if changes else node


def _names_removed(child: Node, removed: set[str]) -> bool:
    """Union members and implemented interfaces are bare named types."""
    name = getattr(getattr(child, "name", None), "value", None)
    return type(child).__name__ == "NamedTypeNode" and name in removed


def _machinery_directive(directive: DirectiveNode, links: Links) -> bool:
    return links.is_machinery(directive.name.value)


def _copy(node: Node, changes: dict) -> Node:
    fields = {key: getattr(node, key) for key in node.keys if key != "loc"}
    return type(node)(**{**fields, **changes})
