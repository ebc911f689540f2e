"""The streaming transports admit operations as plain HTTP does: tokens verified, claims used."""

from __future__ import annotations

import pytest

from tests.gateway.edge.conftest import Served, secure_app, token
from tests.gateway.subscriptions.clients import TRANSPORTS, subscribe

QUERY = '{ product(id: "p1") { name cost } }'


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_verified_token_sees_guarded_fields(transport: str):
    async with Served(secure_app()) as served, subscribe(
        transport, f"{served.url}/graphql", QUERY, {}, token()
    ) as results:
        first = await anext(results)
    assert "errors" not in first, first
    assert first["data"]["product"]["cost"] is not None


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_forged_token_is_unauthenticated_and_runs_nothing(transport: str):
    forged = token(secret="not-the-gateway-secret-but-long-enough")
    async with Served(secure_app()) as served, subscribe(
        transport, f"{served.url}/graphql", QUERY, {}, forged
    ) as results:
        got = [result async for result in results]
    assert got == [{"errors": [{"message": got[0]["errors"][0]["message"],
                                "extensions": {"code": "UNAUTHENTICATED"}}]}]
