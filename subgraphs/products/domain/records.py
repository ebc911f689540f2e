"""Plain values the catalog hands out and takes in: detached from the ORM, safe to cache."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Page", "ProductDraft", "ProductPatch", "ProductQuery", "ProductRecord", "ProductSort"]


class ProductSort(enum.Enum):
    """Orders a product listing can take; every order ends with the id so it is total."""

    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    NAME_ASC = "NAME_ASC"
    NAME_DESC = "NAME_DESC"
    NEWEST = "NEWEST"


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """What a new product needs."""

    sku: str
    name: str
    description: str
    price_amount: int
    price_currency: str
    category: str | None
    stock: int


@dataclass(frozen=True, slots=True)
class ProductRecord(ProductDraft):
    """One product as read from the database: a draft's fields (``stock`` is the units
    available to sell) plus its id, creation time and row version (raised by every stock
    change, so it orders the row's states). Build it by keyword."""

    id: str
    created_at: datetime
    version: int = 0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "created_at": self.created_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProductRecord:
        created = datetime.fromisoformat(data["created_at"]).astimezone(UTC)
        return cls(**{**data, "created_at": created})


@dataclass(frozen=True, slots=True)
class ProductPatch:
    """Fields to change; only the keys present in ``changes`` are touched."""

    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProductQuery:
    """One page request of the catalog listing."""

    first: int = 20
    after: str | None = None
    search: str | None = None
    category: str | None = None
    sort: ProductSort = ProductSort.NEWEST


@dataclass(frozen=True, slots=True)
class Page:
    """A slice of the listing with the cursor of every item, in order."""

    items: list[tuple[str, ProductRecord]]
    has_next_page: bool
    has_previous_page: bool
    total_count: int
