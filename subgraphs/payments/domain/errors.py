"""Payments errors raised while handling events; raising makes the consumer retry the event."""

from __future__ import annotations

from subgraphs.payments.domain.provider import RefundResult

__all__ = ["RefundFailed"]


class RefundFailed(Exception):
    """The provider refused or failed a refund; after the consumer's retries the
    OrderCancelled event goes to the dead-letter topic for an operator (see README)."""

    def __init__(self, order_id: str, result: RefundResult) -> None:
        super().__init__(
            f"refund of order {order_id} failed: {result.failure_code}: {result.failure_message}"
        )
        self.order_id = order_id
        self.result = result
