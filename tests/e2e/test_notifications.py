"""The saga seen by the customer's mailbox: one message per event, never twice."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.e2e.conftest import Client
from tests.e2e.platform import Platform
from tests.e2e.saga import checkout, new_customer, new_product, wait_for_status

# Processes driven: a hung one fails with a stack trace; the first test also starts the platform.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(420)]


def test_a_shipped_order_leaves_one_message_per_event(
    platform: Platform, anonymous: Client, admin: Client
) -> None:
    customer = new_customer(anonymous)
    product = new_product(admin, stock=2)
    order = checkout(customer, product, 1, "pm_card_visa")
    wait_for_status(customer, order["id"], {"PAID"})
    admin.data(
        'mutation($id: ID!) { shipOrder(id: $id, trackingNumber: "TRACK-9") { status } }',
        id=order["id"],
    )
    expected = sorted(["welcome", "order_received", "order_paid", "order_shipped"])
    _eventually(lambda: sorted(_templates(customer)) == expected)
    # barrier: notifications has handled every record in its topics (no lag on any partition),
    # so a redelivered or republished event would have added its message by now
    _eventually(lambda: _caught_up(platform, "notifications"))
    assert sorted(_templates(customer)) == expected


def test_a_declined_card_is_told_to_the_customer(anonymous: Client, admin: Client) -> None:
    customer = new_customer(anonymous, phone="+14155550123")
    product = new_product(admin, stock=2)
    order = checkout(customer, product, 1, "pm_card_chargeDeclined")
    wait_for_status(customer, order["id"], {"PAYMENT_FAILED"})
    _eventually(lambda: "payment_failed" in _templates(customer))
    _eventually(lambda: "payment_failed" in _templates(customer, channel="sms"))


def _templates(customer: Client, channel: str = "email") -> list[str]:
    edges = customer.data(
        "{ me { notifications(first: 50) { edges { node { template channel } } } } }"
    )["me"]["notifications"]["edges"]
    return [e["node"]["template"] for e in edges if e["node"]["channel"] == channel]


def _caught_up(platform: Platform, service: str) -> bool:
    """Every consumer of ``service`` has handled all records up to the partitions' ends."""
    ready = httpx.get(f"http://127.0.0.1:{platform.ports[service]}/ready", timeout=5).json()
    consumers = ready["messaging"]["consumers"]
    return bool(consumers) and all(c["total_lag"] == 0 and c["lag"] for c in consumers)


def _eventually(check, *, within: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    assert check()
