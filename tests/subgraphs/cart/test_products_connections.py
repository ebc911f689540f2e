"""The cart's connections to products (``kit.service_http``): kept open and reused, every way of
framing an answer read whole, and every failure an UPSTREAM_UNAVAILABLE, over real TCP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
import uvicorn

from subgraphs.cart.app import build_app, build_services, products_pool
from subgraphs.kit.entity_client import EntityClient, UpstreamUnavailable
from tests.subgraphs.cart.fake_products import FakeProducts, Item
from tests.subgraphs.cart.harness import ADA, cart_settings
from tests.subgraphs.harness import bearer, post_graphql, serve

PRICE = "id price { amount currency } stock"
ANSWER = orjson.dumps({"data": {"_entities": [
    {"id": "p1", "price": {"amount": 500, "currency": "USD"}, "stock": 4}]}})
Reply = Callable[[asyncio.StreamWriter, int], Awaitable[None]]


@dataclass
class RawProducts:
    """A TCP server speaking just enough HTTP/1.1; ``reply`` writes each answer."""

    reply: Reply
    connections: int = 0
    requests: int = 0
    url: str = ""
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                await reader.readexactly(length)
                self.requests += 1
                await self.reply(writer, self.requests)
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


@asynccontextmanager
async def raw_products(reply: Reply) -> AsyncIterator[RawProducts]:
    products = RawProducts(reply)
    server = await asyncio.start_server(products.handle, "127.0.0.1", 0)
    products.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/graphql"
    try:
        yield products
    finally:
        for writer in products.writers:
            writer.close()
        server.close()


@asynccontextmanager
async def client_for(url: str, **options: Any) -> AsyncIterator[EntityClient]:
    """The EntityClient the cart wires in production (``products_pool``)."""
    settings = cart_settings(products_url=url, **options)
    client = EntityClient(url, client=products_pool(settings))
    try:
        yield client
    finally:
        await client.close()


def ok(body: bytes = ANSWER, extra: bytes = b"") -> bytes:
    return (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
            + str(len(body)).encode() + b"\r\n" + extra + b"\r\n" + body)


async def answer(writer: asyncio.StreamWriter, _n: int) -> None:
    writer.write(ok())


async def test_sequential_lookups_share_one_kept_open_connection() -> None:
    async with raw_products(answer) as products, client_for(products.url) as client:
        for _ in range(5):
            rows = await client.fetch("Product", [{"id": "p1"}], PRICE)
            assert rows[0]["price"] == {"amount": 500, "currency": "USD"}
    assert (products.requests, products.connections) == (5, 1)


async def test_a_connection_products_closed_after_answering_is_replaced_without_an_error() -> None:
    # products answers as if it kept the connection, then closes it (an idle timeout, a restart)
    async def answer_then_close(writer: asyncio.StreamWriter, _n: int) -> None:
        writer.write(ok())
        await writer.drain()
        writer.close()

    async with raw_products(answer_then_close) as products, client_for(products.url) as client:
        for _ in range(4):
            await asyncio.sleep(0)
            rows = await client.fetch("Product", [{"id": "p1"}], PRICE)
            assert rows[0]["stock"] == 4
    assert (products.requests, products.connections) == (4, 4)


async def test_a_kept_connection_closed_unanswered_is_retried_once_on_a_new_one() -> None:
    # products takes the second request on the kept connection, then closes it unanswered
    async def drop_second(writer: asyncio.StreamWriter, n: int) -> None:
        if n == 2:
            writer.close()
        else:
            writer.write(ok())

    async with raw_products(drop_second) as products, client_for(products.url) as client:
        for _ in range(2):
            rows = await client.fetch("Product", [{"id": "p1"}], PRICE)
            assert rows[0]["id"] == "p1"
    assert (products.requests, products.connections) == (3, 2)


async def test_a_chunked_answer_arriving_in_pieces_is_read_whole() -> None:
    async def chunked(writer: asyncio.StreamWriter, _n: int) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        for part in (ANSWER[:10], ANSWER[10:30], ANSWER[30:]):
            writer.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            await writer.drain()
            await asyncio.sleep(0.001)
        writer.write(b"0\r\n\r\n")

    async with raw_products(chunked) as products, client_for(products.url) as client:
        first = await client.fetch("Product", [{"id": "p1"}], PRICE)
        second = await client.fetch("Product", [{"id": "p1"}], PRICE)
    assert first == second == orjson.loads(ANSWER)["data"]["_entities"]
    assert products.connections == 1


async def test_an_answer_ended_by_closing_the_connection_is_read_whole() -> None:
    async def until_close(writer: asyncio.StreamWriter, _n: int) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n" + ANSWER)
        await writer.drain()
        writer.close()

    async with raw_products(until_close) as products, client_for(products.url) as client:
        for _ in range(2):
            rows = await client.fetch("Product", [{"id": "p1"}], PRICE)
            assert rows[0]["id"] == "p1"
    assert products.connections == 2


@pytest.mark.parametrize("reply", [
    pytest.param(b"SPDY/9 nonsense\r\n\r\n", id="not-http"),
    pytest.param(b"HTTP/1.1 200 OK\r\ncontent-length: 40\r\n\r\n{\"data\"", id="cut-short"),
    pytest.param(ok(b"<html>proxy error</html>"), id="not-json"),
    pytest.param(b"", id="closed-unanswered-on-a-new-connection"),
])
async def test_a_garbled_cut_short_or_missing_answer_is_upstream_unavailable_and_not_resent(
    reply: bytes,
) -> None:
    async def garbled(writer: asyncio.StreamWriter, _n: int) -> None:
        writer.write(reply)
        await writer.drain()
        writer.close()

    async with raw_products(garbled) as products, client_for(products.url) as client:
        with pytest.raises(UpstreamUnavailable):
            await client.fetch("Product", [{"id": "p1"}], PRICE)
    assert products.requests == 1


async def test_products_not_listening_is_upstream_unavailable() -> None:
    async with raw_products(answer) as products:
        url = products.url
    async with client_for(url) as client:
        with pytest.raises(UpstreamUnavailable):
            await client.fetch("Product", [{"id": "p1"}], PRICE)


async def test_an_answer_that_never_comes_is_upstream_unavailable_and_the_next_one_works() -> None:
    async def silent_first(writer: asyncio.StreamWriter, n: int) -> None:
        if n > 1:
            writer.write(ok())

    async with raw_products(silent_first) as products, client_for(
        products.url, products_timeout_seconds=0.2
    ) as client:
        with pytest.raises(UpstreamUnavailable):
            await client.fetch("Product", [{"id": "p1"}], PRICE)
        rows = await client.fetch("Product", [{"id": "p1"}], PRICE)
    assert rows[0]["id"] == "p1"
    assert products.connections == 2  # the silent connection was not reused


async def test_no_more_than_max_connections_are_opened_however_many_lookups_wait() -> None:
    async def slow(writer: asyncio.StreamWriter, _n: int) -> None:
        await asyncio.sleep(0.01)
        writer.write(ok())

    async with raw_products(slow) as products, client_for(
        products.url, products_max_connections=3
    ) as client:
        results = await asyncio.gather(
            *(client.fetch("Product", [{"id": "p1"}], PRICE) for _ in range(12)))
    assert all(rows[0]["id"] == "p1" for rows in results)
    assert products.requests == 12
    assert products.connections == 3


class Recorded:
    """An ASGI wrapper noting each client connection (its address) and each request."""

    def __init__(self, app: Any) -> None:
        self.app, self.peers, self.requests = app, set(), 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.peers.add(tuple(scope["client"]))
            self.requests += 1
        await self.app(scope, receive, send)


async def test_concurrent_cart_reads_price_right_and_reuse_their_connections_to_products(
) -> None:
    # given the fake products on real TCP and the cart wired as in production
    fake = FakeProducts()
    fake.catalog.update(p1=Item(1000, stock=10), p2=Item(250, stock=10))
    recorded = Recorded(fake.asgi())
    config = uvicorn.Config(recorded, host="127.0.0.1", port=0, log_level="warning",
                            lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110  (uvicorn offers a flag, not an event)
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        settings = cart_settings(products_url=f"http://127.0.0.1:{port}/graphql")
        services = build_services(settings)
        async with serve(build_app(settings, services), "http://cart") as cart:
            headers = bearer(ADA, settings)
            add = "mutation($p: ID!) { addToCart(productId: $p, quantity: 2) { version } }"
            for pid in ("p1", "p2"):
                assert "errors" not in await post_graphql(cart, add, {"p": pid}, headers)
            read = "{ cart { total { amount } } }"

            async def burst() -> list[dict[str, Any]]:
                return await asyncio.gather(
                    *(post_graphql(cart, read, None, headers) for _ in range(20)))

            # when two bursts of 20 concurrent reads come in
            first = await burst()
            opened = len(recorded.peers)
            second = await burst()
        # then every read is priced, and the second burst opened no connection
        totals = {r["data"]["cart"]["total"]["amount"] for r in [*first, *second]}
        assert totals == {2500}
        assert recorded.requests == 42
        assert len(recorded.peers) == opened <= 20
    finally:
        server.should_exit = True
        await serving


async def test_the_plain_post_writes_the_request_httpx_would_and_falls_back_to_httpx() -> None:
    heads: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                heads.append(head + await reader.readexactly(length))
                writer.write(ok())
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}/graphql"
    client = products_pool(cart_settings(products_url=url))
    try:
        body = b'{"query":"{ x }"}'
        fast = await client.post(url, content=body, headers={
            "content-type": "application/json", "authorization": "Bearer t0k"})
        assert (fast.status_code, fast.content) == (200, ANSWER)
        request_line, *lines = heads[-1].split(b"\r\n\r\n")[0].split(b"\r\n")
        assert request_line == b"POST /graphql HTTP/1.1"
        sent = dict(line.lower().split(b": ", 1) for line in lines)
        assert sent[b"host"] == f"127.0.0.1:{port}".encode()
        assert sent[b"authorization"] == b"bearer t0k"
        assert sent[b"content-length"] == str(len(body)).encode()
        assert heads[-1].endswith(body)
        # what the plain path cannot write is left to httpx, with httpx's own verdict
        with pytest.raises(UnicodeEncodeError):
            await client.post(url, content=body, headers={"authorization": "Bearer é"})
        via_httpx = await client.post(url, json={"query": "{ x }"})
        assert (via_httpx.status_code, via_httpx.content) == (200, ANSWER)
        assert len(heads) == 2
    finally:
        await client.aclose()
        server.close()
