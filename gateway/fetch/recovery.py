"""While a subgraph's breaker is open, probe the subgraph in the background, so the breaker
turns half-open within a probe interval of the subgraph being back instead of on the first
client request after ``breaker_reset_seconds``.

One watcher task per open breaker, started and stopped by the breaker's state changes: nothing
runs, and nothing is added to a request, while the breaker is closed. A watcher sends one probe
at a time, cut at its own timeout; the wait between probes doubles while they fail, up to
``max_interval``, each wait drawn from its upper half ("equal jitter", AWS Architecture Blog,
"Exponential Backoff And Jitter") so gateway replicas do not probe in step. A subgraph down
for minutes sees one probe every ``max_interval / 2`` to ``max_interval`` from each gateway.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from common.resilience import BreakerBoard
from gateway.metrics import BREAKER_PROBES

__all__ = ["ProbePolicy", "Recovery"]

log = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class ProbePolicy:
    """First wait before a probe, the longest wait and a probe's timeout (``interval=0``: no
    background probes; the breaker then waits for a client request after its reset time)."""

    interval: float = 0.5
    max_interval: float = 2.0
    timeout: float = 2.0


class Recovery:
    """Watches every breaker of ``board``; ``probe_with`` says how to probe a dependency."""

    def __init__(self, board: BreakerBoard, policy_for: Callable[[str], ProbePolicy],
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._board, self._policy_for, self._sleep = board, policy_for, sleep
        self._probes: dict[str, Probe] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # the next wait per dependency: grows while probes fail or the breaker reopens after
        # a half-open request failed, back to ``interval`` once it closes
        self._waits: dict[str, float] = {}
        board.listeners.append(self.changed)

    def probe_with(self, name: str, probe: Probe) -> None:
        """``probe()`` returns when ``name`` serves again and raises otherwise (the latest
        registration wins: the pool of the current supergraph)."""
        self._probes[name] = probe

    def changed(self, name: str, state: str) -> None:
        """A breaker changed state (called by the board, in the loop, on the failure path)."""
        policy = self._policy_for(name)
        if state == "closed":
            self._waits.pop(name, None)
        if state != "open" or policy.interval <= 0 or name not in self._probes:
            return
        wait = self._waits.get(name)
        self._waits[name] = policy.interval if wait is None else min(wait * 2, policy.max_interval)
        task = self._tasks.get(name)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # opened outside a loop: no watcher, the reset time still applies
            return
        if task is None or task.done() or task.get_loop() is not loop:
            self._tasks[name] = loop.create_task(self._watch(name, policy))

    async def _watch(self, name: str, policy: ProbePolicy) -> None:
        breaker = self._board.get(name)
        while breaker.state == "open":
            wait = self._waits.get(name, policy.interval)
            await self._sleep(random.uniform(wait / 2, wait))
            if breaker.state != "open":  # a client request's probe got there first
                return
            answered = await self._answers(name, policy)
            BREAKER_PROBES.labels(name, "answered" if answered else "failed").inc()
            if answered:
                log.info("subgraph %s answers a probe again", name)
                breaker.recovered()
                return
            self._waits[name] = min(wait * 2, policy.max_interval)

    async def _answers(self, name: str, policy: ProbePolicy) -> bool:
        try:
            async with asyncio.timeout(policy.timeout):
                await self._probes[name]()
        except Exception as error:  # any failure means "not back yet"
            log.debug("subgraph %s probe failed: %s", name, error)
            return False
        return True

    async def aclose(self) -> None:
        """Stop every watcher of the running loop (at shutdown)."""
        loop = asyncio.get_running_loop()
        tasks = [t for t in self._tasks.values() if t.get_loop() is loop and not t.done()]
        self._tasks = {}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
