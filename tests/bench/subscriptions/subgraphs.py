"""The two subgraphs of the fan-out benchmark, as ASGI apps for uvicorn.

``orders_app`` streams ``orderStatusChanged(orderId)`` from a broadcast of the topic named by
``BENCH_TOPIC`` (the real ``streaming.broadcast`` listener, as the orders subgraph uses it), each
event carrying ``publishedAt`` (its envelope's ``occurredAt``) so clients can time the fan-out;
``payments_app`` answers ``Order.payment`` through ``_entities``, so every event is joined.
(No ``from __future__ import annotations``: Strawberry reads these annotations at definition.)
"""

import os
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from streaming.broadcast import Broadcast
from streaming.settings import KafkaSettings

__all__ = ["orders_app", "payments_app"]

FEED = Broadcast(KafkaSettings(fetch_max_wait_ms=20, metadata_max_age_ms=1000),
                 os.environ.get("BENCH_TOPIC", "bench-orders"), queue_size=10_000)


@strawberry.federation.type(keys=["id"])
class Order:
    id: strawberry.ID
    status: str
    published_at: float


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def order_status_changed(self, order_id: strawberry.ID) -> AsyncGenerator[Order, None]:
        async with FEED.listen(str(order_id)) as events:
            async for event in events:
                yield Order(id=order_id, status=str(event.payload.status),  # type: ignore[attr-defined]
                            published_at=event.occurred_at.timestamp())


@strawberry.type
class Payment:
    status: str


@strawberry.federation.type(keys=["id"])
class PaidOrder:
    id: strawberry.ID

    @strawberry.field
    def payment(self) -> Payment:
        return Payment(status="SUCCEEDED")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> "PaidOrder":
        return cls(id=id)


@strawberry.type
class PaymentsQuery:
    @strawberry.field
    def payments_ping(self) -> str:
        return "pong"


PaidOrder.__strawberry_definition__.name = "Order"  # type: ignore[attr-defined]
orders_schema = strawberry.federation.Schema(query=Query, subscription=Subscription)
payments_schema = strawberry.federation.Schema(query=PaymentsQuery, types=[PaidOrder])


@asynccontextmanager
async def _feed(_: Starlette):  # type: ignore[no-untyped-def]
    await FEED.start()
    yield
    await FEED.stop()


def _app(schema: strawberry.federation.Schema, lifespan: Any = None) -> Starlette:
    graphql = GraphQL(schema)
    routes = [Route("/graphql", graphql), WebSocketRoute("/graphql", graphql)]
    return Starlette(routes=routes, lifespan=lifespan)


orders_app = _app(orders_schema, _feed)
payments_app = _app(payments_schema)
