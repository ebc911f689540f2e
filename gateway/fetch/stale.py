"""Recent public subgraph answers, kept to answer with when the subgraph cannot (stale-if-error).

Like HTTP's ``stale-if-error`` (RFC 5861 §4): an answer may be reused for a while after it was
fetched, only when the origin fails. Only queries are kept, and only those whose request
carries no header outside ``neutral_headers`` (request ids, trace context): an answer that an
Authorization, a cookie, a cart id or forwarded claims could have shaped is never stored, so it
can never reach another caller. Memory is bounded by entries and bytes (least recently stored
go first).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from common.lru import LRU

__all__ = ["StaleAnswer", "StaleCache"]


class StaleAnswer(dict[str, Any]):
    """A parsed subgraph response served from the cache; ``age`` in seconds."""

    subgraph: str = ""
    age: float = 0.0


@dataclass(frozen=True, slots=True)
class _Entry:
    raw: bytes
    at: float


class StaleCache:
    """Answers by (subgraph, request body); ``usable`` says whether a request may use it."""

    def __init__(self, neutral_headers: Iterable[str], max_entries: int = 1000,
                 max_bytes: int = 50_000_000, clock: Callable[[], float] = time.monotonic):
        self.neutral = frozenset(h.lower() for h in neutral_headers)
        self.max_entries, self.max_bytes, self._clock = max_entries, max_bytes, clock
        # least recently *stored* go first: get does not refresh
        self._entries: LRU[tuple[str, bytes], _Entry] = LRU(max_entries, max_bytes)

    def usable(self, headers: Mapping[str, str]) -> bool:
        """True when the request is public: no header it carries could personalise the answer."""
        return all(name.lower() in self.neutral for name in headers)

    def put(self, subgraph: str, body: bytes, raw: bytes) -> None:
        """Keep ``raw`` as the latest answer to ``body`` (too large ones are not kept)."""
        key = (subgraph, body)
        size = len(raw) + len(body)
        self._entries.pop(key)
        if size > self.max_bytes // 4 or self.max_entries == 0:
            return
        self._entries.put(key, _Entry(raw, self._clock()), weight=size)

    def get(self, subgraph: str, body: bytes, max_age: float) -> tuple[bytes, float] | None:
        """The kept answer and its age, if one is at most ``max_age`` seconds old."""
        entry = self._entries.get((subgraph, body), refresh=False)
        if entry is None:
            return None
        age = self._clock() - entry.at
        return (entry.raw, age) if age <= max_age else None

    def __len__(self) -> int:
        return len(self._entries)
