"""Settings of the stale-answer cache (the per-subgraph windows are in ``traffic``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["StaleCacheConfig"]


class StaleCacheConfig(BaseModel):
    """Bounds of the cache of recent public subgraph answers (one per gateway process)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_entries: int = Field(2000, ge=0, description="Answers kept (least recent go first).")
    max_bytes: int = Field(
        64_000_000, ge=0, description="Bytes of answers and request bodies kept; one answer "
        "above a quarter of it is never kept."
    )
    neutral_headers: list[str] = Field(
        # x-forwarded-for: the gateway tells every subgraph the client's address (login
        # throttling reads it); it never changes a public query's answer
        ["x-request-id", "traceparent", "tracestate", "x-forwarded-for"],
        description="Subgraph request headers that cannot change an answer. A request carrying "
        "any other header (Authorization, a cart id, forwarded claims...) is personalised: its "
        "answer is never kept and it is never answered stale. In-flight deduplication "
        "(traffic.*.deduplicate_queries) ignores them too when comparing requests.",
    )
