"""What the three streaming transports (WebSocket, SSE, multipart) share: limits and running.

``Slots`` bounds the client subscriptions of the whole process (``subscriptions.max_total``);
``open_results`` starts an operation and yields its responses, turning every way it can fail
(refused, broken stream, ended by a supergraph reload) into a ``StreamEnd`` carrying
client-facing errors, so a transport only formats.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from gateway.http.live import RELOAD_ERRORS, LiveSubscriptions
from gateway.metrics import SUBSCRIPTION_EVENTS, SUBSCRIPTIONS
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


async def open_results(
    pipeline: Pipeline, request: GraphQLRequest, slots: Slots, live: LiveSubscriptions,
    read_only: bool = False, transport: str = "ws",
) -> AsyncIterator[dict[str, Any]]:
    """Start the operation now (StreamEnd when refused) and return its responses to iterate.

    A subscription holds one of ``slots`` until its iterator finishes; iterate what this returns.
    ``transport`` (ws, sse, multipart) labels the open subscription in ``gateway.metrics``.
    """
    try:
        started = await begin(pipeline, request, read_only)
    except RequestError as error:
        raise StreamEnd(error.errors, False, error.status) from None
    if started.kind != "subscription":
        return results(started)
    if not slots.take():
        raise StreamEnd(limit_error("Too many subscriptions are open on this gateway."), False,
                        503)
    return _events(started, slots, live, transport)


async def _events(
    started: Started, slots: Slots, live: LiveSubscriptions, transport: str
) -> AsyncIterator[dict[str, Any]]:
    stream = results(started)
    gauge, sent = SUBSCRIPTIONS.labels(transport), SUBSCRIPTION_EVENTS.labels(transport)
    gauge.inc()
    try:
        with live.track(started) as reloaded:
            async with contextlib.aclosing(_pumped(stream, reloaded, None)) as pumped:
                async for kind, response in pumped:
                    if kind == "ended":
                        raise StreamEnd(RELOAD_ERRORS, True)
                    sent.inc()
                    yield response
    except SubscriptionFailed as error:
        raise StreamEnd(error.errors, True) from None
    finally:
        gauge.dec()
        slots.give_back()
        await stream.aclose()


async def with_heartbeats(
    source: AsyncIterator[dict[str, Any]], interval: float
) -> AsyncIterator[dict[str, Any] | None]:
    """``source``'s items, and None whenever ``interval`` seconds pass without one."""
    async with contextlib.aclosing(_pumped(source, None, interval)) as pumped:
        async for kind, item in pumped:
            yield None if kind == "idle" else item


async def _pumped(
    source: AsyncIterator[Any], ended: asyncio.Future[None] | None, idle: float | None
) -> AsyncIterator[tuple[str, Any]]:
    """``("item", x)`` per item of ``source``, ``("idle", None)`` after ``idle`` quiet seconds,
    ``("ended", None)`` once ``ended`` resolves; the source's exception is raised here.

    A pump task reads ``source``, so neither a timeout nor ``ended`` cancels an await inside it.
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
            kind, value = await _next(queue, ended, idle)
            if kind == "done":
                return
            if kind == "raise":
                raise value
            yield kind, value
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _next(
    queue: asyncio.Queue[tuple[str, Any]], ended: asyncio.Future[None] | None,
    idle: float | None,
) -> tuple[str, Any]:
    if not queue.empty():  # the pump is ahead: no task, no wait
        return queue.get_nowait()
    getter = asyncio.ensure_future(queue.get())
    waiting = {getter} if ended is None else {getter, ended}
    try:
        done, _ = await asyncio.wait(waiting, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
    finally:
        # Also when this wait is cancelled (the client went away): a getter left pending
        # would be destroyed pending later. Cancelling a get that has not returned leaves
        # its item in the queue.
        if not getter.done():
            getter.cancel()
    if getter in done:
        return getter.result()
    return ("ended", None) if ended is not None and ended.done() else ("idle", None)
