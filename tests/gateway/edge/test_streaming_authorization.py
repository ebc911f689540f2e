"""Authorization holds on the streaming transports too (WebSocket, SSE, multipart, @defer)."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.incremental.client import ACCEPT_DEFER, multipart_payloads
from tests.gateway.subscriptions.clients import TRANSPORTS, subscribe


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_guarded_field_is_removed_for_an_anonymous_caller(serve, transport):
    # Regression: the streaming transports prepared operations without the authorization step,
    # so @authenticated fields reached anonymous callers.
    query = '{ product(id: "p1") { name cost } }'
    async with serve() as served:
        async with subscribe(transport, f"{served.url}/graphql", query, {}) as results:
            first = await anext(results)
    assert first["data"] == {"product": {"name": "Product p1", "cost": None}}
    assert first["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"


async def test_guarded_field_in_a_deferred_part_is_removed_for_an_anonymous_caller(serve):
    # given an @authenticated field inside a deferred fragment, asked anonymously
    query = '{ product(id: "p1") { name ... @defer(label: "c") { cost } } }'
    async with serve() as served, httpx.AsyncClient(timeout=30) as client:
        response = await client.post(f"{served.url}/graphql", json={"query": query},
                                     headers={"accept": ACCEPT_DEFER})
    first, second = multipart_payloads(response.content)
    # then the initial payload reports the denied field, and the deferred part holds no value
    assert first["data"] == {"product": {"name": "Product p1"}}
    assert first["errors"][0]["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE"
    assert second["incremental"] == [{"data": {"cost": None}, "path": ["product"],
                                      "label": "c"}]
