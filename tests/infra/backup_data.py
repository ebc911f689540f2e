"""Orders databases for backup tests and the restore benchmark: migrated, then filled by SQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid

import asyncpg

from infra.dev.services import ROOT

__all__ = ["PG_SERVER", "create_orders_database", "drop_database", "place_orders"]

PG_SERVER = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")

# Orders with two items and two status changes each, numbered from $1 to $2: shaped like
# checkouts, written in bulk so a benchmark can reach 100,000 orders in seconds.
_PLACE = [
    """INSERT INTO orders (id, user_id, status, total_amount, currency, payment_method, cart_id,
                           cart_version, created_at, updated_at, row_version)
       SELECT 'order-' || i, 'user-' || (i % 997), 'PAID', 2500 + i % 100, 'USD', 'pm_card_visa',
              'cart-' || i, 1, now(), now(), 2
       FROM generate_series($1::int, $2::int) AS i""",
    """INSERT INTO order_items (order_id, position, product_id, product_name, quantity,
                                unit_amount, currency)
       SELECT 'order-' || i, p, 'product-' || (i * 7 + p) % 500, 'Item ' || p, 1 + p, 1250, 'USD'
       FROM generate_series($1::int, $2::int) AS i, generate_series(0, 1) AS p""",
    """INSERT INTO order_status_changes (order_id, previous_status, status, changed_at)
       SELECT 'order-' || i, s.prev, s.next, now()
       FROM generate_series($1::int, $2::int) AS i,
            (VALUES (NULL, 'PENDING'), ('PENDING', 'PAID')) AS s(prev, next)""",
]


def create_orders_database(prefix: str = "bk") -> str:
    """A new PostgreSQL database migrated by the orders service itself; its libpq URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = PG_SERVER.rsplit("/", 1)[0] + "/" + name
    env = {**os.environ, "ORDERS_DATABASE_URL": url.replace("postgresql://", "postgresql+asyncpg://")}
    subprocess.run([sys.executable, "-m", "subgraphs.orders", "migrate"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    return url


def drop_database(url: str) -> None:
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


async def _admin(statement: str) -> None:
    admin = await asyncpg.connect(PG_SERVER)
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def place_orders(url: str, first: int, last: int) -> None:
    """Orders ``first``..``last`` (inclusive) with their items and status history, one commit."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            for statement in _PLACE:
                await conn.execute(statement, first, last)
    finally:
        await conn.close()
