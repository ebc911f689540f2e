"""GraphQL over HTTP: methods, media types, status codes and malformed requests."""

from __future__ import annotations

import json

import httpx

from gateway.app import create_app
from gateway.config import GatewayConfig, LimitsConfig
from tests.gateway.pipeline.shop import Shop, shop_supergraph

NEW = "application/graphql-response+json"
QUERY = '{ product(id: "p1") { name stock } }'


async def test_post_json_answers_application_json_by_default(client):
    response = await client.post("/graphql", json={"query": QUERY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"data": {"product": {"name": "Chair", "stock": 5}}}


async def test_graphql_response_json_when_accepted(client):
    response = await client.post("/graphql", json={"query": QUERY}, headers={"accept": NEW})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(NEW)


async def test_validation_error_is_400_under_graphql_response_json_and_200_under_json(client):
    body = {"query": "{ nope }"}
    new = await client.post("/graphql", json=body, headers={"accept": NEW})
    legacy = await client.post("/graphql", json=body, headers={"accept": "application/json"})
    assert (new.status_code, legacy.status_code) == (400, 200)
    assert new.json() == legacy.json()
    assert new.json()["errors"][0]["locations"] == [{"line": 1, "column": 3}]


async def test_malformed_json_is_a_clear_400(client):
    response = await client.post("/graphql", content=b'{"query": ',
                                 headers={"content-type": "application/json"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["message"].startswith("Malformed JSON body")
    assert error["extensions"]["code"] == "BAD_REQUEST"


async def test_missing_query_is_a_clear_400(client):
    for body in ({}, {"query": ""}, {"query": 3}, {"variables": {}}):
        response = await client.post("/graphql", json=body)
        assert response.status_code == 400, body
        assert "query" in response.json()["errors"][0]["message"]


async def test_non_object_bodies_and_parameters_are_400(client):
    for body in ([{"query": QUERY}], "text", {"query": QUERY, "variables": [1]},
                 {"query": QUERY, "operationName": 1}, {"query": QUERY, "extensions": "x"}):
        response = await client.post("/graphql", json=body)
        assert response.status_code == 400, body


async def test_post_with_another_content_type_is_415(client):
    response = await client.post("/graphql", content=QUERY, headers={"content-type": "text/plain"})
    assert response.status_code == 415


async def test_get_runs_a_query_with_json_encoded_variables(client):
    params = {"query": "query($id: ID!) { product(id: $id) { name } }",
              "variables": json.dumps({"id": "p2"})}
    response = await client.get("/graphql", params=params)
    assert response.status_code == 200
    assert response.json() == {"data": {"product": {"name": "Lamp"}}}


async def test_get_with_invalid_variables_json_is_400(client):
    response = await client.get("/graphql", params={"query": QUERY, "variables": "{oops"})
    assert response.status_code == 400


async def test_mutation_over_get_is_405_with_allow_post(client, shop):
    response = await client.get("/graphql", params={"query": 'mutation { rename(id: "p1", '
                                                              'name: "x") { name } }'})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert shop.calls["products"] == 0


async def test_unacceptable_accept_header_is_406(client):
    response = await client.post("/graphql", json={"query": QUERY},
                                 headers={"accept": "text/html"})
    assert response.status_code == 406


async def test_body_over_the_request_limit_is_413():
    app = Shop().app(GatewayConfig(limits=LimitsConfig(max_request_bytes=1000)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        response = await client.post("/graphql", json={"query": "{ whoami }" + " " * 2000})
    assert response.status_code == 413


async def test_wrong_variable_type_is_bad_user_input(client):
    response = await client.post("/graphql", json={
        "query": "query($id: ID!) { product(id: $id) { name } }", "variables": {"id": [1]}},
        headers={"accept": NEW})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_deep_and_alias_amplified_queries_get_clear_errors(client):
    deep = "{" + " products {" * 100 + " id" + " }" * 100 + " }"
    aliased = '{ product(id: "p1") { ' + " ".join(f"a{i}: name" for i in range(1000)) + " } }"
    codes = []
    for query in (deep, aliased):
        response = await client.post("/graphql", json={"query": query})
        assert response.status_code == 200
        codes.append(response.json()["errors"][0]["extensions"]["code"])
    assert codes == ["MAX_DEPTH_LIMIT", "MAX_ALIASES_LIMIT"]


async def test_huge_document_is_refused(client):
    response = await client.post("/graphql", json={"query": "{ whoami }" + "#" * 200_000},
                                 headers={"accept": NEW})
    assert response.status_code in (400, 413)


async def test_health_and_ready(client):
    for path in ("/health", "/ready"):
        response = await client.get(path)
        assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_only_the_authorization_header_reaches_subgraphs(client):
    response = await client.post("/graphql", json={"query": "{ whoami }"},
                                 headers={"authorization": "Bearer t", "x-secret": "s"})
    assert response.json() == {"data": {"whoami": "Bearer t|None"}}


class _Refusing(httpx.AsyncBaseTransport):
    """The shop's transport, except that host ``down`` refuses connections."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "down":
            raise httpx.ConnectError("connection refused", request=request)
        return await self.shop.transport.handle_async_request(request)


async def test_subgraph_down_is_partial_data_never_a_500():
    app = create_app(shop_supergraph(), transport=_Refusing(Shop()),
                     subgraph_urls={"inventory": "http://down/graphql"})
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        response = await client.post("/graphql", json={"query": "{ products { name stock } }"})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "SUBGRAPH_FETCH_FAILED",
                                               "serviceName": "inventory"}


async def test_batches_are_refused_unless_enabled(client):
    response = await client.post("/graphql", json=[{"query": "{ whoami }"}])
    assert response.status_code == 400
    assert "not enabled" in response.json()["errors"][0]["message"]


async def _batch_client(max_operations: int = 2) -> httpx.AsyncClient:
    config = GatewayConfig(batching={"enabled": True, "max_operations": max_operations})
    transport = httpx.ASGITransport(app=Shop().app(config))
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


async def test_enabled_batch_answers_each_request_in_order():
    async with await _batch_client() as client:
        response = await client.post("/graphql", json=[
            {"query": 'mutation { rename(id: "p1", name: "Seat") { name } }'},
            {"query": "{ nope }"},
        ])
    assert response.status_code == 200
    first, second = response.json()
    assert first == {"data": {"rename": {"name": "Seat"}}}
    assert second["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_batch_over_the_maximum_is_refused():
    async with await _batch_client(max_operations=2) as client:
        response = await client.post("/graphql", json=[{"query": "{ whoami }"}] * 3)
    assert response.status_code == 400
