"""A payment provider behind a circuit breaker and a per-call deadline.

While the provider keeps failing, calls fail fast with :class:`ProviderUnavailable` (the event
is retried later, the order stays PENDING) instead of each waiting out the SDK's timeouts and
retries. A call cut by the deadline is safe to repeat: the idempotency key (the order id) makes
the provider return the first call's result (provider.py's contract).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from common.resilience import BreakerOpen, CircuitBreaker
from subgraphs.payments.domain.provider import (
    ChargeResult,
    PaymentProvider,
    ProviderUnavailable,
    RefundResult,
)

__all__ = ["GuardedProvider"]

T = TypeVar("T")


class GuardedProvider:
    """A ``PaymentProvider`` that forwards to ``inner`` through ``breaker``."""

    def __init__(self, inner: PaymentProvider, breaker: CircuitBreaker, timeout: float) -> None:
        self.inner, self.breaker, self.timeout = inner, breaker, timeout

    @property
    def name(self) -> str:  # type: ignore[override]
        """The wrapped provider's name (recorded on each payment)."""
        return self.inner.name

    async def charge(
        self, order_id: str, amount: int, currency: str, payment_method: str, idempotency_key: str
    ) -> ChargeResult:
        return await self._call(lambda: self.inner.charge(
            order_id, amount, currency, payment_method, idempotency_key))

    async def earlier_charge(self, idempotency_key: str) -> ChargeResult | None:
        return await self._call(lambda: self.inner.earlier_charge(idempotency_key))

    async def refund(self, transaction_id: str, amount: int, idempotency_key: str) -> RefundResult:
        return await self._call(lambda: self.inner.refund(transaction_id, amount,
                                                          idempotency_key))

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            self.breaker.check()
        except BreakerOpen as error:
            raise ProviderUnavailable(f"payment provider {error}") from None
        try:
            async with asyncio.timeout(self.timeout):
                result = await call()
        except TimeoutError:
            self.breaker.failure()
            raise ProviderUnavailable(f"payment provider gave no answer in {self.timeout:g}s"
                                      ) from None
        except ProviderUnavailable:
            self.breaker.failure()
            raise
        self.breaker.success()  # a decline is an answer: the provider is up
        return result
