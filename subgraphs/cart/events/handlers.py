"""Handlers for consumed events: plain async functions over the decoded payload dict.

Idempotent without an inbox: emptying the cart bumps its version, so a redelivered
OrderCreated names a version that no longer matches and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from subgraphs.cart.domain.service import CartService

__all__ = ["handle_order_created"]

log = logging.getLogger("cart.events")


async def handle_order_created(carts: CartService, payload: Mapping[str, Any]) -> bool:
    """Empty the buyer's cart if it is still the version checked out; True when emptied.

    Reads ``user_id`` and ``cart_version`` (snake_case, or camelCase as on the wire). Without
    a cart version nothing is cleared: emptying blindly could drop items added after checkout.
    """
    user_id = payload.get("user_id", payload.get("userId"))
    version = payload.get("cart_version", payload.get("cartVersion"))
    if not isinstance(user_id, str) or not isinstance(version, int) or isinstance(version, bool):
        log.warning("OrderCreated without user id and cart version: cart left as it is")
        return False
    cleared = await carts.clear_after_checkout(user_id, version)
    log.info("cart after checkout", extra={"fields": {"userId": user_id, "cleared": cleared}})
    return cleared
