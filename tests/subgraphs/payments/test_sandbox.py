"""The sandbox provider keeps Stripe's idempotency contract, in a ledger that outlives it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from subgraphs.kit.database import Database
from subgraphs.payments.config import sandbox_ledger_default
from subgraphs.payments.domain.provider import IdempotencyConflict
from subgraphs.payments.domain.sandbox import SandboxProvider
from subgraphs.payments.domain.sandbox_ledger import SandboxLedger
from tests.subgraphs.payments.harness import payments_settings


@pytest.fixture
async def sandbox(database_url: str) -> AsyncIterator[SandboxProvider]:
    database = Database(database_url)
    yield SandboxProvider(SandboxLedger(database))
    await database.dispose()


async def test_the_same_key_returns_the_first_result_and_charges_once(
    sandbox: SandboxProvider,
) -> None:
    first = await sandbox.charge("o-1", 500, "EUR", "pm_card_visa", "o-1")
    again = await sandbox.charge("o-1", 500, "EUR", "pm_card_visa", "o-1")

    assert first.succeeded and first == again
    assert await sandbox.ledger.count("charge") == 1


async def test_a_decline_is_remembered_too(sandbox: SandboxProvider) -> None:
    first = await sandbox.charge("o-1", 500, "EUR", "pm_card_chargeDeclined", "o-1")
    again = await sandbox.charge("o-1", 500, "EUR", "pm_card_chargeDeclined", "o-1")

    assert not first.succeeded and first.failure_code == "card_declined" and first == again


async def test_a_key_reused_with_other_parameters_is_refused(sandbox: SandboxProvider) -> None:
    await sandbox.charge("o-1", 500, "EUR", "pm_card_visa", "o-1")

    with pytest.raises(IdempotencyConflict):
        await sandbox.charge("o-1", 999, "EUR", "pm_card_visa", "o-1")


async def test_concurrent_charges_with_one_key_charge_once(sandbox: SandboxProvider) -> None:
    results = await asyncio.gather(
        *(sandbox.charge("o-1", 500, "EUR", "pm_card_visa", "o-1") for _ in range(5))
    )

    assert len({r.transaction_id for r in results}) == 1
    assert await sandbox.ledger.count("charge") == 1


async def test_the_ledger_outlives_the_provider(database_url: str) -> None:
    # given a charge made by one provider instance (one process)
    first_db = Database(database_url)
    provider = SandboxProvider(SandboxLedger(first_db))
    first = await provider.charge("o-1", 5, "EUR", "pm_card_visa", "o-1")
    await first_db.dispose()
    # when a new instance (after a restart) is asked with the same key
    second_db = Database(database_url)
    try:
        second = SandboxProvider(SandboxLedger(second_db))
        again = await second.charge("o-1", 5, "EUR", "pm_card_visa", "o-1")
        # then it answers with the first charge
        assert again == first and await second.ledger.count("charge") == 1
    finally:
        await second_db.dispose()


async def test_refunds_need_a_known_charge_and_happen_once(sandbox: SandboxProvider) -> None:
    unknown = await sandbox.refund("ch_nope", 5, "refund-x")
    assert not unknown.succeeded and unknown.failure_code == "charge_not_found"
    charge = await sandbox.charge("o-1", 500, "EUR", "pm_card_visa", "o-1")

    refund = await sandbox.refund(charge.transaction_id, 500, "refund-o-1")
    again = await sandbox.refund(charge.transaction_id, 500, "refund-o-1")
    other_key = await sandbox.refund(charge.transaction_id, 500, "refund-other")

    assert refund.succeeded and refund == again
    assert other_key.failure_code == "charge_already_refunded"
    assert await sandbox.ledger.count("refund") == 1


async def test_a_refund_above_the_charge_is_refused(sandbox: SandboxProvider) -> None:
    charge = await sandbox.charge("o-1", 500, "EUR", "pm_card_visa", "o-1")

    refund = await sandbox.refund(charge.transaction_id, 501, "refund-o-1")

    assert not refund.succeeded and refund.failure_code == "amount_invalid"


def test_a_sqlite_ledger_is_a_sibling_file_and_postgres_shares_the_database(tmp_path: Path) -> None:
    sqlite = f"sqlite+aiosqlite:///{tmp_path}/payments.db"
    postgres = "postgresql+asyncpg://postgres@127.0.0.1:5432/payments"

    assert sandbox_ledger_default(sqlite) == f"sqlite+aiosqlite:///{tmp_path}/payments-sandbox.db"
    assert sandbox_ledger_default(postgres) == postgres
    assert payments_settings(sqlite).sandbox_ledger_url.endswith("payments-sandbox.db")
