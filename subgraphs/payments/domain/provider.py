"""The seam to whoever moves the money: a ``PaymentProvider`` charges and refunds.

Contract every provider keeps (the sandbox now, Stripe later):

- The idempotency key decides: a repeated call with the same key returns the first call's
  result and never moves money twice, even across restarts. Reusing a key with different
  parameters raises :class:`IdempotencyConflict`.
- A decline is a result (``succeeded=False`` with a code such as ``card_declined``), because it
  is final for that key. Anything that might succeed when tried again (network error, provider
  outage, HTTP 5xx) raises :class:`ProviderUnavailable`, so the event is retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "ChargeResult",
    "IdempotencyConflict",
    "PaymentProvider",
    "ProviderError",
    "ProviderUnavailable",
    "RefundResult",
]


@dataclass(frozen=True, slots=True)
class ChargeResult:
    """How a charge ended; ``transaction_id`` is the provider's reference, when it made one."""

    succeeded: bool
    transaction_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    # The provider accepted the charge but settles it later (Stripe ``requires_action`` or
    # ``processing``): the payment stays PENDING until a webhook says how it ended.
    pending: bool = False

    @property
    def failure_reason(self) -> str | None:
        """The stable decline code when there is one (Stripe's), else the message."""
        if self.succeeded or self.pending:
            return None
        return self.failure_code or self.failure_message


@dataclass(frozen=True, slots=True)
class RefundResult:
    """How a refund ended; ``refund_id`` is the provider's reference of the refund."""

    succeeded: bool
    refund_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None


class ProviderError(Exception):
    """The provider could not give a result for this call."""


class ProviderUnavailable(ProviderError):
    """Transient: the same call with the same key may succeed later."""


class IdempotencyConflict(ProviderError):
    """The idempotency key was used before with different parameters (a bug, never retried
    into success)."""


class PaymentProvider(Protocol):
    """Charges and refunds in integer minor units; see the module docstring for the contract."""

    name: str

    async def charge(
        self,
        order_id: str,
        amount: int,
        currency: str,
        payment_method: str,
        idempotency_key: str,
    ) -> ChargeResult: ...

    async def refund(
        self, transaction_id: str, amount: int, idempotency_key: str
    ) -> RefundResult: ...

    async def earlier_charge(self, idempotency_key: str) -> ChargeResult | None:
        """The charge already made with this key (by an attempt whose process died before
        recording it), None when none is known; never charges."""
        ...
