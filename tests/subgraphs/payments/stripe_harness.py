"""Stripe test harness: the fake served over real HTTP, a payments app pointed at it, and
webhooks signed with the documented v1 scheme (computed here, independently of the SDK)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import stripe

from subgraphs.payments.domain.stripe_provider import StripeProvider
from tests.subgraphs.payments.fake_stripe import FakeStripe, serve
from tests.subgraphs.payments.harness import Harness, open_harness

__all__ = ["WEBHOOK_SECRET", "fake_stripe", "post_webhook", "sign", "stripe_app"]

WEBHOOK_SECRET = "whsec_test_0123456789abcdef"


@pytest.fixture
def fake_stripe(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStripe]:
    """A fresh fake Stripe on a free port; the SDK's retry back-off shortened to milliseconds."""
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0.01)
    monkeypatch.setattr(stripe.HTTPClient, "MAX_DELAY", 0.02)
    fake = FakeStripe()
    server = serve(fake)
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
async def stripe_app(database_url: str, fake_stripe: FakeStripe) -> AsyncIterator[Harness]:
    """The payments app charging through the fake, on SQLite and PostgreSQL."""
    async with open_harness(
        database_url, stripe_api_key=fake_stripe.api_key, stripe_api_base=fake_stripe.url,
        stripe_webhook_secret=WEBHOOK_SECRET, stripe_max_network_retries=2,
    ) as harness:
        assert isinstance(harness.services.provider, StripeProvider)
        yield harness


def sign(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """``Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">``."""
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


async def post_webhook(
    app: Harness, event: dict[str, Any], *, signature: str | None = None, body: bytes | None = None
) -> httpx.Response:
    """POST ``event`` to /webhooks/stripe, signed correctly unless ``signature`` is given."""
    raw = body if body is not None else json.dumps(event).encode()
    header = sign(raw) if signature is None else signature
    return await app.client.post(
        "/webhooks/stripe", content=raw,
        headers={"stripe-signature": header, "content-type": "application/json"},
    )
