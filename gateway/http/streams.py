"""What the three streaming transports (WebSocket, SSE, multipart) share: limits and running.

``Slots`` bounds the client subscriptions of the whole process (``subscriptions.max_total``);
``open_results`` starts an operation and yields its responses, turning every way it can fail
into a ``StreamEnd`` carrying client-facing errors, so a transport only formats.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from gateway.pipeline import (
    Pipeline,
    RequestError,
    Started,
    SubscriptionFailed,
    begin,
    results,
)
from gateway.plugins import GraphQLRequest
from gateway.subscriptions_config import SubscriptionsConfig

__all__ = [
    "Slots",
    "StreamEnd",
    "limit_error",
    "open_results",
    "subscription_options",
    "with_heartbeats",
]


class StreamEnd(Exception):
    """The operation was refused (``started`` False) or its stream broke (``started`` True)."""

    def __init__(self, errors: list[dict[str, Any]], started: bool, status: int = 400) -> None:
        super().__init__(errors[0]["message"] if errors else "stream ended")
        self.errors = errors
        self.started = started
        self.status = status


class Slots:
    """Client subscriptions open in this process, at most ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self) -> bool:
        if self.used >= self.limit:
            return False
        self.used += 1
        return True

    def give_back(self) -> None:
        self.used = max(0, self.used - 1)


def subscription_options(gateway: Any) -> SubscriptionsConfig:
    """The gateway's ``subscriptions`` settings (defaults for a gateway without config)."""
    config = getattr(gateway, "config", None)
    return getattr(config, "subscriptions", None) or SubscriptionsConfig()


def limit_error(message: str) -> list[dict[str, Any]]:
    return [{"message": message, "extensions": {"code": "SUBSCRIPTION_LIMIT"}}]


def open_results(
    pipeline: Pipeline, request: GraphQLRequest, slots: Slots
) -> AsyncIterator[dict[str, Any]]:
    """Start the operation now (StreamEnd when refused) and return its responses to iterate.

    A subscription holds one of ``slots`` until its iterator finishes; iterate what this returns.
    """
    try:
        started = begin(pipeline, request)
    except RequestError as error:
        raise StreamEnd(error.errors, False, error.status) from None
    if started.kind != "subscription":
        return results(started)
    if not slots.take():
        raise StreamEnd(limit_error("Too many subscriptions are open on this gateway."), False,
                        503)
    return _events(started, slots)


async def _events(started: Started, slots: Slots) -> AsyncIterator[dict[str, Any]]:
    stream = results(started)
    try:
        async for response in stream:
            yield response
    except SubscriptionFailed as error:
        raise StreamEnd(error.errors, True) from None
    finally:
        slots.give_back()
        await stream.aclose()


async def with_heartbeats(
    source: AsyncIterator[dict[str, Any]], interval: float
) -> AsyncIterator[dict[str, Any] | None]:
    """``source``'s items, and None whenever ``interval`` seconds pass without one.

    A pump task reads ``source`` so a heartbeat never cancels an await inside it.
    """
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=1)

    async def pump() -> None:
        try:
            async for item in source:
                await queue.put(("item", item))
            await queue.put(("done", None))
        except Exception as error:  # handed over to the reader, raised there
            await queue.put(("raise", error))

    task = asyncio.create_task(pump())
    try:
        while True:
            try:
                kind, value = await asyncio.wait_for(queue.get(), interval)
            except TimeoutError:
                yield None
                continue
            if kind == "done":
                return
            if kind == "raise":
                raise value
            yield value
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
