"""Two small Strawberry federation subgraphs for the subscription tests.

``orders`` streams ``orderStatusChanged(orderId)`` from an in-test ``Bus``; ``payments`` owns
``Order.payment``, reached through ``_entities``. Both record the Authorization they received.
Every order belongs to alice: ``orders`` lets follow it the token ``Bearer alice`` or a JWT signed
with ``SECRET`` whose ``sub`` is alice or whose roles hold ``admin`` (the real orders rule).
(No ``from __future__ import annotations``: Strawberry resolves the annotations of these
function-local types when they are defined.)
"""

import asyncio
from collections import defaultdict
from collections.abc import AsyncGenerator
from typing import Any

import jwt
import strawberry
from graphql import GraphQLError
from strawberry.types import Info

__all__ = ["SECRET", "Bus", "CountingSockets", "orders_schema", "payments_schema"]

SECRET = "subscriptions-test-secret-" + "long-enough-for-hs256-" * 2


class Bus:
    """What the tests publish and what the subgraphs saw."""

    def __init__(self) -> None:
        self.listeners: dict[str, set[asyncio.Queue[str | None]]] = defaultdict(set)
        self.subscribed = 0  # resolver starts, i.e. upstream subscriptions really opened
        self.auth_seen: list[str | None] = []
        self.entity_auth: list[str | None] = []
        self.touched = 0  # mutations run
        self.sockets_opened = 0  # WebSocket connections the gateway opened to a subgraph
        self.sockets_open = 0
        self.close_codes: list[int] = []  # how each of them ended (1000: closed cleanly)

    @property
    def active(self) -> int:
        return sum(len(queues) for queues in self.listeners.values())

    def publish(self, order_id: str, status: str | None) -> None:
        """``None`` completes the streams of ``order_id``."""
        for queue in list(self.listeners[order_id]):
            queue.put_nowait(status)

    async def wait_active(self, count: int, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while self.active != count:  # noqa: ASYNC110 (a count, polled: tests only)
                await asyncio.sleep(0.01)

    async def wait_sockets_open(self, count: int, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            while self.sockets_open != count:  # noqa: ASYNC110 (a count, polled: tests only)
                await asyncio.sleep(0.01)


class CountingSockets:
    """ASGI wrapper of a subgraph recording its WebSocket connections in ``bus``."""

    def __init__(self, app: Any, bus: Bus) -> None:
        self.app, self.bus = app, bus

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)

        async def receiving() -> Any:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                self.bus.close_codes.append(message.get("code", 1000))
            return message

        self.bus.sockets_opened += 1
        self.bus.sockets_open += 1
        try:
            return await self.app(scope, receiving, send)
        finally:
            self.bus.sockets_open -= 1


def _auth(info: Info) -> str | None:
    return info.context["request"].headers.get("authorization")


def _may_follow(auth: str | None) -> bool:
    if auth == "Bearer alice":
        return True
    try:
        claims = jwt.decode((auth or "").removeprefix("Bearer "), SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        return False
    return claims.get("sub") == "alice" or "admin" in claims.get("roles", [])


def orders_schema(bus: Bus) -> strawberry.federation.Schema:
    @strawberry.federation.type(keys=["id"])
    class Order:
        id: strawberry.ID
        status: str

    @strawberry.type
    class Query:
        @strawberry.field
        def order(self, id: strawberry.ID) -> Order | None:
            return Order(id=id, status="PENDING")

    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def order_status_changed(
            self, info: Info, order_id: strawberry.ID
        ) -> AsyncGenerator[Order, None]:
            auth = _auth(info)
            bus.auth_seen.append(auth)
            if not _may_follow(auth):
                raise GraphQLError("Not your order", extensions={"code": "FORBIDDEN"})
            queue: asyncio.Queue[str | None] = asyncio.Queue()
            bus.subscribed += 1
            bus.listeners[str(order_id)].add(queue)
            try:
                while (status := await queue.get()) is not None:
                    yield Order(id=order_id, status=status)
            finally:
                bus.listeners[str(order_id)].discard(queue)

    @strawberry.type
    class Mutation:
        @strawberry.mutation
        def touch(self) -> bool:
            bus.touched += 1
            return True

    return strawberry.federation.Schema(query=Query, mutation=Mutation,
                                        subscription=Subscription)


def payments_schema(bus: Bus) -> strawberry.federation.Schema:
    @strawberry.type
    class Payment:
        status: str

    @strawberry.federation.type(keys=["id"])
    class Order:
        id: strawberry.ID

        @strawberry.field
        def payment(self, info: Info) -> Payment:
            bus.entity_auth.append(_auth(info))
            return Payment(status=f"SUCCEEDED:{self.id}")

        @classmethod
        def resolve_reference(cls, id: strawberry.ID, **_: Any) -> "Order":
            return cls(id=id)

    @strawberry.type
    class Query:
        @strawberry.field
        def payments_ping(self) -> str:
            return "pong"

    return strawberry.federation.Schema(query=Query, types=[Order])
