"""Cart changes: decode, find the caller's cart, run one service call, map to GraphQL.

Guests send ``X-Cart-Id``; without it a change starts a new guest cart, whose id comes back in
``Cart.id``. Signed-in callers always change their own cart (the header is ignored); a guest
cart joins it only through ``mergeGuestCart``, which the front end calls right after login.
"""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from subgraphs.cart.graphql import caller
from subgraphs.cart.graphql.types import Cart

__all__ = ["Mutation"]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Add units of a product (quantity 1..99; the line may hold at most 99 and "
        "no more than the stock left)."
    )
    async def add_to_cart(self, info: Info, product_id: strawberry.ID, quantity: int) -> Cart:
        key, catalog = caller.request_cart(info, create=True), caller.catalog(info)
        return Cart.from_domain(
            await info.context.carts.add(key, str(product_id), quantity, catalog)
        )

    @strawberry.mutation(description="Set the quantity (1..99) of a product in the cart.")
    async def update_cart_item(
        self, info: Info, product_id: strawberry.ID, quantity: int
    ) -> Cart:
        key, catalog = caller.request_cart(info, create=True), caller.catalog(info)
        return Cart.from_domain(
            await info.context.carts.set_quantity(key, str(product_id), quantity, catalog)
        )

    @strawberry.mutation(description="Remove a product from the cart (no-op when absent).")
    async def remove_from_cart(self, info: Info, product_id: strawberry.ID) -> Cart:
        key, catalog = caller.request_cart(info, create=True), caller.catalog(info)
        return Cart.from_domain(await info.context.carts.remove(key, str(product_id), catalog))

    @strawberry.mutation(description="Remove everything from the cart.")
    async def clear_cart(self, info: Info) -> Cart:
        key = caller.request_cart(info, create=True)
        return Cart.from_domain(await info.context.carts.clear(key))

    @strawberry.mutation(
        description="Signed in: move the guest cart `cartId` into your cart (quantities added, "
        "capped by stock and 99) and delete it. Call right after login; repeating is harmless."
    )
    async def merge_guest_cart(self, info: Info, cart_id: strawberry.ID) -> Cart:
        user = caller.user_cart(info.context.require_user().id)
        guest, catalog = caller.guest_cart(str(cart_id)), caller.catalog(info)
        return Cart.from_domain(await info.context.carts.merge(user, guest, catalog))
