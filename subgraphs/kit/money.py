"""The ``Money`` value type every subgraph prints alike (STYLE.md habit 8: money is integers)."""

from __future__ import annotations

import strawberry

__all__ = ["Money"]


# Federation v2: a value type defined alike in several subgraphs must be @shareable.
@strawberry.federation.type(shareable=True, description="Integer minor units + ISO 4217 code.")
class Money:
    amount: int
    currency: str
