"""Run child processes with prefixed, coloured logs; restart crashes; stop all on Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time

from infra.dev.services import ROOT, Process

__all__ = ["Supervisor"]

_COLOURS = ["36", "33", "35", "32", "34", "31", "96", "93", "95"]
_RESTART_WINDOW_S = 60.0
_MAX_RESTARTS = 5


class Supervisor:
    """Keeps every process running until asked to stop."""

    def __init__(self, processes: list[Process], env: dict[str, str]) -> None:
        self._processes = processes
        self._env = env
        self._children: dict[str, asyncio.subprocess.Process] = {}
        self._stopping = asyncio.Event()
        self._width = max((len(p.name) for p in processes), default=8)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stopping.set)
        tasks = [asyncio.create_task(self._keep_alive(p, i)) for i, p in enumerate(self._processes)]
        await self._stopping.wait()
        self.say("stopping every service")
        await asyncio.gather(*(self._terminate(c) for c in self._children.values()))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.say("all services stopped")

    def stop(self) -> None:
        """Ask every service to stop (what Ctrl-C does)."""
        self._stopping.set()

    async def _keep_alive(self, process: Process, index: int) -> None:
        colour = _COLOURS[index % len(_COLOURS)]
        restarts: list[float] = []
        while not self._stopping.is_set():
            code = await self._run_once(process, colour)
            if self._stopping.is_set():
                return
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < _RESTART_WINDOW_S] + [now]
            if len(restarts) > _MAX_RESTARTS:
                self.say(f"{process.name} crashed {len(restarts)} times in a minute; giving up")
                return
            delay = min(2 ** (len(restarts) - 1), 10)
            self.say(f"{process.name} exited with code {code}; restarting in {delay}s")
            await asyncio.sleep(delay)

    async def _run_once(self, process: Process, colour: str) -> int:
        child = await asyncio.create_subprocess_exec(
            *process.argv, cwd=ROOT, env={**self._env, **process.env},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the runner only; it stops children in order
        )
        self._children[process.name] = child
        prefix = f"\x1b[{colour}m{process.name:<{self._width}} |\x1b[0m "
        assert child.stdout is not None
        async for line in child.stdout:
            sys.stdout.write(prefix + line.decode(errors="replace"))
            sys.stdout.flush()
        return await child.wait()

    async def _terminate(self, child: asyncio.subprocess.Process) -> None:
        if child.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(child.wait(), 10)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)

    def say(self, message: str) -> None:
        sys.stdout.write(f"\x1b[1m{'dev':<{self._width}} |\x1b[0m {message}\n")
        sys.stdout.flush()
