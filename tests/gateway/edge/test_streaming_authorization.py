"""Authorization holds on the streaming transports too (WebSocket, SSE, multipart)."""

from __future__ import annotations

import pytest

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
