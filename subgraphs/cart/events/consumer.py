"""Runs the OrderCreated handler on the ``orders`` topic (consumer group ``cart``).

The cart has no database, so no inbox: the handler is idempotent by the cart version instead.
Retries, backoff and the dead-letter topic come from ``streaming.EventConsumer``.
"""

from __future__ import annotations

import asyncio
import contextlib

from streaming import ORDERS, Envelope, EventConsumer, KafkaSettings, dispatch
from streaming.events.orders import OrderCreated
from subgraphs.cart.domain.service import CartService
from subgraphs.cart.events.handlers import handle_order_created

__all__ = ["GROUP", "OrderEvents"]

GROUP = "cart"


class OrderEvents:
    """Start and stop hooks for the app's lifespan around one background consumer."""

    def __init__(
        self, carts: CartService, kafka: KafkaSettings, *, topic: str = ORDERS, group: str = GROUP
    ) -> None:
        async def on_created(event: Envelope) -> None:
            await handle_order_created(carts, _checked_out(event.payload))

        routes = dispatch({OrderCreated: on_created})
        self.consumer = EventConsumer([topic], group, routes, settings=kafka)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self.consumer.run(), name="cart-order-events")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self.consumer.stop()
        try:
            await asyncio.wait_for(task, timeout=10)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _checked_out(order: OrderCreated) -> dict[str, object]:
    """What the handler reads of OrderCreated, whose cart and which version (the order's lines
    are not dumped for it)."""
    return {"user_id": order.user_id, "cart_version": order.cart_version}
