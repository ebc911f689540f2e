"""What products does with each consumed event: one inbox handler for consumer group
``products`` on the ``orders`` and ``payments`` topics (see ``domain/inventory.py``).

| event (topic)                   | effect                                                   |
|---------------------------------|----------------------------------------------------------|
| OrderCreated (orders)           | reserve every line or none                               |
| PaymentProcessed (payments)     | SUCCEEDED: commit (or report a reservation that expired) |
|                                 | FAILED: release at once                                  |
| OrderCancelled (orders)         | release, committed units included                        |
| anything else                   | ignored (no transaction, no inbox row)                   |

Products whose stock changed are invalidated in the cache after the transaction commits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import Envelope, OrderCancelled, OrderCreated, PaymentProcessed
from streaming.handlers import SessionHandler, dispatch
from streaming.topics import ORDERS, PAYMENTS
from subgraphs.kit.messaging import Subscription
from subgraphs.products.domain.cache import CatalogCache
from subgraphs.products.domain.inventory import InventoryService
from subgraphs.products.events.after_commit import after_commit

__all__ = ["GROUP", "TOPICS", "saga_handler", "saga_subscription"]

GROUP = "products"
TOPICS = (ORDERS, PAYMENTS)
Action = Callable[[AsyncSession, Envelope], Awaitable[list[str]]]


def saga_handler(inventory: InventoryService, catalog: CatalogCache) -> SessionHandler:
    """Route each event to the inventory service; runs in the inbox transaction. The products
    an action touched leave the catalog cache once its transaction commits."""

    def invalidating(action: Action) -> SessionHandler:
        async def handle(session: AsyncSession, event: Envelope) -> None:
            touched = await action(session, event)
            if touched:
                after_commit(session, lambda: catalog.invalidate(*touched))

        return handle

    return dispatch({
        OrderCreated: invalidating(inventory.reserve),
        PaymentProcessed: invalidating(inventory.settle_payment),
        OrderCancelled: invalidating(inventory.cancel),
    })


def saga_subscription(inventory: InventoryService, catalog: CatalogCache) -> Subscription:
    """The one subscription products runs through the kit's Messaging."""
    return Subscription(TOPICS, GROUP, saga_handler(inventory, catalog))
