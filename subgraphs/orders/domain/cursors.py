"""Opaque keyset cursors of a user's orders: base64url of ``[version, created µs, order id]``.

Clients must treat cursors as opaque (Relay Cursor Connections Specification); anything this
service did not issue is refused with BAD_USER_INPUT rather than paging from a wrong place.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

import orjson

from subgraphs.orders.domain.errors import InvalidCursor

__all__ = ["decode_cursor", "encode_cursor"]

_VERSION = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def encode_cursor(created_at: datetime, order_id: str) -> str:
    raw = orjson.dumps([_VERSION, (created_at - _EPOCH) // _MICRO, order_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (created at, id) a cursor points after; InvalidCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, micros, order_id = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise InvalidCursor() from None
    if version != _VERSION or not isinstance(order_id, str) or len(order_id) > 64:
        raise InvalidCursor()
    if not isinstance(micros, int) or isinstance(micros, bool) or not 0 <= micros < 2**53:
        raise InvalidCursor()
    return _EPOCH + micros * _MICRO, order_id
