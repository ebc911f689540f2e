"""The real users subgraph served over HTTP for notifications' contact lookups, and two ways
for users to be down (nothing listening; a server that accepts and never answers).

``ServedUsers`` migrates its own SQLite file, builds the users app exactly as users' own tests
do (events stay in its outbox, so notifications never sees a UserRegistered), serves it with
uvicorn on a free port in a thread, and records the body of every request it gets.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from subgraphs.kit.migrations import upgrade_async
from subgraphs.users.app import build_app, build_services
from subgraphs.users.config import MIGRATIONS_DIR
from tests.subgraphs.users.harness import PASSWORD, REGISTER, users_settings

__all__ = ["ServedUsers", "closed_port_url", "serve_users", "silent_server"]


class ServedUsers:
    def __init__(self, url: str, bodies: list[dict[str, Any]]) -> None:
        self.url = url  # .../graphql
        self.bodies = bodies

    def entity_reads(self) -> list[dict[str, Any]]:
        """The ``_entities`` requests users got (notifications' lookups), oldest first."""
        return [b for b in self.bodies if "_entities" in b.get("query", "")]

    async def register(self, email: str, full_name: str, phone: str | None = None) -> str:
        """Open an account through users' own API; its id."""
        data = {"email": email, "password": PASSWORD, "fullName": full_name, "phone": phone}
        async with httpx.AsyncClient() as client:
            response = await client.post(self.url, json={"query": REGISTER,
                                                          "variables": {"i": data}})
        body = response.json()
        assert "errors" not in body, body
        return str(body["data"]["register"]["user"]["id"])


@asynccontextmanager
async def serve_users(directory: Path) -> AsyncIterator[ServedUsers]:
    database_url = f"sqlite+aiosqlite:///{directory / 'users.db'}"
    await upgrade_async(MIGRATIONS_DIR, database_url)
    settings = users_settings(database_url)
    app = build_app(settings, build_services(settings, publish=False))
    bodies: list[dict[str, Any]] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        chunks: list[bytes] = []

        async def tapped() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    raw = b"".join(chunks)
                    bodies.append(json.loads(raw) if raw else {})
            return message

        return await app(scope, tapped, send)

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(recording, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "users did not start"
        await asyncio.sleep(0.01)
    try:
        yield ServedUsers(f"http://127.0.0.1:{port}/graphql", bodies)
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 10)


@contextmanager
def closed_port_url() -> Iterator[str]:
    """A URL on a port that is bound but not listening: every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/graphql"


@asynccontextmanager
async def silent_server() -> AsyncIterator[tuple[str, list[int]]]:
    """A server that accepts connections, reads, and never answers; its URL and a list that
    grows by one per connection accepted."""
    accepted: list[int] = []
    writers: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        writers.append(writer)
        while await reader.read(4096):
            pass

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/graphql", accepted
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
