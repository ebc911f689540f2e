"""GraphQL validity of one subgraph SDL (GraphQL spec "Type System" validation).

Federation directives are declared for whatever local names the subgraph's `@link` gives them,
and type extensions with no base become definitions: a subgraph may extend a type it does not
define (Federation subgraph spec), which plain GraphQL would reject.
"""

from __future__ import annotations

import re
from functools import lru_cache

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    GraphQLError,
    TypeDefinitionNode,
    TypeExtensionNode,
    build_ast_schema,
    parse,
    validate_schema,
)
from graphql.language import ast
from graphql.validation.validate import validate_sdl

from .diagnostics import Diagnostic, error
from .links import FEDERATION_DIRECTIVES, LinkInfo

__all__ = ["validate_subgraph_sdl"]

_LOCATIONS = ("SCHEMA | SCALAR | OBJECT | FIELD_DEFINITION | ARGUMENT_DEFINITION | INTERFACE"
              " | UNION | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION")
# Each federation directive with its arguments (federation spec v2.x); argument types stay
# permissive, since checking values is the subgraph rules' job. `label:` of @override is v2.7+.
_ARGUMENTS = {
    "key": ("fields", "resolvable"), "requires": ("fields",), "provides": ("fields",),
    "external": ("reason",), "override": ("from", "label"), "tag": ("name",),
    "composeDirective": ("name",), "requiresScopes": ("scopes",), "policy": ("policies",),
    "context": ("name",), "fromContext": ("field",), "cost": ("weight",),
    "listSize": ("assumedSize", "slicingArguments", "sizedFields", "requireOneSlicingArgument"),
    "link": ("url", "as", "for", "import"),
}
_EXTENSION_TO_DEFINITION = {
    ast.ObjectTypeExtensionNode: ast.ObjectTypeDefinitionNode,
    ast.InterfaceTypeExtensionNode: ast.InterfaceTypeDefinitionNode,
    ast.UnionTypeExtensionNode: ast.UnionTypeDefinitionNode,
    ast.EnumTypeExtensionNode: ast.EnumTypeDefinitionNode,
    ast.InputObjectTypeExtensionNode: ast.InputObjectTypeDefinitionNode,
    ast.ScalarTypeExtensionNode: ast.ScalarTypeDefinitionNode,
}


def validate_subgraph_sdl(name: str, document: DocumentNode, links: LinkInfo) -> list[Diagnostic]:
    """Unknown types or directives, bad interface implementations, wrong input/output types."""
    buildable = _buildable(document, links)
    errors = validate_sdl(buildable)
    if errors:
        return [_diagnostic(name, e, document) for e in errors]
    try:
        schema = build_ast_schema(buildable, assume_valid_sdl=True)
    except (GraphQLError, TypeError) as exc:
        return [_diagnostic(name, exc, document)]
    # a subgraph need not have a Query type; the supergraph must (checked after merging)
    return [_diagnostic(name, e, document) for e in validate_schema(schema)
            if not e.message.startswith("Query root type must be provided")]


def _diagnostic(name: str, exc: Exception, document: DocumentNode) -> Diagnostic:
    message = getattr(exc, "message", None) or str(exc)
    locations = getattr(exc, "locations", None)
    where = f" at line {locations[0].line}, column {locations[0].column}" if locations else ""
    hint = "fix the subgraph schema"
    unknown = re.match(r"Unknown directive '@(\w+)'", message)
    if unknown and unknown.group(1) in FEDERATION_DIRECTIVES:
        directive = unknown.group(1)
        hint = (f'add "@{directive}" to the import list of the federation @link, '
                f"or write @federation__{directive}")
    return error("INVALID_GRAPHQL", f"invalid schema{where}: {message}", subgraph=name,
                 coordinate=_coordinate(document, getattr(exc, "positions", None) or ()),
                 hint=hint)


def _coordinate(document: DocumentNode, positions) -> str:
    """`Type` or `Type.field` around the first position the error points at."""
    for position in positions[:1]:
        for node in document.definitions:
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode) and _spans(node, position):
                fields = [f for f in getattr(node, "fields", None) or () if _spans(f, position)]
                return node.name.value + (f".{fields[0].name.value}" if fields else "")
    return ""


def _spans(node, position: int) -> bool:
    return node.loc is not None and node.loc.start <= position < node.loc.end


def _buildable(document: DocumentNode, links: LinkInfo) -> DocumentNode:
    defined = {d.name.value for d in document.definitions
               if isinstance(d, TypeDefinitionNode | DirectiveDefinitionNode)}
    # declare only the federation names the document applies: fewer definitions to validate
    applied = _applied_directives(document)
    names = links.names | {"link": "link"}
    label = links.version not in ("v1.0", *(f"v2.{minor}" for minor in range(7)))
    missing = tuple(sorted((n, names[n], label) for n in names
                           if n not in defined and n in applied))
    return DocumentNode(definitions=(*_with_bases(document, defined),
                                     *_declarations(missing)))


@lru_cache(maxsize=256)
def _declarations(names: tuple[tuple[str, str, bool], ...]) -> tuple:
    """`(local name, canonical name, label allowed)` to permissive directive definitions."""
    return parse("scalar _FederationAny\n" + "\n".join(
        f"directive @{local}{_signature(canonical, label)} repeatable on {_LOCATIONS}"
        for local, canonical, label in names), no_location=True).definitions


def _signature(canonical: str, label: bool) -> str:
    arguments = [a for a in _ARGUMENTS.get(canonical, ()) if label or a != "label"]
    return f"({', '.join(f'{a}: _FederationAny' for a in arguments)})" if arguments else ""


def _applied_directives(document: DocumentNode) -> set[str]:
    """Names of every directive applied anywhere in the document."""
    names: set[str] = set()
    pending: list = list(document.definitions)
    while pending:
        node = pending.pop()
        names.update(d.name.value for d in getattr(node, "directives", None) or ())
        for attr in ("fields", "arguments", "values"):
            pending.extend(getattr(node, attr, None) or ())
    return names


def _with_bases(document: DocumentNode, defined: set[str]) -> list:
    """Turn the first extension of a type nobody defines into its definition."""
    result = []
    for node in document.definitions:
        if isinstance(node, TypeExtensionNode) and node.name.value not in defined:
            defined.add(node.name.value)
            kind = _EXTENSION_TO_DEFINITION[type(node)]
            node = kind(**{k: getattr(node, k, None) for k in kind.keys if k != "loc"
                           and hasattr(node, k)})
        result.append(node)
    return result
