"""The registry of event contracts: (type, version) -> payload model, and the decode errors."""

from __future__ import annotations

from typing import TypeVar

from streaming.events.contract import EventPayload

__all__ = [
    "MalformedEventError",
    "PoisonMessageError",
    "UnknownEventError",
    "payload_model",
    "register",
    "registered",
]

P = TypeVar("P", bound=type[EventPayload])
_MODELS: dict[tuple[str, int], type[EventPayload]] = {}


class PoisonMessageError(Exception):
    """A message that no retry can fix; the consumer dead-letters it at once."""


class MalformedEventError(PoisonMessageError):
    """The bytes are not a valid envelope, or the payload does not match its contract."""


class UnknownEventError(PoisonMessageError):
    """The envelope names a (type, version) this process has no contract for."""


def register(model: P) -> P:
    """Class decorator: make ``model`` decodable under its (event_type, event_version)."""
    ident = (model.event_type, model.event_version)
    if _MODELS.get(ident, model) is not model:
        raise ValueError(f"event {ident[0]} v{ident[1]} is already registered")
    _MODELS[ident] = model
    return model


def payload_model(event_type: str, version: int) -> type[EventPayload]:
    """The contract for ``event_type`` at ``version``; UnknownEventError when there is none."""
    try:
        return _MODELS[(event_type, version)]
    except KeyError:
        known = sorted(v for t, v in _MODELS if t == event_type)
        raise UnknownEventError(
            f"no contract for event {event_type!r} version {version} (known versions: {known})"
        ) from None


def registered() -> dict[tuple[str, int], type[EventPayload]]:
    """A copy of every registered contract, for documentation and contract tests."""
    return dict(_MODELS)
