"""Step 2: limits, then validation against the API schema (GraphQL spec §5), cached."""

from __future__ import annotations

from collections.abc import Hashable

from graphql import DocumentNode, GraphQLSchema, validate

from gateway.pipeline.errors import RequestError, ValidationFailed
from gateway.pipeline.limits import Limits, check_limits
from gateway.pipeline.lru import LRU

__all__ = ["Validator"]


class Validator:
    """Validate each document once; the verdict is cached by the digest of its text."""

    def __init__(self, schema: GraphQLSchema, limits: Limits, cache_size: int = 512) -> None:
        self.schema = schema
        self.limits = limits
        self.cache: LRU[Hashable, RequestError | None] = LRU(cache_size)

    def validate(self, key: bytes, document: DocumentNode) -> None:
        """``key`` identifies the document's text (``lru.text_key``)."""
        error = self.cache.get_or_make(key, lambda: self._validate(document))
        if error is not None:
            raise error.fresh()

    def _validate(self, document: DocumentNode) -> RequestError | None:
        try:
            check_limits(document, self.limits)
        except RequestError as error:
            return error
        errors = validate(self.schema, document, max_errors=50)
        return ValidationFailed.from_graphql(errors) if errors else None
