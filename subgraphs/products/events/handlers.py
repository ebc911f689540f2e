"""What products does with each consumed event: one inbox handler for consumer group
``products`` on the ``orders`` and ``payments`` topics (see ``domain/inventory.py``).

| event (topic)                   | effect                                                   |
|---------------------------------|----------------------------------------------------------|
| OrderCreated (orders)           | reserve every line or none                               |
| PaymentProcessed (payments)     | SUCCEEDED: commit (or report a reservation that expired) |
|                                 | FAILED: release at once                                  |
| OrderCancelled (orders)         | release, committed units included                        |
| anything else                   | ignored (no transaction, no inbox row)                   |

Products whose stock changed are written through to the cache after the transaction commits.
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
from subgraphs.products.domain.records import ProductRecord
from subgraphs.products.events.after_commit import after_commit

__all__ = ["GROUP", "TOPICS", "saga_handler", "saga_subscription"]

GROUP = "products"
TOPICS = (ORDERS, PAYMENTS)
Action = Callable[[AsyncSession, Envelope], Awaitable[list[ProductRecord]]]


def saga_handler(inventory: InventoryService, catalog: CatalogCache) -> SessionHandler:
    """Route each event to the inventory service; runs in the inbox transaction. The rows an
    action changed replace their cached copies once its transaction commits."""

    def writing_through(action: Action) -> SessionHandler:
        async def handle(session: AsyncSession, event: Envelope) -> None:
            changed = await action(session, event)
            if changed:
                ids = [record.id for record in changed]
                after_commit(session, lambda: catalog.write_through(changed),
                             otherwise=lambda: catalog.invalidate(*ids))

        return handle

    return dispatch({
        OrderCreated: writing_through(inventory.reserve),
        PaymentProcessed: writing_through(inventory.settle_payment),
        OrderCancelled: writing_through(inventory.cancel),
    })


def saga_subscription(inventory: InventoryService, catalog: CatalogCache) -> Subscription:
    """The one subscription products runs through the kit's Messaging."""
    return Subscription(TOPICS, GROUP, saga_handler(inventory, catalog))
