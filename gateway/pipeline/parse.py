"""Step 1: parse the document (GraphQL spec §2), cached by its text."""

from __future__ import annotations

from collections.abc import Hashable

from graphql import DocumentNode, GraphQLSyntaxError, parse

from gateway.pipeline.errors import LimitExceeded, ParseFailed
from gateway.pipeline.limits import Limits
from gateway.pipeline.lru import LRU, text_key

__all__ = ["Parser"]


class Parser:
    """Parse documents once; refuse oversized ones before reading them."""

    def __init__(
        self, limits: Limits, cache_size: int = 512, cache_bytes: int | None = None
    ) -> None:
        self.limits = limits
        self.cache: LRU[Hashable, DocumentNode | ParseFailed] = LRU(cache_size, cache_bytes)

    def parse(self, text: str, key: bytes | None = None) -> DocumentNode:
        size = len(text.encode())
        if size > self.limits.max_document_bytes:
            raise LimitExceeded(
                f"Document is {size} bytes; the maximum is {self.limits.max_document_bytes}.",
                "MAX_DOCUMENT_SIZE_LIMIT",
            )
        key = key or text_key(text)
        result = self.cache.get_or_make(key, lambda: self._parse(text), weight=size)
        if isinstance(result, ParseFailed):
            raise result.fresh()
        return result

    def _parse(self, text: str) -> DocumentNode | ParseFailed:
        # max_tokens bounds parsing work and memory for documents under the byte limit.
        try:
            return parse(text, max_tokens=self.limits.max_tokens)
        except GraphQLSyntaxError as error:
            return ParseFailed.from_graphql([error])  # type: ignore[return-value]
