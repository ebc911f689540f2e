"""What makes a product valid: field bounds checked before anything touches the database."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from subgraphs.products.domain.errors import InvalidProduct
from subgraphs.products.domain.records import ProductDraft

__all__ = ["MAX_PAGE", "check_filter", "page_size", "validate_changes", "validate_draft"]

MAX_PAGE = 100
DEFAULT_PAGE = 20
_MAX_INT = 2**31 - 1
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_LENGTHS = {"name": 200, "description": 5000, "category": 64}


def validate_draft(draft: ProductDraft) -> ProductDraft:
    """Return the draft with text trimmed, or raise InvalidProduct naming the field."""
    return ProductDraft(**validate_changes(asdict(draft)))


def validate_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Check every present field; ``None`` is only allowed for ``category`` (clears it)."""
    return {name: _CHECKS[name](value) for name, value in changes.items()}


def page_size(first: int | None) -> int:
    """``first`` within 1..MAX_PAGE; omitted means DEFAULT_PAGE."""
    if first is None:
        return DEFAULT_PAGE
    if not 1 <= first <= MAX_PAGE:
        raise InvalidProduct(f"first must be between 1 and {MAX_PAGE}", field="first")
    return first


def _sku(value: Any) -> str:
    text = _required_text("sku", value)
    if not _SKU.match(text):
        raise InvalidProduct("sku must be 1-64 letters, digits, '.', '_' or '-'", field="sku")
    return text


def _text(name: str) -> Any:
    def check(value: Any) -> str:
        text = _required_text(name, value)
        if len(text) > _LENGTHS[name]:
            raise InvalidProduct(f"{name} must be at most {_LENGTHS[name]} characters", field=name)
        return text

    return check


def _description(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidProduct("description must be text (it may be empty)", field="description")
    text = value.strip()
    _no_nul("description", text)
    if len(text) > _LENGTHS["description"]:
        raise InvalidProduct("description must be at most 5000 characters", field="description")
    return text


def _category(value: Any) -> str | None:
    return None if value is None else _text("category")(value)


def _required_text(name: str, value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    _no_nul(name, text)
    if not text:
        raise InvalidProduct(f"{name} must not be empty", field=name)
    return text


def _no_nul(name: str, text: str) -> None:
    # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the driver
    if "\x00" in text:
        raise InvalidProduct(f"{name} must not contain NUL characters", field=name)


def check_filter(name: str, value: str | None, limit: int) -> None:
    """Search and category arguments: bounded, and storable-comparable (no NUL)."""
    if value is None:
        return
    if len(value) > limit:
        raise InvalidProduct(f"{name} must be at most {limit} characters", field=name)
    _no_nul(name, value)


def _amount(value: Any) -> int:
    if not isinstance(value, int) or not 0 <= value <= _MAX_INT:
        raise InvalidProduct("price amount must be a whole number of minor units >= 0",
                             field="price.amount")
    return value


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise InvalidProduct("currency must be an ISO 4217 code like USD", field="price.currency")
    return value


def _stock(value: Any) -> int:
    if not isinstance(value, int) or not 0 <= value <= _MAX_INT:
        raise InvalidProduct("stock must be a whole number >= 0", field="stock")
    return value


_CHECKS = {
    "sku": _sku,
    "name": _text("name"),
    "description": _description,
    "price_amount": _amount,
    "price_currency": _currency,
    "category": _category,
    "stock": _stock,
}
