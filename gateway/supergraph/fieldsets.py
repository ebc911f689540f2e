"""Parse `join__FieldSet` strings (keys, requires, provides) into selection sets."""

from __future__ import annotations

from functools import lru_cache

from graphql import GraphQLError, SelectionSetNode
from graphql.language import parse

from gateway.supergraph.errors import SupergraphError

__all__ = ["parse_field_set"]


@lru_cache(maxsize=4096)
def parse_field_set(text: str) -> SelectionSetNode:
    """Parse `"id sku { code }"` as the selection set `{ id sku { code } }`.

    Federation spec: a FieldSet is a selection set without its outer braces.
    """
    try:
        document = parse("{" + text + "}", no_location=True)
    except GraphQLError as error:
        raise SupergraphError(f"invalid field set {text!r}: {error.message}") from error
    return document.definitions[0].selection_set  # type: ignore[attr-defined]
