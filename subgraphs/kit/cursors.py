"""Opaque keyset cursors: unpadded base64url of a JSON array (Relay Cursor Connections spec).

Clients must treat cursors as opaque; a domain puts its version, sort and keys in the array and
checks every element it gets back, since anything a client sends may be forged.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

__all__ = ["instant_of", "micros_of", "pack_cursor", "unpack_cursor"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def pack_cursor(values: Sequence[object]) -> str:
    """The opaque cursor of ``values`` (JSON-serialisable)."""
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")


def unpack_cursor(cursor: str, length: int) -> list[Any]:
    """The ``length`` values packed in ``cursor``; ValueError for anything malformed."""
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise ValueError("malformed cursor") from None
    if not isinstance(values, list) or len(values) != length:
        raise ValueError("malformed cursor")
    return values


def micros_of(moment: datetime) -> int:
    """A timezone-aware instant as whole microseconds since the Unix epoch (a cursor key)."""
    return (moment - _EPOCH) // _MICRO


def instant_of(micros: int) -> datetime:
    """The UTC instant ``micros`` microseconds after the Unix epoch."""
    return _EPOCH + micros * _MICRO
