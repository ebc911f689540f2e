"""EntityClient keeps what another subgraph said went wrong, so callers can act on its code."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from subgraphs.kit.entity_client import EntityClient, UpstreamError, UpstreamUnavailable


def answering(body: dict[str, Any]) -> EntityClient:
    """A client whose subgraph answers every request with ``body``."""
    transport = httpx.MockTransport(lambda _: httpx.Response(200, content=orjson.dumps(body)))
    return EntityClient("http://products/graphql", client=httpx.AsyncClient(transport=transport))


@pytest.mark.parametrize("code", ["NOT_FOUND", "UNAUTHENTICATED", "FORBIDDEN"])
async def test_an_upstream_graphql_error_keeps_its_code(code: str) -> None:
    errors = [
        {"message": "nope", "path": ["_entities", 0], "extensions": {"code": code}},
        {"message": "also", "extensions": {"code": "BAD_USER_INPUT"}},
    ]
    client = answering({"data": {"_entities": [None]}, "errors": errors})

    with pytest.raises(UpstreamError) as raised:
        await client.fetch("Product", [{"id": "p1"}], "id")

    assert raised.value.code == code
    assert raised.value.errors == errors
    assert code in raised.value.message and "Product" in raised.value.message


async def test_an_upstream_error_without_a_code_is_upstream_unavailable() -> None:
    client = answering({"data": None, "errors": [{"message": "boom"}]})

    with pytest.raises(UpstreamUnavailable) as raised:
        await client.fetch("Product", [{"id": "p1"}], "id")

    assert raised.value.code == "UPSTREAM_UNAVAILABLE"


async def test_entities_without_errors_come_back_in_input_order() -> None:
    client = answering({"data": {"_entities": [{"id": "p2"}, None]}})

    assert await client.fetch("Product", [{"id": "p2"}, {"id": "p9"}], "id") == [{"id": "p2"}, None]
