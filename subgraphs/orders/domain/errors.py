"""Orders errors, each a kit error so the GraphQL layer knows its ``extensions.code``."""

from __future__ import annotations

from subgraphs.kit.errors import BadUserInput, Conflict, NotFound

__all__ = [
    "CartVersionReused",
    "EmptyCart",
    "IllegalTransition",
    "InvalidCursor",
    "InvalidInput",
    "MixedCurrencies",
    "OrderNotFound",
    "ProductGone",
    "TotalTooLarge",
]


class OrderNotFound(NotFound):
    """No such order, or not the caller's: the two look alike so existence never leaks."""

    def __init__(self) -> None:
        super().__init__("Order not found")


class EmptyCart(BadUserInput):
    """Checkout of a cart without lines."""

    def __init__(self) -> None:
        super().__init__("Your cart is empty")


class ProductGone(BadUserInput):
    """A cart line names a product that no longer exists."""

    def __init__(self, product_id: str) -> None:
        super().__init__(
            "A product in your cart is no longer available; remove it and try again",
            field="productId", productId=product_id,
        )


class TotalTooLarge(BadUserInput):
    """The order total does not fit a GraphQL Int (32-bit signed)."""

    def __init__(self) -> None:
        super().__init__("The order total is too large for one order")


class MixedCurrencies(BadUserInput):
    """The cart's products are priced in more than one currency; one order has one total."""

    def __init__(self) -> None:
        super().__init__("Products in your cart are priced in different currencies")


class InvalidInput(BadUserInput):
    """An argument breaks a rule; ``field`` names it."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field=field)


class InvalidCursor(BadUserInput):
    """An ``after`` cursor this service did not issue."""

    def __init__(self) -> None:
        super().__init__("Invalid cursor", field="after")


class CartVersionReused(Conflict):
    """This cart version was bought before with other lines (a cart that expired and started
    again counts from 1); any change to the cart gives it a new version to check out."""

    def __init__(self) -> None:
        super().__init__(
            "This cart was already checked out with other items; change the cart and try again"
        )


class IllegalTransition(Conflict):
    """The order state machine does not allow this move from the order's current status."""

    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            f"An order that is {current} cannot become {target}", status=current, target=target
        )
        self.current, self.target = current, target
