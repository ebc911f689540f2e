"""Catalog errors, each a kit error so the GraphQL layer knows its ``extensions.code``."""

from __future__ import annotations

from subgraphs.kit.errors import BadUserInput, NotFound

__all__ = [
    "DuplicateSku",
    "InsufficientStock",
    "InvalidCursor",
    "InvalidProduct",
    "ProductNotFound",
]


class InvalidProduct(BadUserInput):
    """A product field breaks a rule (empty name, negative price, bad currency...)."""


class DuplicateSku(BadUserInput):
    """Another product already uses this SKU."""

    def __init__(self, sku: str) -> None:
        super().__init__(f"A product with SKU '{sku}' already exists", field="sku")


class InsufficientStock(BadUserInput):
    """An adjustment would drive stock below zero (or past the maximum)."""


class InvalidCursor(BadUserInput):
    """A pagination cursor is malformed or belongs to another sort order."""

    def __init__(self) -> None:
        super().__init__("Invalid cursor for this query", field="after")


class ProductNotFound(NotFound):
    """No product has this id."""

    def __init__(self, product_id: str) -> None:
        super().__init__(f"Product '{product_id}' not found", id=product_id)
