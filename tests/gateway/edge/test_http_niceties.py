"""CORS, CSRF prevention, gzip, request ids and readiness, over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from gateway.app import create_app
from gateway.config import GatewayConfig
from tests.gateway.edge.conftest import Served
from tests.gateway.edge.shop import secure_supergraph

QUERY = {"query": "{ products { id } }"}


async def test_cors_preflight_allows_a_configured_origin_only(serve):
    cors = {"allow_origins": ["https://shop.example"], "allow_credentials": True}
    preflight = {"access-control-request-method": "POST",
                 "access-control-request-headers": "content-type, authorization"}
    async with serve(cors=cors) as served, httpx.AsyncClient() as client:
        ok = await client.options(f"{served.url}/graphql",
                                  headers={**preflight, "origin": "https://shop.example"})
        refused = await client.options(f"{served.url}/graphql",
                                       headers={**preflight, "origin": "https://evil.example"})
        actual = await client.post(f"{served.url}/graphql", json=QUERY,
                                   headers={"origin": "https://shop.example"})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://shop.example"
    assert ok.headers["access-control-allow-credentials"] == "true"
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert actual.headers["access-control-allow-origin"] == "https://shop.example"


SIMPLE = {
    "GET without content type": ("GET", {}),
    "text/plain POST": ("POST", {"content-type": "text/plain"}),
    "form POST": ("POST", {"content-type": "application/x-www-form-urlencoded"}),
    "multipart POST": ("POST", {"content-type": "multipart/form-data; boundary=x"}),
}


@pytest.mark.parametrize(("method", "headers"), SIMPLE.values(), ids=SIMPLE.keys())
async def test_simple_request_without_a_preflight_header_is_refused_as_csrf(
    serve, method, headers
):
    async with serve() as served, httpx.AsyncClient() as client:
        response = await client.request(method, f"{served.url}/graphql", headers=headers,
                                        params=QUERY if method == "GET" else None,
                                        content=None if method == "GET" else b'{"query":"{a}"}')
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"


PASSING = {
    "GET with json content type": {"content-type": "application/json"},
    "GET with apollo-require-preflight": {"apollo-require-preflight": "true"},
    "GET with x-apollo-operation-name": {"x-apollo-operation-name": "Products"},
}


@pytest.mark.parametrize("headers", PASSING.values(), ids=PASSING.keys())
async def test_request_that_forces_a_preflight_passes(serve, headers):
    async with serve() as served, httpx.AsyncClient() as client:
        response = await client.get(f"{served.url}/graphql", params=QUERY, headers=headers)
    assert response.status_code == 200


async def test_csrf_prevention_can_be_turned_off(serve):
    async with serve(csrf_prevention=False) as served, httpx.AsyncClient() as client:
        response = await client.get(f"{served.url}/graphql", params=QUERY)
    assert response.status_code == 200


async def test_large_responses_are_gzipped_for_clients_that_accept_it(serve, http):
    async with serve() as served:
        zipped = await http.post(f"{served.url}/graphql", json={"query": "{ big }"},
                                 headers={"accept-encoding": "gzip"})
        plain = await http.post(f"{served.url}/graphql", json={"query": "{ big }"},
                                headers={"accept-encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()
    assert "content-encoding" not in plain.headers


async def test_request_id_is_made_echoed_and_sent_to_subgraphs(serve, http):
    async with serve() as served:
        made = await http.post(f"{served.url}/graphql", json={"query": "{ headers }"})
        kept = await http.post(f"{served.url}/graphql", json={"query": "{ headers }"},
                               headers={"x-request-id": "abc-123"})
        forged = await http.post(f"{served.url}/graphql", json=QUERY,
                                 headers={"x-request-id": "bad id <script>"})
    assert len(made.headers["x-request-id"]) == 32
    assert f"x-request-id={made.headers['x-request-id']}" in made.json()["data"]["headers"]
    assert kept.headers["x-request-id"] == "abc-123"
    assert "x-request-id=abc-123" in kept.json()["data"]["headers"]
    assert forged.headers["x-request-id"] != "bad id <script>"


async def test_ready_when_subgraphs_answer_and_not_when_one_is_down(serve, http):
    async with serve() as served:
        ready = await http.get(f"{served.url}/ready")
    down = create_app(secure_supergraph(), config=GatewayConfig(mode="production"),
                      subgraph_urls={"secure": "http://127.0.0.1:9/graphql"})
    async with Served(down) as served:
        unavailable = await http.get(f"{served.url}/ready")
        health = await http.get(f"{served.url}/health")
    assert (ready.status_code, ready.json()) == (200, {"status": "ok"})
    assert unavailable.status_code == 503
    assert health.status_code == 200
