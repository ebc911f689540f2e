"""Handler signatures the consumer runs, and routing of events to handlers by payload type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, EventPayload

__all__ = [
    "EventHandler",
    "Routes",
    "SessionHandler",
    "TransientError",
    "dispatch",
    "routed_types",
]

EventHandler = Callable[[Envelope], Awaitable[None]]
"""What :class:`streaming.consumer.EventConsumer` calls for every decoded event."""

SessionHandler = Callable[[AsyncSession, Envelope], Awaitable[None]]
"""A handler running in the inbox transaction (see :func:`streaming.inbox.idempotent`)."""


class TransientError(Exception):
    """Raise from a handler when a dependency is down (e.g. the payment provider): the consumer
    retries the event until it passes instead of dead-lettering it."""


class Routes:
    """Handlers by payload type: calling it runs the event's handler, if it has one. Works for
    ``handler(event)`` and for inbox ``handler(session, event)``: the event is the last argument.
    ``handles(event)`` says whether an event has a handler, so the inbox opens no transaction
    (and records nothing) for the events of its topics a service ignores; ``event_types`` names
    the types routed, so the consumer skips a record of any other type before decoding it."""

    __slots__ = ("_routes", "event_types")

    def __init__(self, routes: Mapping[type[EventPayload], Callable[..., Awaitable[None]]]) -> None:
        self._routes = dict(routes)
        self.event_types = frozenset(model.event_type for model in self._routes)

    def handles(self, event: Envelope) -> bool:
        return type(event.payload) in self._routes

    async def __call__(self, *args: Any) -> None:
        handler = self._routes.get(type(args[-1].payload))
        if handler is not None:
            await handler(*args)


def dispatch(routes: Mapping[type[EventPayload], Callable[..., Awaitable[None]]]) -> Routes:
    """One handler from per-payload-type handlers; events of other types are ignored."""
    return Routes(routes)


def routed_types(handler: object) -> frozenset[str] | None:
    """The event types ``handler`` acts on: a :class:`Routes`' or a wrapper's that passes them
    on (``event_types``); None when it takes every event."""
    return getattr(handler, "event_types", None)
