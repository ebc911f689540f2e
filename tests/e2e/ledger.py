"""The sandbox provider's ledger, read from payments' database: what was really charged.

The API shows one payment per order whatever happened at the provider; the ledger is the
provider's own books (committed apart from payments' transactions), so a second charge for an
order shows here even when payments recorded only one.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import asyncpg

__all__ = ["charges_by_order", "ledger_rows", "order_of"]


def order_of(row: Any) -> str:
    """The order a ledger row was made for (the request it recorded, not its key)."""
    return json.loads(row["request"])[1]


async def ledger_rows(dsn: str) -> list[Any]:
    """Every charge and refund the sandbox made."""
    connection = await asyncpg.connect(dsn)
    try:
        return list(await connection.fetch(
            "SELECT kind, request, succeeded, reference, charge_reference FROM sandbox_ledger"))
    finally:
        await connection.close()


def charges_by_order(dsn: str) -> Counter[str]:
    """Successful charges per order id."""
    rows = asyncio.run(ledger_rows(dsn))
    return Counter(order_of(r) for r in rows if r["kind"] == "charge" and r["succeeded"])
