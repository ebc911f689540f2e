"""The sandbox provider (the default): deterministic outcomes from Stripe's test payment methods.

``pm_card_visa`` and ``pm_card_mastercard`` succeed; ``pm_card_chargeDeclined``,
``pm_card_visa_chargeDeclinedInsufficientFunds`` and ``pm_card_chargeDeclinedExpiredCard`` are
declined with Stripe's decline codes; ``pm_card_refundFail`` is charged but its refunds fail;
anything else fails as an invalid payment method. Outcomes are kept in a ledger by idempotency
key, so the same key never charges twice and always returns the first result.

A failed refund is not recorded (as Stripe keeps no idempotent result for a request it did not
carry out), so the same key succeeds once the cause is gone, e.g. ``fail_refunds`` switched off.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from subgraphs.payments.domain.provider import ChargeResult, IdempotencyConflict, RefundResult
from subgraphs.payments.domain.sandbox_ledger import SandboxLedger

__all__ = ["DECLINES", "REFUND_FAILS", "SUCCEEDS", "SandboxProvider"]

SUCCEEDS = frozenset({"pm_card_visa", "pm_card_mastercard"})
REFUND_FAILS = "pm_card_refundFail"
DECLINES = {
    "pm_card_chargeDeclined": ("card_declined", "Your card was declined."),
    "pm_card_visa_chargeDeclinedInsufficientFunds": (
        "insufficient_funds", "Your card has insufficient funds."
    ),
    "pm_card_chargeDeclinedExpiredCard": ("expired_card", "Your card has expired."),
}
INVALID_METHOD = "invalid payment method"


class SandboxProvider:
    """A ``PaymentProvider`` that moves no money; ``fail_refunds`` makes every refund fail."""

    name = "sandbox"

    def __init__(self, ledger: SandboxLedger, *, fail_refunds: bool = False) -> None:
        self.ledger = ledger
        self.fail_refunds = fail_refunds

    async def charge(
        self, order_id: str, amount: int, currency: str, payment_method: str, idempotency_key: str
    ) -> ChargeResult:
        request = _request("charge", order_id, amount, currency, payment_method)
        # The outcome a first charge would have; a known key keeps its first row instead.
        outcome = _charge_outcome(payment_method, amount)
        row = await self.ledger.record(
            _row(idempotency_key, "charge", request, outcome, amount, payment_method)
        )
        _same_request(row, request, idempotency_key)
        return ChargeResult(row.succeeded, row.reference, row.failure_code, row.failure_message)

    async def earlier_charge(self, idempotency_key: str) -> ChargeResult | None:
        row = await self.ledger.find(idempotency_key)
        if row is None or row.kind != "charge":
            return None
        return ChargeResult(row.succeeded, row.reference, row.failure_code, row.failure_message)

    async def refund(self, transaction_id: str, amount: int, idempotency_key: str) -> RefundResult:
        request = _request("refund", transaction_id, amount)
        row = await self.ledger.find(idempotency_key)
        if row is None:
            refusal = await self._refusal(transaction_id, amount)
            if refusal is not None:
                return RefundResult(False, None, *refusal)
            outcome = (True, f"re_sbx_{uuid.uuid4().hex[:24]}", None, None)
            values = _row(idempotency_key, "refund", request, outcome, amount, None)
            row = await self.ledger.record({**values, "charge_reference": transaction_id})
        _same_request(row, request, idempotency_key)
        return RefundResult(row.succeeded, row.reference, row.failure_code, row.failure_message)

    async def _refusal(self, transaction_id: str, amount: int) -> tuple[str, str] | None:
        charge = await self.ledger.charge(transaction_id)
        if charge is None:
            return "charge_not_found", f"No successful charge {transaction_id}"
        if amount <= 0 or amount > charge.amount:
            return "amount_invalid", "Refund amount must be positive and at most the charge"
        if await self.ledger.refund_of(transaction_id) is not None:
            return "charge_already_refunded", f"Charge {transaction_id} was refunded already"
        if self.fail_refunds or charge.payment_method == REFUND_FAILS:
            return "refund_failed", "The sandbox was told to fail this refund"
        return None


Outcome = tuple[bool, str | None, str | None, str | None]


def _charge_outcome(payment_method: str, amount: int) -> Outcome:
    """(succeeded, transaction id, failure code, failure message) for a first charge."""
    reference = f"ch_sbx_{uuid.uuid4().hex[:24]}"
    if amount <= 0:
        return False, None, "amount_too_small", "Amount must be at least 1 minor unit"
    if payment_method in SUCCEEDS or payment_method == REFUND_FAILS:
        return True, reference, None, None
    if payment_method in DECLINES:
        return False, reference, *DECLINES[payment_method]
    return False, None, None, INVALID_METHOD


def _row(
    key: str, kind: str, request: str, outcome: tuple[Any, ...], amount: int, method: str | None
) -> dict[str, Any]:
    succeeded, reference, code, message = outcome
    return {
        "idempotency_key": key, "kind": kind, "request": request, "succeeded": succeeded,
        "reference": reference, "payment_method": method, "amount": amount,
        "failure_code": code, "failure_message": message, "created_at": datetime.now(UTC),
    }


def _request(*parts: object) -> str:
    return json.dumps(parts, separators=(",", ":"))


def _same_request(row: Row[Any], request: str, key: str) -> None:
    if row.request != request:
        raise IdempotencyConflict(f"idempotency key {key!r} was used with other parameters")
