"""The subgraph client against real HTTP/1.1 servers on 127.0.0.1 (no injected transport)."""

from __future__ import annotations

import asyncio
import gzip
import socket
from pathlib import Path

import pytest
import uvloop

from common.http.http11 import Http11Pool
from gateway.fetch import ClientOptions, SubgraphClient, SubgraphFetchError, SubgraphPool
from tests.gateway.fetch.server import (
    GRAPHQL,
    Handler,
    Request,
    ScriptedServer,
    answer,
    response,
)
from tests.gateway.fetch.tls import contexts

QUERY = b'{"query":"{ me { id } }"}'


def client(server: ScriptedServer, **options: object) -> SubgraphClient:
    return SubgraphClient("accounts", server.url, ClientOptions(**options))  # type: ignore[arg-type]


async def test_sequential_calls_share_one_keepalive_connection() -> None:
    async with ScriptedServer() as server:
        accounts = client(server)
        answers = [await accounts.post(QUERY, {}) for _ in range(5)]
        await accounts.aclose()
    assert answers == [GRAPHQL] * 5
    assert server.connections == 1
    assert [r.connection for r in server.requests] == [0] * 5


async def test_the_request_carries_the_body_its_headers_and_the_url_path() -> None:
    async with ScriptedServer() as server:
        accounts = client(server)
        await accounts.post(QUERY, {"authorization": "Bearer t", "x-request-id": "r1"})
        await accounts.aclose()
    [request] = server.requests
    assert request.target == "/graphql"
    assert request.body == QUERY
    assert request.headers["host"] == server.url.split("/")[2]
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"].startswith("application/graphql-response+json")
    assert request.headers["authorization"] == "Bearer t"
    assert request.headers["x-request-id"] == "r1"


async def test_a_caller_header_cannot_replace_framing_headers_or_inject_lines() -> None:
    async with ScriptedServer() as server:
        accounts = client(server)
        await accounts.post(QUERY, {"content-length": "1", "host": "evil", "accept": "text/html"})
        with pytest.raises(SubgraphFetchError):
            await accounts.post(QUERY, {"x-a": "1\r\nx-injected: yes"})
        await accounts.aclose()
    [request] = server.requests
    assert request.body == QUERY
    assert request.headers["host"] != "evil"
    assert "text/html" not in request.headers["accept"]
    assert "x-injected" not in request.headers


def held_until(gate: asyncio.Event) -> Handler:
    """Answers once ``gate`` is set: keeps every connection busy until then."""

    async def held(request: Request, writer: asyncio.StreamWriter) -> bool:
        await gate.wait()
        return await answer(request, writer)

    return held


async def test_concurrent_calls_open_at_most_max_connections() -> None:
    gate = asyncio.Event()
    async with ScriptedServer(held_until(gate)) as server:
        accounts = client(server, max_connections=3, max_keepalive_connections=3)
        calls = [asyncio.create_task(accounts.post(QUERY, {})) for _ in range(10)]
        await server.until_open(3)
        for _ in range(20):  # give the client every chance to open a fourth one
            await asyncio.sleep(0)
        opened_while_busy = server.connections
        gate.set()
        answers = await asyncio.gather(*calls)
        await accounts.aclose()
    assert opened_while_busy == 3
    assert answers == [GRAPHQL] * 10
    assert server.connections == 3


async def test_idle_connections_beyond_max_keepalive_are_closed_once_unused() -> None:
    gate = asyncio.Event()
    async with ScriptedServer(held_until(gate)) as server:
        accounts = client(server, max_keepalive_connections=2)
        calls = [asyncio.create_task(accounts.post(QUERY, {})) for _ in range(5)]
        await server.until_open(5)
        gate.set()
        await asyncio.gather(*calls)
        # A second burst right after the first reuses the surplus connections...
        await asyncio.gather(*(accounts.post(QUERY, {}) for _ in range(5)))
        reopened = server.connections - 5
        # ...which the client closes once they stay unused.
        await server.until_open(2)
        await accounts.post(QUERY, {})
        await accounts.aclose()
    assert reopened == 0
    assert server.connections == 5


async def test_a_connection_idle_longer_than_the_keepalive_expiry_is_not_reused() -> None:
    async with ScriptedServer() as server:
        accounts = client(server, keepalive_expiry=0)
        for _ in range(3):
            await accounts.post(QUERY, {})
        await server.until_open(1)  # the expired ones were closed by the client
        await accounts.aclose()
    assert [r.connection for r in server.requests] == [0, 1, 2]


