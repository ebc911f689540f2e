"""The real npm clients (graphql-ws, graphql-sse) run by ``clients/subscribe.mjs``, one process
per subscription, with the same shape as the Python clients (tests/gateway/subscriptions)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

__all__ = ["NODE_CLIENTS", "NodeSubscriptions", "node_clients_missing", "node_subscribe"]

CLIENTS = Path(__file__).parent / "clients"
NODE_CLIENTS = {"graphql-ws": "ws", "graphql-sse": "sse"}


def node_clients_missing() -> str | None:
    """Why the npm clients cannot run (None when they can); installs them when needed."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not installed"
    stamp, lock = CLIENTS / "node_modules" / ".package-lock.json", CLIENTS / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
        done = subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=CLIENTS,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            return f"npm ci failed: {done.stderr[-500:]}"
    return None


@contextlib.asynccontextmanager
async def node_subscribe(
    client: str, url: str, query: str, variables: dict[str, Any], token: str | None = None
) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
    """The results of one subscription through the npm ``client`` (a key of NODE_CLIENTS)."""
    process = await asyncio.create_subprocess_exec(
        "node", "subscribe.mjs", NODE_CLIENTS[client], url, token or "", query,
        json.dumps(variables), cwd=CLIENTS, stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        yield _results(process.stdout)
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()


async def _results(stdout: asyncio.StreamReader) -> AsyncIterator[dict[str, Any]]:
    while line := await stdout.readline():
        result = json.loads(line)
        if "error" not in result:
            yield result
            continue
        error = result["error"]
        yield {"errors": error if isinstance(error, list) else [{"message": error}]}
        return


class NodeSubscriptions:
    """Many subscriptions through one graphql-ws process (``clients/many.mjs``): one WebSocket
    per distinct token, each result stamped with the client's wall clock (``at``, ms)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._process: asyncio.subprocess.Process | None = None
        self._queues: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> NodeSubscriptions:
        self._process = await asyncio.create_subprocess_exec(
            "node", "many.mjs", self.url, cwd=CLIENTS, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, limit=2**24,
        )
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc: object) -> None:
        process = self._process
        assert process is not None and process.stdin is not None
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 5)
        except TimeoutError:
            process.kill()
            await process.wait()
        if self._reader is not None:
            self._reader.cancel()

    def subscribe(self, op_id: str, query: str, variables: dict[str, Any],
                  token: str | None = None) -> None:
        """Start subscription ``op_id``; read its lines with :meth:`next`."""
        self._queues.setdefault(op_id, asyncio.Queue())
        self._write({"id": op_id, "token": token or "", "query": query, "variables": variables})

    def close(self, op_id: str) -> None:
        """Complete subscription ``op_id`` from the client side."""
        self._write({"close": op_id})

    async def next(self, op_id: str, within: float = 30.0) -> dict[str, Any]:
        """The next line of ``op_id``: ``{"result"}``, ``{"error"}`` or ``{"complete"}``,
        with ``at`` (the client's wall clock in ms)."""
        queue = self._queues.setdefault(op_id, asyncio.Queue())
        return await asyncio.wait_for(queue.get(), within)

    def _write(self, command: dict[str, Any]) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write(json.dumps(command).encode() + b"\n")

    async def _read(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        while line := await self._process.stdout.readline():
            message = json.loads(line)
            self._queues.setdefault(message["id"], asyncio.Queue()).put_nowait(message)
