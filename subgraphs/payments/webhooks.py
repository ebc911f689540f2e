"""``POST /webhooks/stripe``: verify the ``Stripe-Signature``, then settle in one transaction.

Verification follows https://docs.stripe.com/webhooks#verify-events (scheme ``v1``: HMAC-SHA256
of ``"<t>.<raw body>"`` with the endpoint's signing secret, ``t`` within the tolerance), done by
the SDK's ``WebhookSignature.verify_header`` over the raw body, before anything is parsed.

| request                                    | answer                                       |
|--------------------------------------------|----------------------------------------------|
| no webhook secret configured               | 503, nothing read                            |
| missing, wrong or too old signature        | 401, nothing changed                         |
| signed but not a JSON event                | 400, nothing changed                         |
| payment of the order not committed yet     | 503: Stripe redelivers later                 |
| refund of a cancelled order refused/failed | 503: Stripe redelivers later                 |
| otherwise                                  | 200 ``{"received": true, "outcome": ...}``   |

The answer never echoes the body, the header or the secret.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import stripe
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from subgraphs.kit.database import Database
from subgraphs.payments.config import PaymentsSettings
from subgraphs.payments.domain.errors import RefundFailed
from subgraphs.payments.domain.provider import ProviderError
from subgraphs.payments.domain.service import PaymentService
from subgraphs.payments.domain.settlement import (
    PaymentNotRecorded,
    ProviderEvent,
    WebhookSettlement,
)

__all__ = ["parse_event", "stripe_router", "stripe_webhooks"]

log = logging.getLogger("payments.webhooks")


def stripe_router(
    settings: PaymentsSettings, database: Database, payments: PaymentService
) -> APIRouter:
    """The endpoint as configured; with the sandbox (no secret) it answers 503."""
    return stripe_webhooks(
        database, WebhookSettlement("stripe", payments),
        settings.stripe_webhook_secret.get_secret_value(),
        settings.stripe_webhook_tolerance_seconds,
    )


def stripe_webhooks(
    database: Database, settlement: WebhookSettlement, secret: str, tolerance: int
) -> APIRouter:
    """The router of ``/webhooks/stripe``; ``secret`` empty answers every call with 503."""
    router = APIRouter()

    @router.post("/webhooks/stripe")
    async def receive(request: Request) -> JSONResponse:
        if not secret:
            return _answer(503, "webhook secret not configured")
        body = await request.body()
        try:
            stripe.WebhookSignature.verify_header(
                body, request.headers.get("stripe-signature"), secret, tolerance
            )
        except stripe.SignatureVerificationError:
            log.warning("stripe webhook refused: bad or stale signature")
            return _answer(401, "invalid signature")
        return await _settle(database, settlement, body)

    return router


async def _settle(database: Database, settlement: WebhookSettlement, body: bytes) -> JSONResponse:
    try:
        event = parse_event(body)
    except (ValueError, KeyError, TypeError):
        return _answer(400, "not a Stripe event")
    try:
        async with database.transaction() as session:
            outcome = await settlement.apply(session, event)
    except PaymentNotRecorded:
        return _answer(503, "payment not recorded yet, retry later")
    except (RefundFailed, ProviderError) as exc:  # nothing committed; Stripe redelivers
        log.warning("stripe webhook %s not settled: %s", event.id, exc)
        return _answer(503, "could not settle, retry later")
    return JSONResponse({"received": True, "outcome": outcome})


def parse_event(body: bytes) -> ProviderEvent:
    """A v1 snapshot event (https://docs.stripe.com/api/events/object) as a ProviderEvent."""
    data = json.loads(body)
    obj = data["data"]["object"]
    if not isinstance(obj, dict) or not isinstance(data["id"], str):
        raise ValueError("event without an object")
    created = datetime.fromtimestamp(int(data["created"]), UTC)
    return ProviderEvent(id=data["id"], type=str(data["type"]), created=created, object=obj)


def _answer(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status)
