"""What a cart is: whose it is, its lines and its version (plain, frozen data)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

__all__ = ["CartKey", "Line", "PricedCart", "PricedLine", "StoredCart"]


@dataclass(frozen=True, slots=True)
class CartKey:
    """Whose cart: a signed-in user's (by user id) or a guest's (by an opaque cart id).

    The two kinds live apart in the store, so a guest cart id can never name a user's cart.
    """

    kind: Literal["user", "guest"]
    owner: str

    @property
    def storage(self) -> str:
        return f"{self.kind}:{self.owner}"

    @property
    def public_id(self) -> str:
        """``Cart.id``: a guest's own cart id (sent back in X-Cart-Id); a user's has a colon,
        which guest ids never do, so it can never pass for one."""
        return self.owner if self.kind == "guest" else f"user:{self.owner}"


@dataclass(frozen=True, slots=True)
class Line:
    product_id: str
    quantity: int


@dataclass(frozen=True, slots=True)
class StoredCart:
    """A cart as stored: lines in the order they were first added; version 0 = never written."""

    key: CartKey
    lines: tuple[Line, ...] = ()
    version: int = 0

    def quantity_of(self, product_id: str) -> int:
        return next((line.quantity for line in self.lines if line.product_id == product_id), 0)

    def product_ids(self) -> list[str]:
        return [line.product_id for line in self.lines]

    def with_lines(self, lines: tuple[Line, ...]) -> StoredCart:
        """The next version of this cart (every change increments the version)."""
        return replace(self, lines=lines, version=self.version + 1)


@dataclass(frozen=True, slots=True)
class PricedLine:
    product_id: str
    quantity: int
    unit_amount: int
    currency: str
    name: str  # the product's current name, read with its price

    @property
    def line_amount(self) -> int:
        return self.unit_amount * self.quantity


@dataclass(frozen=True, slots=True)
class PricedCart:
    """A cart priced at the products' current prices; unknown products are left out."""

    key: CartKey
    lines: tuple[PricedLine, ...]
    total_amount: int
    currency: str
    version: int
