"""``paymentStatusChanged``: an order's payment as it changes (owner or admin only)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from subgraphs.kit.errors import AppError, Forbidden
from subgraphs.kit.tokens import Principal
from subgraphs.payments.graphql.access import visible
from subgraphs.payments.graphql.entities import Payment

__all__ = ["Subscription"]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The order's payment when it exists and after each change; completes after "
        "FAILED or REFUNDED. UNAUTHENTICATED without a token; FORBIDDEN once the payment shows "
        "the order is not yours."
    )
    async def payment_status_changed(
        self, info: Info, order_id: strawberry.ID
    ) -> AsyncGenerator[Payment, None]:
        viewer = _viewer(info)
        async for record in info.context.watch.changes(str(order_id)):
            if visible(viewer, record) is None:
                raise _coded(Forbidden("Only the order's owner or an admin may follow it"))
            yield Payment.from_record(record)


def _viewer(info: Info) -> Principal:
    try:
        return info.context.require_user()
    except AppError as exc:
        raise _coded(exc) from None


def _coded(error: AppError) -> GraphQLError:
    # The kit's ErrorCodes extension rewrites query and mutation results only; a subscription's
    # events never pass through it, so the code is attached here.
    return GraphQLError(error.message, extensions={**error.extensions, "code": error.code})
