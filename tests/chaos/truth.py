"""The ground truth after a scenario, read from the services' databases and the provider fakes.

Never from the API: orders from the orders database, money from the sandbox provider's ledger
(the provider's own books, committed apart from payments' transactions), stock from the
products database, messages from what the SendGrid and Twilio fakes were handed.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from tests.e2e.ledger import ledger_rows, order_of

__all__ = ["TERMINAL", "Databases", "Truth", "read_truth"]

TERMINAL = {"PAID", "PAYMENT_FAILED", "CANCELLED"}


@dataclass(frozen=True)
class Databases:
    """Plain PostgreSQL DSNs of the services whose state is checked."""

    orders: str
    payments: str
    products: str
    notifications: str


@dataclass
class Truth:
    """What the databases and fakes say, and every broken promise found in it."""

    orders: dict[str, str]  # order id -> status
    outcomes: Counter[str]
    charges: int
    refunds: int
    double_charges: int
    duplicate_messages: int
    lost: int
    holding: int  # reservations still held by orders that ended unpaid
    timed_out: int  # cancelled by the payment timeout: the saga gave up waiting
    problems: list[str] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(status not in TERMINAL for status in self.orders.values())


def read_truth(
    dbs: Databases, acknowledged: list[str], initial_stock: dict[str, int],
    messages: list[tuple[str, str]],
) -> Truth:
    """Check every promise; ``messages`` are (channel, message key) pairs the fakes received."""
    return asyncio.run(_read(dbs, acknowledged, initial_stock, messages))


async def _read(dbs: Databases, acknowledged: list[str], initial: dict[str, int],
                messages: list[tuple[str, str]]) -> Truth:
    orders = await _rows(dbs.orders, "SELECT id, status, cancellation_reason FROM orders")
    items = await _rows(dbs.orders, "SELECT order_id, product_id, quantity FROM order_items")
    ledger = await ledger_rows(dbs.payments)
    stock = await _rows(dbs.products, "SELECT id, stock FROM products")
    held = await _rows(dbs.products, "SELECT order_id, product_id, quantity, status "
                                     "FROM reservations WHERE status IN ('RESERVED', 'COMMITTED')")
    status = {row["id"]: row["status"] for row in orders}
    problems: list[str] = []
    lost = _lost(status, acknowledged, problems)
    charged = _charges(status, ledger, problems)
    _stock(status, items, stock, initial, problems)
    holding = _holds(status, held, problems)
    duplicates = _duplicates(messages, problems)
    refunds = sum(row["kind"] == "refund" and row["succeeded"] for row in ledger)
    timed_out = sum(row["cancellation_reason"] == "payment timeout" for row in orders)
    return Truth(status, Counter(status.values()), sum(charged.values()), refunds,
                 sum(n - 1 for n in charged.values() if n > 1), duplicates, lost, holding,
                 timed_out, problems)


def _lost(status: dict[str, str], acknowledged: list[str], problems: list[str]) -> int:
    missing = [o for o in acknowledged if o not in status]
    stuck = [o for o, s in status.items() if s not in TERMINAL]
    problems += [f"order {o} acknowledged but not in the orders database" for o in missing]
    problems += [f"order {o} is {status[o]}, not terminal" for o in stuck]
    return len(missing) + len(stuck)


def _charges(status: dict[str, str], ledger: list[Any], problems: list[str]) -> Counter[str]:
    """Successful charges per order (by the order id the charge was made for, not its key)."""
    charges = [r for r in ledger if r["kind"] == "charge" and r["succeeded"]]
    charged = Counter(order_of(r) for r in charges)
    refunded = {r["charge_reference"] for r in ledger if r["kind"] == "refund" and r["succeeded"]}
    reference = {order_of(r): r["reference"] for r in charges}
    for order, count in charged.items():
        if count > 1:
            problems.append(f"order {order} charged {count} times")
        kept = reference[order] not in refunded
        if kept and status.get(order) != "PAID":
            problems.append(f"order {order} is {status.get(order)} but its charge was kept")
        if not kept and status.get(order) == "PAID":
            problems.append(f"order {order} is PAID but its charge was refunded")
    for order in (o for o, s in status.items() if s == "PAID" and o not in charged):
        problems.append(f"order {order} is PAID without a charge")
    return charged


def _stock(status: dict[str, str], items: list[Any], stock: list[Any],
           initial: dict[str, int], problems: list[str]) -> None:
    """Stock = initial minus the quantities of PAID orders, never negative."""
    sold: Counter[str] = Counter()
    for item in items:
        if status.get(item["order_id"]) == "PAID":
            sold[item["product_id"]] += item["quantity"]
    for row in stock:
        expected = initial.get(row["id"], row["stock"]) - sold[row["id"]]
        if row["stock"] != expected or row["stock"] < 0:
            problems.append(f"product {row['id']}: stock {row['stock']}, expected {expected}")


def _holds(status: dict[str, str], held: list[Any], problems: list[str]) -> int:
    """Units are held (reserved or committed) only for PAID orders once all is terminal."""
    wrong = [row for row in held if status.get(row["order_id"]) in TERMINAL - {"PAID"}]
    problems += [f"order {r['order_id']} is {status[r['order_id']]} but holds {r['quantity']} "
                 f"of {r['product_id']} ({r['status']})" for r in wrong]
    return len(wrong)


def _duplicates(messages: list[tuple[str, str]], problems: list[str]) -> int:
    counts = Counter(messages)
    twice = {key: n for key, n in counts.items() if n > 1}
    problems += [f"{channel} message {key} handed to the provider {n} times"
                 for (channel, key), n in twice.items()]
    return sum(n - 1 for n in twice.values())


async def _rows(dsn: str, query: str) -> list[Any]:
    connection = await asyncpg.connect(dsn)
    try:
        return list(await connection.fetch(query))
    finally:
        await connection.close()
