"""Faults during the saga, on a platform of this module's own: crashes, a lost broker, poison.

After each: no order lost, no double charge (read from the sandbox provider's ledger, not
from the API), stock exactly right.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from common.faults import arm
from tests.e2e.conftest import ADMIN, Client
from tests.e2e.ledger import charges_by_order
from tests.e2e.platform import Platform
from tests.e2e.saga import checkout, new_customer, new_product, stock_of, wait_for_status

# Processes driven: a hung one fails with a stack trace; the first test also starts the platform.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(420)]

SETTLED = {"PAID", "PAYMENT_FAILED", "CANCELLED"}


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where crash points are armed for this module's platform (common/faults.py)."""
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory, faults: Path) -> Iterator[Platform]:
    running = Platform(logs=tmp_path_factory.mktemp("faults-logs"),
                       extra_env={"FAULT_INJECTION_DIR": str(faults)},
                       healthy_within=120).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def shop(faulty: Platform) -> tuple[Client, Client]:
    anonymous = Client(faulty.gateway_url)
    return anonymous, anonymous.login(*ADMIN)


def _place_orders(shop: tuple[Client, Client], product: str, count: int) -> list[tuple]:
    anonymous, _ = shop
    placed = []
    for _ in range(count):
        customer = new_customer(anonymous)
        placed.append((customer, checkout(customer, product, 1, "pm_card_visa")["id"]))
    return placed


def _all_paid_once(platform: Platform, placed: list[tuple]) -> None:
    final = [wait_for_status(c, o, SETTLED, within=90) for c, o in placed]
    assert [o["status"] for o in final] == ["PAID"] * len(placed)
    charges = charges_by_order(platform.database_dsn("payments"))
    assert {o: charges[o] for _, o in placed} == {o: 1 for _, o in placed}


def test_payments_killed_after_charging_and_before_committing_charges_each_order_once(
    faulty: Platform, faults: Path, shop: tuple[Client, Client]
) -> None:
    anonymous, admin = shop
    product = new_product(admin, stock=20)
    # given payments dies (SIGKILL) right after the provider charged an order, before its
    # payment row, inbox row and PaymentProcessed are committed
    arm(faults, "payments.charged")
    placed = _place_orders(shop, product, 6)
    assert faulty.wait_exited("payments"), "payments never reached its crash point"
    # when it is started again, the reservation is delivered again
    faulty.restart("payments", within=120)
    # then every order is paid, and the provider's ledger holds one charge per order
    _all_paid_once(faulty, placed)
    assert stock_of(anonymous, product) == 14


def test_a_poison_message_is_parked_and_the_saga_goes_on(
    faulty: Platform, shop: tuple[Client, Client]
) -> None:
    anonymous, admin = shop
    assert faulty.broker is not None
    asyncio.run(_send_raw(faulty.broker.bootstrap_servers, "orders", b"{not json"))
    product = new_product(admin, stock=3)
    placed = _place_orders(shop, product, 2)
    _all_paid_once(faulty, placed)
    assert stock_of(anonymous, product) == 1
    ready = httpx.get(f"http://127.0.0.1:{faulty.ports['payments']}/ready", timeout=5).json()
    parked = sum(c["dead_lettered"] for c in ready["messaging"]["consumers"])
    assert parked >= 1


# Last in the module: it restarts the broker under every service.
def test_orders_placed_while_the_broker_is_down_all_complete_after_it_returns(
    faulty: Platform, shop: tuple[Client, Client]
) -> None:
    anonymous, admin = shop
    product = new_product(admin, stock=10)
    assert faulty.broker is not None
    faulty.broker.stop()  # the embedded broker forgets every topic, message and offset
    placed = _place_orders(shop, product, 4)
    pending = [wait_for_status(c, o, {"PENDING"}, within=5) for c, o in placed]
    assert {o["status"] for o in pending} == {"PENDING"}
    time.sleep(2)
    faulty.broker.start()
    _all_paid_once(faulty, placed)
    assert stock_of(anonymous, product) == 6


async def _send_raw(servers: str, topic: str, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=servers, enable_idempotence=False)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=b"poison")
    finally:
        await producer.stop()
