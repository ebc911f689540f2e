"""Envelope <-> bytes: orjson on the wire, payload typed by the registry; bad bytes are poison."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import ValidationError

from streaming.events.contract import TOLERANT
from streaming.events.envelope import Envelope
from streaming.events.registry import MalformedEventError

__all__ = ["decode", "encode"]


def encode(event: Envelope) -> bytes:
    """UTF-8 JSON, camelCase keys, ISO-8601 UTC times, integer money."""
    return orjson.dumps(event.model_dump(mode="json"))


def decode(data: bytes | None) -> Envelope:
    """The typed envelope; MalformedEventError or UnknownEventError (both poison) otherwise."""
    raw = _json(data)
    try:
        return Envelope.model_validate(raw, context=TOLERANT)
    except ValidationError as exc:
        what = f"{raw.get('type')} v{raw.get('version')}"
        raise MalformedEventError(f"invalid {what}: {_first(exc)}") from exc


def _json(data: bytes | None) -> dict[str, Any]:
    try:
        raw = orjson.loads(data or b"")
    except orjson.JSONDecodeError as exc:
        raise MalformedEventError(f"not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise MalformedEventError(f"not a JSON object but {type(raw).__name__}")
    return raw


def _first(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(root)"
    return f"{where}: {err['msg']} ({exc.error_count()} error(s))"
