"""The same GraphQL behaviour whichever way the request travels (GET or POST)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

Send = Callable[[httpx.AsyncClient, dict[str, Any]], Awaitable[httpx.Response]]


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/graphql", json=body)


async def get(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    params = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in body.items()}
    return await client.get("/graphql", params=params)


TRANSPORTS = pytest.mark.parametrize("send", [post, get], ids=["POST", "GET"])


@TRANSPORTS
async def test_query_with_variables_and_operation_name(client, send: Send):
    body = {"query": "query A { whoami } query B($id: ID!) { product(id: $id) { name stock } }",
            "variables": {"id": "p3"}, "operationName": "B"}
    response = await send(client, body)
    assert response.json() == {"data": {"product": {"name": "Rug", "stock": 3}}}


@TRANSPORTS
async def test_validation_error_with_locations(client, send: Send):
    response = await send(client, {"query": "{ product(id: 1) { nope } }"})
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["locations"] == [{"line": 1, "column": 20}]


@TRANSPORTS
async def test_variable_of_the_wrong_type(client, send: Send):
    body = {"query": "query($id: ID!) { product(id: $id) { name } }", "variables": {"id": True}}
    response = await send(client, body)
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@TRANSPORTS
async def test_introspection_mixed_with_data(client, send: Send):
    response = await send(client, {"query": '{ whoami __type(name: "Product") { name } }'})
    assert response.json() == {"data": {"whoami": "None|None", "__type": {"name": "Product"}}}
