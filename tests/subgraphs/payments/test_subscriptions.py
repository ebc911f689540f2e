"""``paymentStatusChanged`` follows an order's payment for its owner, and no one else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from subgraphs.kit.context import RequestContext
from subgraphs.kit.identity import verifier_for
from subgraphs.payments.graphql.schema import schema
from tests.subgraphs.payments.harness import Harness, cancelled, open_harness, reserved

FOLLOW = "subscription($o: ID!) { paymentStatusChanged(orderId: $o) { status refundId } }"


@pytest.fixture
async def fast(database_url: str) -> AsyncIterator[Harness]:
    async with open_harness(database_url, subscription_poll_seconds=0.02) as harness:
        yield harness


async def follow(app: Harness, order_id: str, token: str | None) -> AsyncIterator[Any]:
    """The subscription's results, as the GraphQL-over-WebSocket transport would send them."""
    context = RequestContext(verifier_for(app.settings), app.services.as_mapping())
    headers = {"authorization": f"Bearer {token}"} if token else {}
    context.request = SimpleNamespace(headers=headers)  # type: ignore[assignment]
    results = await schema.subscribe(FOLLOW, variable_values={"o": order_id}, context_value=context)
    async for result in results:  # type: ignore[union-attr]
        yield result


async def test_the_owner_sees_each_change_until_the_final_one(fast: Harness) -> None:
    # given the owner following an order that has no payment yet
    event = reserved(user_id="owner")
    order_id = event.payload.order_id
    stream = follow(fast, order_id, fast.token("owner"))
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)
    # when it is charged, then cancelled
    await fast.deliver(event)
    charged = await asyncio.wait_for(first, 5)
    await fast.deliver(cancelled(order_id))
    refunded = await asyncio.wait_for(anext(stream), 5)
    # then the owner saw SUCCEEDED, then REFUNDED, and the subscription completed
    assert charged.data["paymentStatusChanged"] == {"status": "SUCCEEDED", "refundId": None}
    assert refunded.data["paymentStatusChanged"]["status"] == "REFUNDED"
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(stream), 5)


async def test_a_stranger_is_forbidden_and_an_anonymous_caller_unauthenticated(
    fast: Harness,
) -> None:
    event = reserved(user_id="owner")
    await fast.deliver(event)
    order_id = event.payload.order_id

    stranger = await anext(follow(fast, order_id, fast.token("stranger")))
    anonymous = await anext(follow(fast, order_id, None))

    assert stranger.errors[0].extensions["code"] == "FORBIDDEN" and stranger.data is None
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
