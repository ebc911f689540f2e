"""Opaque keyset cursors of a user's orders: base64url of ``[version, created µs, order id]``.

Clients must treat cursors as opaque (Relay Cursor Connections Specification); anything this
service did not issue is refused with BAD_USER_INPUT rather than paging from a wrong place.
"""

from __future__ import annotations

from datetime import datetime

from subgraphs.kit.cursors import instant_of, micros_of, pack_cursor, unpack_cursor
from subgraphs.orders.domain.errors import InvalidCursor

__all__ = ["decode_cursor", "encode_cursor"]

_VERSION = 1


def encode_cursor(created_at: datetime, order_id: str) -> str:
    return pack_cursor([_VERSION, micros_of(created_at), order_id])


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (created at, id) a cursor points after; InvalidCursor for anything else."""
    try:
        version, micros, order_id = unpack_cursor(cursor, 3)
    except ValueError:
        raise InvalidCursor() from None
    if version != _VERSION or not isinstance(order_id, str) or len(order_id) > 64:
        raise InvalidCursor()
    if not isinstance(micros, int) or isinstance(micros, bool) or not 0 <= micros < 2**53:
        raise InvalidCursor()
    return instant_of(micros), order_id
