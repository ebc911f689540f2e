"""The Stripe provider: PaymentIntents confirmed server-side, and Refunds, via the ``stripe`` SDK.

A charge is ``POST /v1/payment_intents`` with ``confirm=true``, the amount in minor units, the
lowercased currency, the payment method, ``payment_method_types=["card"]`` (no redirect-based
methods, so no ``return_url``) and ``metadata[order_id]``; the idempotency key is the caller's
(the order id), so a retry after any failure finds the same PaymentIntent. How Stripe answers
(https://docs.stripe.com/api/errors, https://docs.stripe.com/payments/paymentintents/lifecycle):

| answer                                         | result                                     |
|------------------------------------------------|--------------------------------------------|
| status ``succeeded``                           | succeeded, transaction id = PaymentIntent  |
| status ``requires_action`` / ``processing``    | pending: a webhook settles it later        |
| any other status (``canceled``, ...)           | failed with that status                    |
| 402 ``card_error``                             | failed with ``decline_code`` or ``code``   |
| other 400/404 ``invalid_request_error``        | failed with ``code`` (final for this key)  |
| ``idempotency_error`` (key reused, other body) | :class:`IdempotencyConflict`               |
| connection error, 409, 429, 5xx, auth errors   | :class:`ProviderUnavailable` (retried)     |

The SDK retries connection errors, 409 and 5xx itself ``max_network_retries`` times with the
same key before we see them. Exception texts are rebuilt from class, code and request id only,
so no request body or key can reach logs or dead-letter headers.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe

from subgraphs.payments.domain.provider import (
    ChargeResult,
    IdempotencyConflict,
    ProviderUnavailable,
    RefundResult,
)

__all__ = ["PENDING_STATUSES", "StripeProvider"]

PENDING_STATUSES = frozenset({"requires_action", "processing"})
# Debug logs of the SDK carry request bodies; nothing below WARNING leaves it.
logging.getLogger("stripe").setLevel(logging.WARNING)


class StripeProvider:
    """A ``PaymentProvider`` over Stripe's API (or a fake of it at ``api_base``)."""

    name = "stripe"

    def __init__(
        self,
        api_key: str,
        *,
        api_base: str = "https://api.stripe.com",
        max_network_retries: int = 2,
        timeout_seconds: float = 30.0,
    ) -> None:
        self.http = stripe.HTTPXClient(timeout=timeout_seconds)
        self.client = stripe.StripeClient(
            api_key, base_addresses={"api": api_base},
            max_network_retries=max_network_retries, http_client=self.http,
        )

    async def charge(
        self, order_id: str, amount: int, currency: str, payment_method: str, idempotency_key: str
    ) -> ChargeResult:
        params: dict[str, Any] = {
            "amount": amount, "currency": currency.lower(), "payment_method": payment_method,
            "confirm": True, "payment_method_types": ["card"],
            "metadata": {"order_id": order_id},
        }
        try:
            intent = await self.client.v1.payment_intents.create_async(
                params, {"idempotency_key": idempotency_key}  # type: ignore[arg-type]
            )
        except stripe.CardError as exc:
            return _declined(exc)
        except stripe.StripeError as exc:
            return _refused(exc)
        return _charge_result(intent)

    async def earlier_charge(self, idempotency_key: str) -> ChargeResult | None:
        # Stripe answers an idempotency key only by replaying the request, which would charge
        # when the first attempt never arrived; so an orphaned charge is not found here (a
        # known gap: it would need a search by metadata.order_id).
        return None

    async def refund(self, transaction_id: str, amount: int, idempotency_key: str) -> RefundResult:
        params = {"payment_intent": transaction_id, "amount": amount}
        try:
            refund = await self.client.v1.refunds.create_async(
                params, {"idempotency_key": idempotency_key}  # type: ignore[arg-type]
            )
        except stripe.StripeError as exc:
            code, message = _final_error(exc)
            return RefundResult(False, None, code, message)
        if refund.status == "failed":  # pending and succeeded both mean Stripe took the refund
            return RefundResult(False, refund.id, refund.get("failure_reason"), "refund failed")
        return RefundResult(True, refund.id)

    async def close(self) -> None:
        """Close the SDK's HTTP connections."""
        await self.http.close_async()


def _charge_result(intent: Any) -> ChargeResult:
    if intent.status == "succeeded":
        return ChargeResult(True, intent.id)
    if intent.status in PENDING_STATUSES:
        return ChargeResult(False, intent.id, pending=True)
    return ChargeResult(False, intent.id, intent.status, f"payment intent {intent.status}")


def _declined(exc: stripe.CardError) -> ChargeResult:
    error = exc.error
    intent = error.payment_intent if error is not None else None
    code = (error.decline_code if error is not None else None) or exc.code or "card_declined"
    message = error.message if error is not None else None
    return ChargeResult(False, intent.id if intent else None, code, message)


def _refused(exc: stripe.StripeError) -> ChargeResult:
    code, message = _final_error(exc)
    return ChargeResult(False, None, code, message)


def _final_error(exc: stripe.StripeError) -> tuple[str, str]:
    """(code, message) of an error no retry can fix; raise for the others."""
    if isinstance(exc, stripe.IdempotencyError):
        raise IdempotencyConflict(_describe(exc)) from None
    if isinstance(exc, stripe.CardError | stripe.InvalidRequestError) and exc.http_status != 409:
        return exc.code or "invalid_request", (exc.error.message if exc.error else None) or ""
    raise ProviderUnavailable(_describe(exc)) from None


def _describe(exc: stripe.StripeError) -> str:
    """Class, status, code and request id: enough to trace at Stripe, nothing secret."""
    return (f"stripe {type(exc).__name__} status={exc.http_status} code={exc.code} "
            f"request={exc.request_id}")
