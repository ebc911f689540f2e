"""Correlation ids: x-correlation-id and the traceparent's trace id (through the server span)
reach the logging context for the whole request and the correlation id comes back on every
response the app sends."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import strawberry
from fastapi import FastAPI, HTTPException, WebSocket
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.testclient import TestClient
from opentelemetry import trace

from common.telemetry.context import correlation_id, request_id
from subgraphs.kit import app as kit_app
from subgraphs.kit.app import create_app
from subgraphs.kit.schema import federation_schema
from subgraphs.kit.settings import ServiceSettings

TRACE = "0af7651916cd43dd8448eb211c80319c"
TRACEPARENT = f"00-{TRACE}-b7ad6b7169203331-01"


def _trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


@strawberry.type
class Query:
    @strawberry.field
    def ids(self) -> str:
        return f"{correlation_id.get()}|{_trace_id()}"


def _ids() -> dict[str, str | None]:
    return {"correlation": correlation_id.get(), "trace": _trace_id()}


def _middleware_ids() -> dict[str, str | None]:
    return {"correlation": correlation_id.get(), "request": request_id.get()}


def _app() -> FastAPI:
    app = create_app(
        settings=ServiceSettings(service="corr-test", environment="test",
                                 service_auth_required=False),
        schema=federation_schema(query=Query),
        services={},
    )

    @app.get("/ids")
    async def ids() -> dict[str, str | None]:
        return _ids()

    @app.get("/stream")
    async def stream() -> StreamingResponse:
        async def body() -> AsyncIterator[str]:
            for _ in range(3):
                yield f"{correlation_id.get()} {_trace_id()}\n"

        return StreamingResponse(body(), media_type="text/plain")

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(status_code=418)

    @app.get("/own-header")
    async def own_header() -> JSONResponse:
        return JSONResponse({}, headers={"x-correlation-id": "set-by-handler"})

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_json(_ids())
        await websocket.close()

    return app


@pytest.fixture
def client() -> TestClient:
    return TestClient(_app(), raise_server_exceptions=False)


def test_incoming_ids_reach_the_handler_and_the_correlation_id_comes_back(
    client: TestClient,
) -> None:
    response = client.get("/ids", headers={"x-correlation-id": "c-1", "traceparent": TRACEPARENT})
    assert response.json() == {"correlation": "c-1", "trace": TRACE}
    assert response.headers.get_list("x-correlation-id") == ["c-1"]


def test_graphql_resolvers_see_the_ids(client: TestClient) -> None:
    response = client.post(
        "/graphql",
        json={"query": "{ ids }"},
        headers={"x-correlation-id": "c-2", "traceparent": TRACEPARENT},
    )
    assert response.json() == {"data": {"ids": f"c-2|{TRACE}"}}
    assert response.headers["x-correlation-id"] == "c-2"


@pytest.mark.parametrize("sent", [{}, {"x-correlation-id": ""}])
def test_missing_correlation_id_is_generated(client: TestClient, sent: dict[str, str]) -> None:
    response = client.get("/ids", headers=sent)
    generated = response.headers["x-correlation-id"]
    assert uuid.UUID(generated).version == 4
    assert response.json() == {"correlation": generated, "trace": None}
    assert client.get("/ids").headers["x-correlation-id"] != generated


def test_long_correlation_id_is_cut_to_128_characters(client: TestClient) -> None:
    response = client.get("/ids", headers={"x-correlation-id": "x" * 500})
    assert response.headers["x-correlation-id"] == "x" * 128
    assert response.json()["correlation"] == "x" * 128


@pytest.mark.parametrize("parent", ["garbage", "00-abc-def", "00-a-b-c-d"])
def test_malformed_traceparent_leaves_no_trace_id(client: TestClient, parent: str) -> None:
    assert client.get("/ids", headers={"traceparent": parent}).json()["trace"] is None


def test_streaming_body_sees_the_ids_and_gets_the_header(client: TestClient) -> None:
    response = client.get(
        "/stream", headers={"x-correlation-id": "c-3", "traceparent": TRACEPARENT}
    )
    assert response.headers["x-correlation-id"] == "c-3"
    assert response.text == f"c-3 {TRACE}\n" * 3


def test_handled_errors_and_unknown_routes_carry_the_header(client: TestClient) -> None:
    for path, status in [("/teapot", 418), ("/nowhere", 404)]:
        response = client.get(path, headers={"x-correlation-id": "c-4"})
        assert response.status_code == status
        assert response.headers["x-correlation-id"] == "c-4"


def test_a_header_the_handler_set_is_replaced(client: TestClient) -> None:
    response = client.get("/own-header", headers={"x-correlation-id": "c-5"})
    assert response.headers.get_list("x-correlation-id") == ["c-5"]


def test_unhandled_error_is_a_500_without_the_header(client: TestClient) -> None:
    response = client.get("/boom", headers={"x-correlation-id": "c-6"})
    assert response.status_code == 500
    assert "x-correlation-id" not in response.headers


def test_probes_carry_the_header(client: TestClient) -> None:
    response = client.get("/health", headers={"x-correlation-id": "c-7"})
    assert response.json() == {"status": "ok"}
    assert response.headers["x-correlation-id"] == "c-7"


def test_websockets_pass_through_untouched(client: TestClient) -> None:
    with client.websocket_connect("/ws", headers={"x-correlation-id": "c-8"}) as ws:
        assert ws.receive_json() == {"correlation": None, "trace": None}


# --- the middleware itself, as a bare ASGI app ---


def _scope(headers: list[tuple[bytes, bytes]]) -> dict[str, object]:
    return {"type": "http", "method": "GET", "path": "/", "headers": headers}


async def _receive() -> dict[str, object]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def test_ids_are_reset_after_the_request_and_after_an_error() -> None:
    seen: list[dict[str, str | None]] = []
    sent: list[dict[str, object]] = []

    async def ok(scope: object, receive: object, send) -> None:  # type: ignore[no-untyped-def]
        seen.append(_middleware_ids())
        await send({"type": "http.response.start", "status": 200})  # no "headers" key
        await send({"type": "http.response.body", "body": b"ok"})

    async def failing(scope: object, receive: object, send: object) -> None:
        seen.append(_middleware_ids())
        raise RuntimeError("boom")

    async def record(message: dict[str, object]) -> None:
        sent.append(message)

    headers = [(b"x-correlation-id", b"c-9"), (b"x-request-id", b"r-9")]
    await kit_app.CorrelationMiddleware(ok)(_scope(headers), _receive, record)
    assert _middleware_ids() == {"correlation": None, "request": None}
    assert (b"x-correlation-id", b"c-9") in sent[0]["headers"]  # type: ignore[operator]
    assert sent[1] == {"type": "http.response.body", "body": b"ok"}

    with pytest.raises(RuntimeError):
        await kit_app.CorrelationMiddleware(failing)(_scope(headers), _receive, record)
    assert _middleware_ids() == {"correlation": None, "request": None}
    assert seen == [{"correlation": "c-9", "request": "r-9"}] * 2