async def test_a_chunked_body_arrives_whole() -> None:
    async def chunked(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        for part in (GRAPHQL[:5], GRAPHQL[5:12], GRAPHQL[12:]):
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        return True

    async with ScriptedServer(chunked) as server:
        accounts = client(server)
        answers = [await accounts.post(QUERY, {}) for _ in range(2)]
        await accounts.aclose()
    assert answers == [GRAPHQL, GRAPHQL]
    assert server.connections == 1


async def test_a_content_length_body_written_in_pieces_arrives_whole() -> None:
    big = b'{"data":{"s":"' + b"x" * 300_000 + b'"}}'

    async def pieces(request: Request, writer: asyncio.StreamWriter) -> bool:
        whole = response(big)
        for start in range(0, len(whole), 65_536):
            writer.write(whole[start:start + 65_536])
            await writer.drain()
        return True

    async with ScriptedServer(pieces) as server:
        accounts = client(server)
        assert await accounts.post(QUERY, {}) == big
        await accounts.aclose()


async def test_a_body_delimited_by_the_end_of_the_connection_arrives_whole() -> None:
    async def until_close(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n" + GRAPHQL)
        return False

    async with ScriptedServer(until_close) as server:
        accounts = client(server)
        answers = [await accounts.post(QUERY, {}) for _ in range(2)]
        await accounts.aclose()
    assert answers == [GRAPHQL, GRAPHQL]
    assert server.connections == 2


async def test_a_gzip_body_is_decoded() -> None:
    async def zipped(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(response(gzip.compress(GRAPHQL), headers=("content-encoding: gzip",)))
        return True

    async with ScriptedServer(zipped) as server:
        accounts = client(server)
        assert await accounts.post(QUERY, {}) == GRAPHQL
        await accounts.aclose()


async def test_after_the_server_closes_an_idle_connection_the_next_call_succeeds() -> None:
    async def answer_then_close(request: Request, writer: asyncio.StreamWriter) -> bool:
        await answer(request, writer)
        return False  # no `connection: close`: the client learns it from the socket

    async with ScriptedServer(answer_then_close) as server:
        accounts = client(server)
        await accounts.post(QUERY, {})
        await server.until_open(0)
        second = await accounts.post(QUERY, {})
        await accounts.aclose()
    assert second == GRAPHQL
    assert server.connections == 2


def _closes_on_second_request() -> ScriptedServer:
    """A server whose keep-alive timer fires just as the second request on a connection
    arrives: it closes without answering."""

    async def handler(request: Request, writer: asyncio.StreamWriter) -> bool:
        on_this_connection = [r for r in server.requests if r.connection == request.connection]
        if len(on_this_connection) > 1:
            return False
        return await answer(request, writer)

    server = ScriptedServer(handler)
    return server


async def test_a_query_on_a_connection_closed_as_it_went_out_is_sent_again_on_a_new_one() -> None:
    async with _closes_on_second_request() as server:
        accounts = client(server)
        await accounts.post(QUERY, {}, replayable=True)
        second = await accounts.post(QUERY, {}, replayable=True)
        await accounts.aclose()
    assert second == GRAPHQL
    assert [r.connection for r in server.requests] == [0, 0, 1]


@pytest.mark.parametrize("kind", ["query", "mutation"])
async def test_the_pool_resends_only_queries_on_a_connection_closed_as_they_went_out(
    kind: str,
) -> None:
    async with _closes_on_second_request() as server:
        pool = SubgraphPool({"accounts": server.url})
        request = {"query": f"{kind} {{ me {{ id }} }}"}
        await pool.fetch("accounts", request, {}, dedupe=kind == "query")
        try:
            second = await pool.fetch("accounts", request, {}, dedupe=kind == "query")
        except SubgraphFetchError:
            second = None
        await pool.aclose()
    if kind == "query":
        assert second == {"data": {"me": {"id": "1"}}}
        assert [r.connection for r in server.requests] == [0, 0, 1]
    else:
        assert second is None
        assert [r.connection for r in server.requests] == [0, 0]


async def test_a_mutation_on_a_connection_closed_as_it_went_out_is_not_sent_again() -> None:
    async with _closes_on_second_request() as server:
        accounts = client(server)
        await accounts.post(QUERY, {})
        with pytest.raises(SubgraphFetchError) as caught:
            await accounts.post(QUERY, {})
        await accounts.aclose()
    assert caught.value.code == "SUBGRAPH_FETCH_FAILED"
    assert "could not be reached" in caught.value.message
    assert [r.connection for r in server.requests] == [0, 0]


async def test_a_server_dying_mid_response_is_a_fetch_error() -> None:
    async def dies(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n" + GRAPHQL[:10])
        return False

    async with ScriptedServer(dies) as server:
        accounts = client(server)
        with pytest.raises(SubgraphFetchError) as caught:
            await accounts.post(QUERY, {}, replayable=True)
        await accounts.aclose()
    assert caught.value.code == "SUBGRAPH_FETCH_FAILED"
    assert "mid-response" in caught.value.message
    assert len(server.requests) == 1  # bytes of the answer had arrived: never sent again


async def test_a_malformed_response_is_a_fetch_error() -> None:
    async def garbage(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(b"SMTP ready\r\n\r\n")
        return True

    async with ScriptedServer(garbage) as server:
        accounts = client(server)
        with pytest.raises(SubgraphFetchError) as caught:
            await accounts.post(QUERY, {})
        await accounts.aclose()
    assert "malformed" in caught.value.message


async def test_a_subgraph_that_does_not_answer_in_time_is_a_timeout() -> None:
    async def first_silent(request: Request, writer: asyncio.StreamWriter) -> bool:
        if request.connection == 0:
            await asyncio.Event().wait()
        return await answer(request, writer)

    async with ScriptedServer(first_silent) as server:
        accounts = client(server, timeout=0.2)
        with pytest.raises(SubgraphFetchError) as caught:
            await accounts.post(QUERY, {})
        after = await accounts.post(QUERY, {})
        await accounts.aclose()
    assert caught.value.code == "SUBGRAPH_TIMEOUT"
    # The connection that timed out is never used again (its answer could still come).
    assert after == GRAPHQL
    assert [r.connection for r in server.requests] == [0, 1]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_a_response_over_the_size_limit_is_refused(framing: str) -> None:
    body = b'{"data":{"s":"' + b"x" * 5000 + b'"}}'

    async def large(request: Request, writer: asyncio.StreamWriter) -> bool:
        if framing == "chunked":
            writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
            writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        else:
            writer.write(response(body))
        return True

    async with ScriptedServer(large) as server:
        accounts = client(server, max_response_bytes=1000)
        with pytest.raises(SubgraphFetchError) as caught:
            await accounts.post(QUERY, {})
        await accounts.aclose()
    assert caught.value.code == "SUBGRAPH_RESPONSE_TOO_LARGE"


async def test_a_500_carrying_a_graphql_response_passes_through() -> None:
    errors = b'{"errors":[{"message":"boom"}]}'

    async def failing(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(response(errors, 500, ("content-type: application/graphql-response+json",)))
        return True

    async with ScriptedServer(failing) as server:
        accounts = client(server)
        assert await accounts.post(QUERY, {}) == errors
        await accounts.aclose()


async def test_a_502_html_page_is_a_fetch_error() -> None:
    async def proxy_error(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(response(b"<html>Bad Gateway</html>", 502, ("content-type: text/html",)))
        return True

    async with ScriptedServer(proxy_error) as server:
        accounts = client(server)
        with pytest.raises(SubgraphFetchError) as caught:
            await accounts.post(QUERY, {})
        await accounts.aclose()
    assert caught.value.message == "subgraph 'accounts' answered HTTP 502"


async def test_a_cookie_the_subgraph_sets_is_never_sent_back() -> None:
    async def sets_cookie(request: Request, writer: asyncio.StreamWriter) -> bool:
        writer.write(response(GRAPHQL, headers=("set-cookie: session=alice; Path=/",)))
        return True

    async with ScriptedServer(sets_cookie) as server:
        accounts = client(server)
        await accounts.post(QUERY, {})
        await accounts.post(QUERY, {})
        await accounts.aclose()
    assert [r.headers.get("cookie") for r in server.requests] == [None, None]


async def test_an_unreachable_subgraph_is_a_fetch_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = sock.getsockname()[1]
        accounts = SubgraphClient("accounts", f"http://127.0.0.1:{port}/graphql")
        with pytest.raises(SubgraphFetchError) as caught:
            await accounts.post(QUERY, {})
        await accounts.aclose()
    assert caught.value.code == "SUBGRAPH_FETCH_FAILED"
    assert "could not be reached" in caught.value.message


async def test_a_url_that_is_not_http_is_a_fetch_error_of_each_request() -> None:
    accounts = SubgraphClient("accounts", "ftp://127.0.0.1/graphql")
    with pytest.raises(SubgraphFetchError) as caught:
        await accounts.post(QUERY, {})
    await accounts.aclose()
    assert "could not be reached" in caught.value.message


async def test_aclose_closes_every_connection() -> None:
    async with ScriptedServer() as server:
        accounts = client(server)
        await asyncio.gather(*(accounts.post(QUERY, {}) for _ in range(4)))
        assert server.open > 0
        await accounts.aclose()
        await server.until_open(0)
        with pytest.raises(SubgraphFetchError):
            await accounts.post(QUERY, {})


def test_the_client_works_on_uvloop() -> None:
    async def scenario() -> tuple[list[bytes], int]:
        async with ScriptedServer() as server:
            accounts = client(server, max_connections=2)
            answers = await asyncio.gather(*(accounts.post(QUERY, {}) for _ in range(6)))
            answers.append(await accounts.post(QUERY, {}))
            await accounts.aclose()
        return answers, server.connections

    answers, connections = uvloop.run(scenario())
    assert answers == [GRAPHQL] * 7
    assert connections <= 2


async def test_an_https_subgraph_is_reached_over_tls(tmp_path: Path) -> None:
    server_tls, client_tls = contexts(tmp_path)
    async with ScriptedServer(tls=server_tls) as server:
        pool = Http11Pool(server.url, ssl_context=client_tls)
        request = b"POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}"
        loop = asyncio.get_running_loop()
        answers = [await pool.request(request, loop.time() + 10, False) for _ in range(2)]
        await pool.aclose()
    assert answers == [(200, GRAPHQL)] * 2
    assert server.connections == 1
    assert server.url.startswith("https://")
