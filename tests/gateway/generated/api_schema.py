"""The API schema clients see, read from a composed supergraph with graphql-core alone.

Federation's join and link machinery and every `@inaccessible` element are removed; what stays
is what a client may ask for (Federation spec: "@inaccessible" elements are omitted from the
API schema). Built here, not by our gateway, so a gateway bug cannot hide an operation.
"""

from __future__ import annotations

from dataclasses import replace

from graphql import GraphQLSchema, build_ast_schema, parse
from graphql.language import (
    DirectiveDefinitionNode,
    DocumentNode,
    Node,
    SchemaDefinitionNode,
)

__all__ = ["api_schema"]

MACHINERY = ("join__", "link__")


def _inaccessible(node: Node) -> bool:
    return any(d.name.value == "inaccessible" for d in getattr(node, "directives", None) or ())


def _clean(node: Node) -> Node:
    changes: dict[str, object] = {"directives": ()}
    for attr in ("fields", "values", "arguments"):
        children = getattr(node, attr, None)
        if children:
            changes[attr] = tuple(_clean(c) for c in children if not _inaccessible(c))
    return replace(node, **changes)


def api_schema(supergraph_sdl: str) -> GraphQLSchema:
    """The supergraph's API schema as a graphql-core schema."""
    document = parse(supergraph_sdl)
    hidden = {d.name.value for d in document.definitions if hasattr(d, "name")
              and d.name is not None and (_inaccessible(d) or d.name.value.startswith(MACHINERY))}
    kept = []
    for definition in document.definitions:
        if isinstance(definition, DirectiveDefinitionNode):
            continue
        if isinstance(definition, SchemaDefinitionNode):
            kept.append(replace(definition, directives=()))
            continue
        if getattr(definition, "name", None) is not None and definition.name.value in hidden:
            continue
        cleaned = _clean(definition)
        types = getattr(cleaned, "types", None)
        if types:
            cleaned = replace(cleaned, types=tuple(t for t in types if t.name.value not in hidden))
        kept.append(cleaned)
    return build_ast_schema(DocumentNode(definitions=tuple(kept)))
