"""What a subgraph works out from a parsed operation once, kept per document object.

The parse cache (Strawberry's ``ParserCache``, keyed by the operation text) hands out the same
``DocumentNode`` for the same text, so the document object itself is the key here. Keying by the
document's value, as Strawberry's ``ValidationCache`` does (an ``lru_cache`` over
``validate_document(schema, document, rules)``), hashes the whole tree on every request: AST
nodes are frozen dataclasses whose hash walks every child, which cost a subgraph more than the
lookup saved. A document parsed anew (another text, or evicted from the parse cache) is simply a
new key; an entry holds its document, so no other object can take its ``id``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

from graphql import DocumentNode, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from common.lru import LRU

__all__ = ["PerDocument", "ValidatedDocuments"]

V = TypeVar("V")


class PerDocument(Generic[V]):
    """At most ``size`` results, each computed once per (document object, ``key``)."""

    def __init__(self, size: int) -> None:
        self._entries: LRU[tuple[int, Hashable], tuple[DocumentNode, V]] = LRU(size)

    def get_or_make(self, document: DocumentNode, key: Hashable, make: Callable[[], V]) -> V:
        slot = (id(document), key)
        entry = self._entries.get(slot)
        if entry is not None and entry[0] is document:
            return entry[1]
        value = make()
        self._entries.put(slot, (document, value))
        return value


class ValidatedDocuments(SchemaExtension):
    """Validation errors of each document against the schema and rules it was checked with,
    computed once: they depend on nothing else (never on variables or the caller), so an
    invalid document stays invalid with the same errors."""

    def __init__(self, results: PerDocument[list[GraphQLError]]) -> None:
        super().__init__()
        self._results = results

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        schema, document = context.schema._schema, context.graphql_document
        rules = context.validation_rules
        assert document is not None  # validation runs after a successful parse
        # the key holds the schema and the rules (production adds one: another key)
        context.pre_execution_errors = self._results.get_or_make(
            document, (schema, rules), lambda: validate_document(schema, document, rules))
        yield
