"""POST /graphql takes a direct ASGI path (gateway/http/asgi.py); what Starlette's stack did for
it still holds there: request ids, CORS, gzip, 413 across chunks, a 500 for a bug, and middleware
someone adds still sees the request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from gateway.config import GatewayConfig
from tests.gateway.pipeline.shop import Shop

QUERY = {"query": "{ products { id name } }"}
JSON = {"content-type": "application/json"}


async def _post(app: Any, body: Any = None, headers: dict[str, str] | None = None,
                content: Any = None) -> httpx.Response:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.post("/graphql", json=body, content=content,
                                     headers={**JSON, **(headers or {})})


async def test_cors_headers_are_added_to_an_allowed_origins_post():
    config = GatewayConfig(cors={"allow_origins": ["https://shop.example"],
                                 "allow_credentials": True})
    answer = await _post(Shop().app(config), QUERY, {"origin": "https://shop.example"})
    other = await _post(Shop().app(config), QUERY, {"origin": "https://evil.example"})
    assert answer.headers["access-control-allow-origin"] == "https://shop.example"
    assert answer.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in answer.headers["access-control-expose-headers"]
    assert "access-control-allow-origin" not in other.headers
    assert answer.json() == other.json()


async def test_large_answers_are_gzipped_once_accepted_and_small_ones_never():
    big = {"query": "{ " + " ".join(f"a{i}: products {{ id name }}" for i in range(40)) + " }"}
    zipped = await _post(Shop().app(), big, {"accept-encoding": "gzip"})
    small = await _post(Shop().app(), QUERY, {"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.json()["data"]["a39"][0] == {"id": "p1", "name": "Chair"}  # httpx inflated it
    assert "content-encoding" not in small.headers


async def test_a_body_over_the_limit_in_several_chunks_is_413():
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b" " * 400

    app = Shop().app(GatewayConfig(limits={"max_request_bytes": 1000}))
    answer = await _post(app, content=chunks())
    assert answer.status_code == 413
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_bug_is_a_500_without_details_and_with_a_request_id():
    app = Shop().app()

    async def broken(*_: Any) -> Any:
        raise RuntimeError("secret detail")

    app.endpoint.answer = broken
    answer = await _post(app, QUERY, {"x-request-id": "req-7"})
    assert answer.status_code == 500
    assert b"secret" not in answer.content
    assert answer.headers["x-request-id"] == "req-7"


async def test_middleware_added_to_the_app_sees_graphql_posts():
    seen: list[str] = []

    class Recorder:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                seen.append(f"{scope['method']} {scope['path']}")
            await self.app(scope, receive, send)

    app = Shop().app()
    app.add_middleware(Recorder)
    answer = await _post(app, QUERY)
    assert answer.json()["data"]["products"][0]["name"] == "Chair"
    assert seen == ["POST /graphql"]
