"""Real HTTP for edge tests: the gateway under uvicorn on a free port, in the test's loop."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import pytest
import uvicorn

from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.plugins import Plugin
from tests.gateway.edge.shop import secure_supergraph, secure_transport

SECRET = "test-secret-" + "long-enough-for-hs512-" * 3
REDIS_URL = "redis://127.0.0.1:6379/15"


def token(secret: str = SECRET, expires_in: float = 3600, alg: str = "HS256",
          **claims: Any) -> str:
    """A signed JWT (``sub`` defaults to user-1)."""
    payload = {"sub": "user-1", "exp": int(time.time() + expires_in), **claims}
    return jwt.encode(payload, secret, algorithm=alg)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """A gateway app served by uvicorn; ``client`` talks to it over TCP."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on", proxy_headers=False)  # as gateway serve runs
        self.server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Served:
        self._task = asyncio.create_task(self.server.serve())
        for _ in range(500):  # uvicorn offers no startup event; poll its flag
            if self.server.started:
                return self
            await asyncio.sleep(0.01)
        raise RuntimeError("uvicorn did not start")

    async def __aexit__(self, *_: object) -> None:
        self.server.should_exit = True
        if self._task is not None:
            await self._task


def secure_app(plugins: list[Plugin] | None = None, **options: Any) -> Any:
    options.setdefault("auth", {"jwt_secret": SECRET})
    config = GatewayConfig(mode="production", **options)
    return create_app(secure_supergraph(), config=config, plugins=plugins,
                      transport=secure_transport())


@pytest.fixture
def serve() -> Callable[..., Served]:
    """``async with serve(**config) as served`` runs a secure gateway on a real port."""
    def make(plugins: list[Plugin] | None = None, **options: Any) -> Served:
        return Served(secure_app(plugins, **options))
    return make


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A plain client; tests pass absolute URLs and a JSON content type."""
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(headers=headers, timeout=10) as client:
        yield client


@pytest.fixture
async def redis_client() -> AsyncIterator[Any]:
    import redis.asyncio

    client = redis.asyncio.from_url(REDIS_URL, decode_responses=True)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()
