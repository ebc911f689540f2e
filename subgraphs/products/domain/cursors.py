"""Opaque keyset cursors: base64url of ``[version, sort, sort key, id]``.

A cursor names the sort it was made for, so one from another order is refused rather than
silently paging from the wrong place. Clients must treat cursors as opaque (Relay spec).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from subgraphs.kit.cursors import instant_of, micros_of, pack_cursor, unpack_cursor
from subgraphs.products.domain.errors import InvalidCursor
from subgraphs.products.domain.records import ProductRecord, ProductSort

__all__ = ["Cursor", "cursor_instant", "decode_cursor", "encode_cursor", "sort_key"]

_VERSION = 1
_INSTANTS = range(0, 2**53)  # microseconds since the epoch
_PRICES = range(0, 2**31)  # GraphQL Int is 32-bit


@dataclass(frozen=True, slots=True)
class Cursor:
    """The position just after one product in one sort order."""

    sort: ProductSort
    key: int | str
    id: str


def sort_key(sort: ProductSort, record: ProductRecord) -> int | str:
    """The value ``sort`` orders by, as the database sees it (before the id tie-breaker)."""
    if sort in (ProductSort.PRICE_ASC, ProductSort.PRICE_DESC):
        return record.price_amount
    if sort in (ProductSort.NAME_ASC, ProductSort.NAME_DESC):
        return record.name.casefold()
    return micros_of(record.created_at)


def encode_cursor(sort: ProductSort, record: ProductRecord) -> str:
    return pack_cursor([_VERSION, sort.value, sort_key(sort, record), record.id])


def decode_cursor(cursor: str, sort: ProductSort) -> Cursor:
    """Parse a cursor made for ``sort``; anything else raises InvalidCursor."""
    try:
        version, sort_name, key, product_id = unpack_cursor(cursor, 4)
    except ValueError:
        raise InvalidCursor() from None
    if version != _VERSION or sort_name != sort.value or not isinstance(product_id, str):
        raise InvalidCursor()
    if not _valid_key(sort, key) or len(product_id) > 64:
        raise InvalidCursor()
    return Cursor(sort, key, product_id)


def cursor_instant(key: int) -> datetime:
    """The creation time a NEWEST cursor key stands for."""
    return instant_of(key)


def _valid_key(sort: ProductSort, key: object) -> bool:
    if _KEY_TYPES[sort] is str:
        return isinstance(key, str) and len(key) <= 400
    if not isinstance(key, int) or isinstance(key, bool):
        return False  # checked first: ``x in range`` scans the whole range for non-ints
    return key in (_INSTANTS if sort is ProductSort.NEWEST else _PRICES)


_KEY_TYPES: dict[ProductSort, type] = {
    ProductSort.PRICE_ASC: int,
    ProductSort.PRICE_DESC: int,
    ProductSort.NAME_ASC: str,
    ProductSort.NAME_DESC: str,
    ProductSort.NEWEST: int,
}
