"""The subgraph client through HTTP proxies from the environment, with credentials from the
URL, and its Accept-Encoding and keep-alive defaults, against real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import gzip
from pathlib import Path

import httpx
import pytest
import uvloop

from common.http.http11 import Http11Pool, proxy_for, safe_url
from gateway.app import create_app
from gateway.config import GatewayConfig
from gateway.fetch import ClientOptions, SubgraphClient, SubgraphFetchError
from tests.gateway.fetch.proxy import Proxy
from tests.gateway.fetch.server import GRAPHQL, Request, ScriptedServer, response
from tests.gateway.fetch.tls import contexts
from tests.gateway.pipeline.shop import shop_supergraph

QUERY = b'{"query":"{ me { id } }"}'
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start from an environment without proxy settings (the machine's own are ignored)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)


def _basic(pair: str) -> str:
    return "Basic " + base64.b64encode(pair.encode()).decode()


def _with_credentials(url: str, userinfo: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{userinfo}@{rest}"


async def test_an_http_subgraph_is_requested_in_absolute_form_from_the_http_proxy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with ScriptedServer() as server, Proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", _with_credentials(proxy.url, "gw:pr%3Axy"))
        accounts = SubgraphClient("accounts", server.url)
        answers = [await accounts.post(QUERY, {"x-request-id": "r1"}) for _ in range(2)]
        await accounts.aclose()
    assert answers == [GRAPHQL] * 2
    assert [line for line, _ in proxy.seen] == [f"POST {server.url} HTTP/1.1"] * 2
    _, headers = proxy.seen[0]
    assert headers["proxy-authorization"] == _basic("gw:pr:xy")
    assert headers["host"] == server.url.split("/")[2]
    assert [(r.target, r.headers["x-request-id"]) for r in server.requests] == [
        ("/graphql", "r1")] * 2
    assert "proxy-authorization" not in server.requests[0].headers


async def test_hosts_in_no_proxy_are_reached_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    async with ScriptedServer() as server, Proxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
        accounts = SubgraphClient("accounts", server.url)
        answer = await accounts.post(QUERY, {})
        await accounts.aclose()
    assert answer == GRAPHQL
    assert proxy.seen == []
    assert len(server.requests) == 1


@pytest.mark.parametrize(("environment", "url", "proxy"), [
    ({"HTTP_PROXY": "http://p:3128"}, "http://products:5002/graphql", "http://p:3128"),
    ({"http_proxy": "p:3128"}, "http://products/graphql", "http://p:3128"),
    ({"HTTP_PROXY": "http://p:3128"}, "https://products/graphql", None),
    ({"HTTPS_PROXY": "http://s:3128"}, "https://products/graphql", "http://s:3128"),
    ({"ALL_PROXY": "http://a:3128"}, "https://products/graphql", "http://a:3128"),
    ({"HTTP_PROXY": "http://p:3128", "NO_PROXY": ".internal"},
     "http://products.internal/graphql", None),
    ({"HTTP_PROXY": "http://p:3128", "NO_PROXY": "products:5002"},
     "http://products:5002/graphql", None),
    ({"HTTP_PROXY": "http://p:3128", "NO_PROXY": "products:5002"},
     "http://products:5003/graphql", "http://p:3128"),
    ({"HTTP_PROXY": "http://p:3128", "NO_PROXY": "*"}, "http://products/graphql", None),
], ids=["http", "lower-case without scheme", "https target ignores HTTP_PROXY", "https",
        "all", "no_proxy domain", "no_proxy host:port", "no_proxy other port", "no_proxy *"])
def test_the_proxy_for_a_url_follows_the_environment(
        monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], url: str,
        proxy: str | None) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert proxy_for(url) == proxy


async def _through_a_tunnel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            ) -> tuple[list[tuple[int, bytes]], ScriptedServer, Proxy]:
    server_tls, client_tls = contexts(tmp_path)
    async with ScriptedServer(tls=server_tls) as server, Proxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", _with_credentials(proxy.url, "gw:secret"))
        pool = Http11Pool(server.url, ssl_context=client_tls, proxy=proxy_for(server.url))
        request = b"POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}"
        loop = asyncio.get_running_loop()
        answers = [await pool.request(request, loop.time() + 10, False) for _ in range(2)]
        await pool.aclose()
    return answers, server, proxy


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_an_https_subgraph_is_reached_through_a_connect_tunnel_with_tls_end_to_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop: str) -> None:
    run = uvloop.run if loop == "uvloop" else asyncio.run
    answers, server, proxy = run(_through_a_tunnel(tmp_path, monkeypatch))
    authority = server.url.split("/")[2]
    assert answers == [(200, GRAPHQL)] * 2
    assert proxy.seen == [(f"CONNECT {authority} HTTP/1.1",
                           {"host": authority, "proxy-authorization": _basic("gw:secret")})]
    assert server.connections == 1 and len(server.requests) == 2


async def test_a_proxy_refusing_the_tunnel_is_a_fetch_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    async with Proxy(refuse=407) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        accounts = SubgraphClient("accounts", "https://accounts.example/graphql")
        with pytest.raises(SubgraphFetchError) as refused:
            await accounts.post(QUERY, {})
        await accounts.aclose()
    assert "the proxy answered CONNECT with HTTP 407" in refused.value.message
    assert proxy.seen[0][0] == "CONNECT accounts.example:443 HTTP/1.1"


async def test_credentials_in_the_subgraph_url_become_basic_authorization() -> None:
    async with ScriptedServer() as server:
        url = _with_credentials(server.url, "gateway:p%40ss")
        accounts = SubgraphClient("accounts", url)
        # a caller's (propagated) Authorization does not replace them
        await accounts.post(QUERY, {"authorization": "Bearer user-token"})
        await accounts.aclose()
    [request] = server.requests
    assert request.headers["authorization"] == _basic("gateway:p@ss")
    assert request.headers["host"] == server.url.split("/")[2]


async def test_the_password_of_a_subgraph_url_stays_out_of_error_messages() -> None:
    unusable = SubgraphClient("accounts", "ftp://gateway:hunter2@accounts/graphql")
    unreachable = SubgraphClient("accounts", "http://gateway:hunter2@127.0.0.1:1/graphql")
    messages = []
    for client in (unusable, unreachable):
        with pytest.raises(SubgraphFetchError) as failed:
            await client.post(QUERY, {})
        await client.aclose()
        messages.append(failed.value.message)
    assert "ftp://gateway:***@accounts/graphql" in messages[0]
    assert not any("hunter2" in message for message in messages)
    assert safe_url("http://u:pw@h:1/p?q") == "http://u:***@h:1/p?q"


async def _gzipped(request: Request, writer: asyncio.StreamWriter) -> bool:
    compress = "gzip" in request.headers.get("accept-encoding", "")
    body = gzip.compress(GRAPHQL) if compress else GRAPHQL
    writer.write(response(body, headers=("content-encoding: gzip",) if compress else ()))
    return True


async def test_compressed_answers_are_asked_for_only_when_configured() -> None:
    async with ScriptedServer(_gzipped) as server:
        plain = SubgraphClient("accounts", server.url)
        compressed = SubgraphClient("accounts", server.url,
                                    ClientOptions(accept_compressed=True))
        # a caller's Accept-Encoding never reaches the subgraph: br could not be decoded
        answers = [await plain.post(QUERY, {"accept-encoding": "br"}),
                   await compressed.post(QUERY, {"accept-encoding": "br"})]
        await plain.aclose()
        await compressed.aclose()
    assert answers == [GRAPHQL, GRAPHQL]
    assert [r.headers.get("accept-encoding") for r in server.requests] == [None, "gzip, deflate"]


def test_idle_connections_expire_before_uvicorns_and_nodes_5_second_idle_timeout() -> None:
    config = GatewayConfig()
    assert ClientOptions().keepalive_expiry == 4.0
    assert config.traffic.all.keepalive_expiry_seconds == 4.0
    assert Http11Pool("http://a/graphql").keepalive_expiry == 4.0
    assert config.traffic.all.accept_compressed is False


async def _whoami(request: Request, writer: asyncio.StreamWriter) -> bool:
    writer.write(response(b'{"data":{"whoami":"subgraph"}}'))
    return True


async def test_the_gateway_sends_url_credentials_and_asks_for_compression_when_configured() -> None:
    async with ScriptedServer(_whoami) as server:
        config = GatewayConfig(
            subgraph_urls={"products": _with_credentials(server.url, "gateway:s3cret")},
            traffic={"all": {"accept_compressed": True}}, csrf_prevention=False)
        app = create_app(shop_supergraph(), config=config)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as http:
                answer = await http.post("/graphql", json={"query": "{ whoami }"})
    assert answer.json() == {"data": {"whoami": "subgraph"}}
    [request] = server.requests
    assert request.headers["authorization"] == _basic("gateway:s3cret")
    assert request.headers["accept-encoding"] == "gzip, deflate"
