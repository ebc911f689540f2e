"""Handler signatures the consumer runs, and routing of events to handlers by payload type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, EventPayload

__all__ = ["EventHandler", "SessionHandler", "TransientError", "dispatch"]

EventHandler = Callable[[Envelope], Awaitable[None]]
"""What :class:`streaming.consumer.EventConsumer` calls for every decoded event."""

SessionHandler = Callable[[AsyncSession, Envelope], Awaitable[None]]
"""A handler running in the inbox transaction (see :func:`streaming.inbox.idempotent`)."""


class TransientError(Exception):
    """Raise from a handler when a dependency is down (e.g. the payment provider): the consumer
    retries the event until it passes instead of dead-lettering it."""


def dispatch(
    routes: Mapping[type[EventPayload], Callable[..., Awaitable[None]]],
) -> Callable[..., Awaitable[None]]:
    """One handler from per-payload-type handlers; events of other types are ignored.

    Works for ``handler(event)`` and for inbox ``handler(session, event)``: the event is the
    last argument.
    """

    async def route(*args: Any) -> None:
        handler = routes.get(type(args[-1].payload))
        if handler is not None:
            await handler(*args)

    return route
