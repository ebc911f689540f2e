"""Which cart a request addresses (signed-in user, or guest by X-Cart-Id) and its catalog."""

from __future__ import annotations

import re
import secrets

from strawberry.types import Info

from subgraphs.cart.domain.errors import InvalidCartId
from subgraphs.cart.domain.pricing import Catalog
from subgraphs.cart.domain.records import CartKey

__all__ = ["CART_HEADER", "catalog", "guest_cart", "request_cart", "user_cart"]

CART_HEADER = "x-cart-id"
_GUEST_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


def user_cart(user_id: str) -> CartKey:
    return CartKey("user", user_id)


def guest_cart(cart_id: str, *, field: str = "cartId") -> CartKey:
    """A guest cart by the id we issued; anything we could not have issued is refused."""
    if not _GUEST_ID.fullmatch(cart_id):
        raise InvalidCartId(field)
    return CartKey("guest", cart_id)


def request_cart(info: Info, *, create: bool) -> CartKey | None:
    """The signed-in caller's cart; else the guest cart named by X-Cart-Id; else, when
    ``create``, a new guest cart with an unguessable id (None otherwise)."""
    principal = info.context.principal
    if principal is not None:
        return user_cart(principal.id)
    header = info.context.request.headers.get(CART_HEADER)
    if header is not None:
        return guest_cart(header.strip(), field="X-Cart-Id")
    return CartKey("guest", secrets.token_urlsafe(24)) if create else None


def catalog(info: Info) -> Catalog:
    """Products as seen by this caller (their Authorization header is forwarded)."""
    return info.context.catalog_for(info.context.request.headers.get("authorization"))
