"""Automatic persisted queries (Apollo's APQ protocol): documents sent once, then by hash.

A request carries ``extensions.persistedQuery = {"version": 1, "sha256Hash": <hex>}``. With a
``query`` the hash must be that document's SHA-256 and the pair is stored; without one the stored
document is used, or the client gets PERSISTED_QUERY_NOT_FOUND (HTTP 200, so Apollo Client's
persisted-queries link retries with the full document).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING, Any, Protocol

from common.lru import LRU
from gateway.pipeline.errors import RequestError
from gateway.plugins import GraphQLRequest

if TYPE_CHECKING:
    from gateway.pipeline.trusted import TrustedDocuments

__all__ = [
    "InProcessQueryStore",
    "PersistedQueries",
    "PersistedQueryHashMismatch",
    "PersistedQueryNotFound",
    "PersistedQueryNotSupported",
    "QueryStore",
    "sha256_hex",
]


class QueryStore(Protocol):
    """Where registered documents live (in-process LRU, or Redis shared by replicas)."""

    async def get(self, digest: str) -> str | None: ...

    async def put(self, digest: str, query: str) -> None: ...


class PersistedQueryNotFound(RequestError):
    """The hash is unknown here: the client should send the document with it."""

    code = "PERSISTED_QUERY_NOT_FOUND"
    status = 200  # Apollo clients look at the code, and some CDNs must not cache a 4xx


class PersistedQueryHashMismatch(RequestError):
    """The document sent does not hash to the ``sha256Hash`` it came with."""

    code = "PERSISTED_QUERY_HASH_MISMATCH"


class PersistedQueryNotSupported(RequestError):
    """APQ is turned off on this gateway (or the protocol version is not 1)."""

    code = "PERSISTED_QUERY_NOT_SUPPORTED"


def sha256_hex(query: str) -> str:
    """The APQ hash of a document: lowercase hex SHA-256 of its UTF-8 text."""
    return hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()


class InProcessQueryStore:
    """An LRU of at most ``size`` documents, for a single replica or dev."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._items: LRU[str, str] = LRU(size)

    async def get(self, digest: str) -> str | None:
        return self._items.get(digest)

    async def put(self, digest: str, query: str) -> None:
        self._items.put(digest, query)


class PersistedQueries:
    """Resolve a request's document from its hash; a request without the extension passes.

    With ``trusted`` documents, a manifest id wins over the APQ store, and the mode (audit,
    safelist) is enforced on the document that will finally run, however it arrived.
    """

    def __init__(self, store: QueryStore | None, enabled: bool = True,
                 trusted: TrustedDocuments | None = None) -> None:
        self.store = store or InProcessQueryStore()
        self.enabled = enabled
        self.trusted = trusted

    async def resolve(self, request: GraphQLRequest) -> GraphQLRequest:
        digest = _requested_hash(request.extensions)
        if self.trusted is None and request.document_id is not None:
            raise PersistedQueryNotSupported("Trusted documents are not enabled here.")
        if self.trusted is not None:
            request, found = self.trusted.lookup(request, digest)
            digest = None if found else digest  # a manifest document needs no APQ store
        resolved = await self._automatic(request, digest)
        if self.trusted is not None:
            self.trusted.check(resolved)
        return resolved

    async def _automatic(self, request: GraphQLRequest, digest: str | None) -> GraphQLRequest:
        if digest is None:
            return request
        if not self.enabled:
            raise PersistedQueryNotSupported("Persisted queries are not supported.")
        if request.query:
            if sha256_hex(request.query) != digest:
                raise PersistedQueryHashMismatch("provided sha does not match query")
            await self.store.put(digest, request.query)
            return request
        query = await self.store.get(digest)
        if query is None:
            raise PersistedQueryNotFound("PersistedQueryNotFound")
        return dataclasses.replace(request, query=query)


def _requested_hash(extensions: dict[str, Any]) -> str | None:
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryNotSupported("Only persistedQuery version 1 is supported.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or len(digest) != 64:
        raise PersistedQueryHashMismatch("persistedQuery.sha256Hash must be 64 hex digits.")
    return digest.lower()
