"""Opaque mailbox cursors: base64url of ``[version, seq]`` (Relay Cursor Connections spec).

Anything this service did not issue is refused with BAD_USER_INPUT rather than paging from a
wrong place.
"""

from __future__ import annotations

import base64
import binascii

import orjson

from subgraphs.notifications.domain.errors import InvalidCursor

__all__ = ["decode_cursor", "encode_cursor"]

_VERSION = 1


def encode_cursor(seq: int) -> str:
    raw = orjson.dumps([_VERSION, seq])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The mailbox position a cursor points after; InvalidCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, seq = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise InvalidCursor() from None
    if version != _VERSION or not isinstance(seq, int) or isinstance(seq, bool):
        raise InvalidCursor()
    if not 0 < seq < 2**63:
        raise InvalidCursor()
    return seq
