"""The pipeline's preparation caches: ``common.lru.LRU`` keyed by a digest of the document text."""

from __future__ import annotations

import hashlib

from common.lru import LRU

__all__ = ["LRU", "text_key"]


def text_key(text: str) -> bytes:
    """A fixed-size cache key for a document: caches then hold no client text as keys."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
