"""Execute an operation with ``@defer``: the payloads, each as soon as its part is complete."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from gateway.executor.incremental.delivery import Delivery
from gateway.executor.incremental.operation import IncrementalOperation
from gateway.executor.incremental.run import run_observed
from gateway.executor.introspection import run_introspection
from gateway.executor.state import Execution, Fetcher
from gateway.plan import PlanNode

__all__ = ["execute_incremental"]

log = logging.getLogger(__name__)
_END = object()


async def execute_incremental(
    incremental: IncrementalOperation,
    fetcher: Fetcher,
    variables: dict[str, Any],
    *,
    raw_variables: dict[str, Any] | None = None,
    headers_for: Callable[[str], dict[str, str]] | None = None,
    spec: str = "20220824",
) -> AsyncIterator[dict[str, Any]]:
    """The initial payload once the primary part is complete, then one payload per group of
    deferred parts completed together; the last one says ``hasNext: false``. ``spec`` is the
    payload format: ``20220824`` or ``v0.2`` (``delivery``).

    The whole plan runs as one (fetches start as soon as their inputs are known); a part waits
    only for the fetches that write its fields. A gateway bug ends the stream with an
    INTERNAL_SERVER_ERROR payload, never an exception into the transport.
    """
    ex = Execution(fetcher, variables)
    if headers_for is not None:
        ex.headers_for = headers_for
    operation = incremental.operation
    introspection = None
    if operation.introspection is not None:
        introspection, errors = run_introspection(operation.schema, operation.introspection,
                                                  raw_variables)
        ex.errors.extend(errors)
    delivery = Delivery(ex, incremental, incremental.parts(variables), variables, introspection,
                        spec)
    index = {id(leaf): i for i, leaf in enumerate(incremental.leaves)}
    queue: asyncio.Queue[Any] = asyncio.Queue()

    def done(leaf: PlanNode) -> None:
        delivery.fetched(index[id(leaf)], queue.put_nowait)

    async def run() -> None:
        try:
            delivery.flush(queue.put_nowait)  # a primary part that needs no fetch goes at once
            if incremental.plan.node is not None:
                await run_observed(incremental.plan.node, ex, done)
            delivery.finish(queue.put_nowait)
        except Exception:
            log.exception("incremental execution failed")
            queue.put_nowait(_internal_error(delivery.state[0] != 0))
        finally:
            queue.put_nowait(_END)

    task = asyncio.create_task(run())
    try:
        while (payload := await queue.get()) is not _END:
            yield payload
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _internal_error(started: bool) -> dict[str, Any]:
    error = {"message": "Internal gateway error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
    return {"hasNext": False, "errors": [error]} if started else {
        "data": None, "errors": [error], "hasNext": False}
