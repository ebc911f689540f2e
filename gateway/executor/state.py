"""The mutable state of one plan execution: the response tree, errors and failed objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["Execution", "Fetcher"]


class Fetcher(Protocol):
    """What the executor needs from ``gateway.fetch``: one GraphQL request to one subgraph."""

    async def fetch(
        self, subgraph: str, request: dict[str, Any], headers: dict[str, str], dedupe: bool
    ) -> dict[str, Any]: ...


def _no_headers(subgraph: str) -> dict[str, str]:
    return {}


@dataclass
class Execution:
    """Everything the plan nodes of one request read and write.

    ``stale`` names the subgraphs whose answer came from the gateway's stale cache.
    ``failed`` holds the ids of objects whose fetch failed: their missing fields are explained
    by that fetch's error, so shaping nulls them without inventing a second error.
    """

    fetcher: Fetcher
    variables: dict[str, Any]
    headers_for: Callable[[str], dict[str, str]] = _no_headers
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    failed: set[int] = field(default_factory=set)
    fetches: int = 0
    stale: dict[str, float] = field(default_factory=dict)  # subgraph -> oldest answer's age

    def note_stale(self, response: dict[str, Any]) -> None:
        """Remember that ``response`` came from the stale cache (``fetch.StaleAnswer``)."""
        subgraph = getattr(response, "subgraph", None)
        if subgraph:
            age = getattr(response, "age", 0.0)
            self.stale[subgraph] = max(age, self.stale.get(subgraph, 0.0))

    def mark_failed(self, objects: list[dict[str, Any]]) -> None:
        self.failed.update(id(obj) for obj in objects)
