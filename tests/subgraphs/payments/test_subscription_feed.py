"""``paymentStatusChanged`` woken by the ``payments`` topic (a broadcast), not by polling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest

from streaming.broadcast import Broadcast
from streaming.settings import KafkaSettings
from subgraphs.kit.context import RequestContext
from subgraphs.kit.identity import verifier_for
from subgraphs.payments.graphql.schema import schema
from tests.subgraphs.payments.harness import Harness, cancelled, open_harness, reserved

FOLLOW = "subscription($o: ID!) { paymentStatusChanged(orderId: $o) { status } }"


@pytest.fixture
async def slow_poll(database_url: str) -> AsyncIterator[Harness]:
    # Polling a minute apart: only the feed can wake the subscription in time.
    async with open_harness(database_url, subscription_poll_seconds=60) as harness:
        yield harness


async def follow(app: Harness, feed: Broadcast, order_id: str, token: str) -> AsyncIterator[Any]:
    context = RequestContext(verifier_for(app.settings),
                             {**app.services.as_mapping(), "status_feed": feed})
    context.request = SimpleNamespace(headers={"authorization": f"Bearer {token}"})  # type: ignore[assignment]
    results = await schema.subscribe(FOLLOW, variable_values={"o": order_id}, context_value=context)
    async for result in results:  # type: ignore[union-attr]
        yield result


async def test_each_payment_event_wakes_the_subscription_until_the_final_status(
    slow_poll: Harness,
) -> None:
    # given the owner following an order whose payment does not exist yet
    feed = Broadcast(KafkaSettings(), "payments")
    event = reserved(user_id="owner")
    order_id = event.payload.order_id
    stream = follow(slow_poll, feed, order_id, slow_poll.token("owner"))
    first = asyncio.ensure_future(anext(stream))
    while feed.listeners == 0:  # noqa: ASYNC110 (the resolver registers on its first step)
        await asyncio.sleep(0.01)
    # when it is charged, then refunded, each followed by its event on the topic
    await slow_poll.deliver(event)
    feed.deliver((await slow_poll.published("PaymentProcessed"))[-1])
    charged = await asyncio.wait_for(first, 5)
    await slow_poll.deliver(cancelled(order_id))
    feed.deliver((await slow_poll.published("PaymentRefunded"))[-1])
    refunded = await asyncio.wait_for(anext(stream), 5)
    # then the owner saw both, and the subscription completed and stopped listening
    assert charged.data["paymentStatusChanged"] == {"status": "SUCCEEDED"}
    assert refunded.data["paymentStatusChanged"] == {"status": "REFUNDED"}
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(stream), 5)
    assert feed.listeners == 0

