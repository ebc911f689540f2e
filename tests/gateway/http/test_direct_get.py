"""GET /graphql (queries in the query string, hash-only persisted queries) keeps Starlette's
behaviour on the direct ASGI path (gateway/http/asgi.py): CSRF rules, queries only, APQ, media
types, request ids, CORS, gzip, a 500 for a bug, GraphiQL for browsers and middleware someone
adds. These tests passed against the Starlette route before GET moved."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from gateway.config import GatewayConfig
from tests.gateway.pipeline.shop import Shop

QUERY = '{ product(id: "p1") { name stock } }'
PREFLIGHT = {"apollo-require-preflight": "true"}
NEW = "application/graphql-response+json"


async def _get(app: Any, params: dict[str, str] | None = None,
               headers: dict[str, str] | list[tuple[str, str]] | None = None,
               method: str = "GET") -> httpx.Response:
    async with app.router.lifespan_context(app):
        # what a server sends; Starlette re-raises a bug after its 500 for the server to log
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.request(method, "/graphql", params=params, headers=headers)


def _query(query: str = QUERY) -> dict[str, str]:
    return {"query": query}


async def test_a_get_query_is_answered_with_the_clients_request_id_or_a_new_one():
    app = Shop().app()
    given = await _get(app, _query(), {**PREFLIGHT, "x-request-id": "req-42"})
    fresh = await _get(app, _query(), PREFLIGHT)
    assert given.json() == {"data": {"product": {"name": "Chair", "stock": 5}}}
    assert given.headers["content-type"] == "application/json; charset=utf-8"
    assert given.headers["x-request-id"] == "req-42"
    assert fresh.headers["x-request-id"] not in ("", "req-42")


async def test_csrf_prevention_refuses_a_get_a_browser_could_send_unasked():
    app = Shop().app()
    bare = await _get(app, _query())
    json_type = await _get(app, _query(), {"content-type": "application/json"})
    operation_name = await _get(app, _query(), {"x-apollo-operation-name": "Chair"})
    assert bare.status_code == 400
    assert bare.json()["errors"][0]["extensions"]["code"] == "CSRF_PREVENTION"
    assert json_type.json()["data"]["product"]["name"] == "Chair"
    assert operation_name.json()["data"]["product"]["name"] == "Chair"


async def test_csrf_prevention_off_lets_a_bare_get_through():
    answer = await _get(Shop().app(GatewayConfig(csrf_prevention=False)), _query())
    assert answer.json()["data"]["product"]["name"] == "Chair"


async def test_a_mutation_over_get_is_405_under_both_media_types_and_runs_nothing():
    shop = Shop()
    mutation = _query('mutation { rename(id: "p1", name: "x") { name } }')
    old = await _get(shop.app(), mutation, PREFLIGHT)
    new = await _get(shop.app(), mutation, {**PREFLIGHT, "accept": NEW})
    assert (old.status_code, new.status_code) == (405, 405)
    assert old.headers["allow"] == new.headers["allow"] == "POST"
    assert new.headers["content-type"] == f"{NEW}; charset=utf-8"
    assert shop.calls["products"] == 0


async def test_a_hash_only_persisted_query_get_is_not_found_until_registered_then_served():
    app = Shop().app()
    digest = hashlib.sha256(QUERY.encode()).hexdigest()
    extensions = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway",
                                     headers=PREFLIGHT) as client:
            unknown = await client.get("/graphql", params={"extensions": extensions})
            await client.get("/graphql", params={"query": QUERY, "extensions": extensions})
            known = await client.get("/graphql", params={"extensions": extensions})
    assert unknown.status_code == 200
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert known.json() == {"data": {"product": {"name": "Chair", "stock": 5}}}


async def test_get_errors_follow_the_negotiated_media_type():
    app = Shop().app()
    invalid = _query("{ product(id: 1) { nope } }")
    old = await _get(app, invalid, PREFLIGHT)
    new = await _get(app, invalid, {**PREFLIGHT, "accept": NEW})
    unacceptable = await _get(app, _query(), {**PREFLIGHT, "accept": "image/png"})
    no_query = await _get(app, {}, {**PREFLIGHT, "accept": NEW})
    assert old.status_code == 200 and old.json()["errors"]
    assert new.status_code == 400 and new.json()["errors"]
    assert unacceptable.status_code == 406
    assert no_query.status_code == 400


async def test_the_first_of_repeated_headers_counts_as_it_did_in_starlette():
    app = Shop().app()
    answer = await _get(app, _query(), [("apollo-require-preflight", "true"),
                                        ("accept", NEW), ("accept", "application/json")])
    assert answer.headers["content-type"] == f"{NEW}; charset=utf-8"


async def test_the_first_of_repeated_headers_counts_on_post_too():
    app = Shop().app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            answer = await client.post("/graphql", json=_query(), headers=[
                ("accept", NEW), ("accept", "application/json")])
    assert answer.headers["content-type"] == f"{NEW}; charset=utf-8"


async def test_cors_headers_are_added_to_a_get_from_an_allowed_origin_only():
    config = GatewayConfig(cors={"allow_origins": ["https://shop.example"],
                                 "allow_credentials": True})
    allowed = await _get(Shop().app(config), _query(),
                         {**PREFLIGHT, "origin": "https://shop.example"})
    other = await _get(Shop().app(config), _query(),
                       {**PREFLIGHT, "origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in allowed.headers["access-control-expose-headers"]
    assert "access-control-allow-origin" not in other.headers
    assert allowed.json() == other.json()


async def test_large_get_answers_are_gzipped_once_accepted():
    big = "{ " + " ".join(f"a{i}: products {{ id name }}" for i in range(40)) + " }"
    zipped = await _get(Shop().app(), _query(big), {**PREFLIGHT, "accept-encoding": "gzip"})
    plain = await _get(Shop().app(), _query(big), {**PREFLIGHT, "accept-encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.json() == plain.json()  # httpx inflated it
    assert "content-encoding" not in plain.headers


async def _broken(*_: Any) -> Any:
    raise RuntimeError("secret detail")


async def test_a_bug_on_get_is_a_500_without_details_and_with_a_request_id():
    app = Shop().app()
    app.endpoint.answer = _broken
    answer = await _get(app, _query(), {**PREFLIGHT, "x-request-id": "req-8"})
    assert (answer.status_code, answer.headers["x-request-id"]) == (500, "req-8")
    assert b"secret" not in answer.content


async def test_a_browser_gets_graphiql_and_a_client_asking_html_of_a_query_gets_its_answer():
    app = Shop().app(GatewayConfig(graphiql=True))
    page = await _get(app, None, {"accept": "text/html,application/xhtml+xml"})
    query = await _get(app, _query(), {**PREFLIGHT, "accept": "text/html, application/json"})
    off = await _get(Shop().app(GatewayConfig(graphiql=False)), None,
                     {**PREFLIGHT, "accept": "text/html"})
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert query.json()["data"]["product"]["name"] == "Chair"
    assert off.status_code == 406


async def test_head_answers_with_the_status_and_headers_of_a_get():
    answer = await _get(Shop().app(), _query(), PREFLIGHT, method="HEAD")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json; charset=utf-8"


def _recording(seen: list[str]) -> Any:
    """A pure-ASGI middleware factory noting each HTTP request it sees."""

    def wrap(app: Any) -> Any:
        async def record(scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                seen.append(f"{scope['method']} {scope['path']}")
            await app(scope, receive, send)

        return record

    return wrap


async def test_middleware_added_to_the_app_sees_graphql_gets():
    seen: list[str] = []
    app = Shop().app()
    app.add_middleware(_recording(seen))
    answer = await _get(app, _query(), PREFLIGHT)
    assert (answer.json()["data"]["product"]["name"], seen) == ("Chair", ["GET /graphql"])
