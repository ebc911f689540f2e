"""Cart errors, each a kit error so the GraphQL layer knows its ``extensions.code``."""

from __future__ import annotations

from subgraphs.kit.errors import AppError, BadUserInput, Conflict

__all__ = [
    "CartBusy",
    "CartFull",
    "CartStoreUnavailable",
    "CurrencyMismatch",
    "InvalidCartId",
    "InvalidQuantity",
    "MixedCurrencies",
    "UnknownProduct",
]


class InvalidQuantity(BadUserInput):
    """Out of 1..99, more than the stock left, or a line that is not in the cart."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="quantity")


class UnknownProduct(BadUserInput):
    """The products subgraph does not know this product id."""

    def __init__(self, product_id: str) -> None:
        super().__init__("Unknown product", field="productId", productId=product_id[:200])


class CurrencyMismatch(BadUserInput):
    """The product is priced in another currency than the rest of the cart."""

    def __init__(self, currency: str) -> None:
        super().__init__(f"The cart is priced in another currency than {currency}",
                         field="productId")


class CartFull(BadUserInput):
    """The cart already holds the most different products it may."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"A cart holds at most {limit} different products", field="productId")


class InvalidCartId(BadUserInput):
    """A guest cart id that we could not have issued (empty, too long, odd characters)."""

    def __init__(self, field: str) -> None:
        super().__init__("Invalid cart id", field=field)


class MixedCurrencies(Conflict):
    """The cart's products are priced in different currencies, so it has no single total."""


class CartBusy(Conflict):
    """Too many concurrent changes to one cart; the client may simply retry."""


class CartStoreUnavailable(AppError):
    """The cart store (Redis) cannot be reached; nothing was changed, retry later."""

    code = "SERVICE_UNAVAILABLE"
