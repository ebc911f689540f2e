"""The pump between a subscription's source and its client transport: waiting for the next
item must not leave work behind when the client goes away, nor lose an item."""

from __future__ import annotations

import asyncio
import contextlib

from gateway.http.streams import _next


def _pending_queue_gets() -> list[asyncio.Task[object]]:
    return [task for task in asyncio.all_tasks()
            if not task.done() and "Queue.get" in repr(task.get_coro())]


async def _cancelled_wait(queue: asyncio.Queue[tuple[str, object]]) -> None:
    waiting = asyncio.create_task(_next(queue, None, None))
    await asyncio.sleep(0.01)
    waiting.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await waiting


async def test_a_wait_cancelled_by_a_departing_client_leaves_no_pending_get_behind():
    queue: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
    await _cancelled_wait(queue)
    await asyncio.sleep(0)
    assert _pending_queue_gets() == []


async def test_an_item_queued_after_a_cancelled_wait_goes_to_the_next_reader():
    queue: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
    await _cancelled_wait(queue)
    queue.put_nowait(("item", 1))
    assert await _next(queue, None, 1.0) == ("item", 1)


async def test_idle_and_ended_are_told_apart_and_queued_items_come_first():
    queue: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
    assert await _next(queue, None, 0.01) == ("idle", None)
    ended: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    ended.set_result(None)
    assert await _next(queue, ended, 1.0) == ("ended", None)
    queue.put_nowait(("item", 2))
    assert await _next(queue, ended, 1.0) == ("item", 2)
    await asyncio.sleep(0)  # a cancelled get finishes at the loop's next turn
    assert _pending_queue_gets() == []
