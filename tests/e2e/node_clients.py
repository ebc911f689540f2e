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

__all__ = ["NODE_CLIENTS", "node_clients_missing", "node_subscribe"]

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
