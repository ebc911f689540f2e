"""Checkout to PAID pushed: from the checkout mutation's response to the PAID event arriving at a
real graphql-ws subscriber through the gateway (issue 17), with where the time goes per hop.

Starts the whole platform as real processes (PostgreSQL per service and Redis, or with
``--database sqlite`` the ``make dev`` stores: a SQLite file per service and in-process caches;
the embedded broker, the gateway) with the e2e harness. One checkout at a time (or ``--rate``
a second): add to cart, checkout, then subscribe to ``orderStatusChanged`` through the npm
graphql-ws client (tests/e2e/clients/many.mjs, one process for the whole run) and wait for
PAID. Afterwards the saga's events are read back from the broker; each event's envelope
``occurredAt`` (when its writer built it, before its commit), its Kafka record timestamp (when
the outbox relay sent it) and the next service's inbox claim split the time into hops:

    relay:<writer>   occurredAt -> sent      the writer's commit, the relay's wake-up and produce
    fetch:<reader>   sent -> inbox claim     the reader's fetch wait, decode, transaction start
    handle:<reader>  claim -> next occurredAt the handler up to building its event
    push             OrderStatusChanged sent -> client: broadcast fetch in orders, the
                     subscription's read, the gateway's completion (payment join), the WebSocket

Usage, from the repo root (take the bench lock: one benchmark at a time on the shared machine):

    flock /work/bench.lock .venv/bin/python tests/bench/realtime/run.py --orders 100
    flock /work/bench.lock .venv/bin/python tests/bench/realtime/run.py --orders 200 --rate 20 \
        --database sqlite --env KAFKA_FETCH_MAX_WAIT_MS=25

``--env KEY=VALUE`` passes settings to every process (e.g. ``KAFKA_FETCH_MAX_WAIT_MS=100`` to
measure another fetch wait). Prints p50/p95/p99 and writes tests/bench/results/realtime.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from streaming.events import decode  # noqa: E402
from streaming.settings import KafkaSettings  # noqa: E402
from tests.bench.record import record_result  # noqa: E402
from tests.e2e.conftest import ADMIN, Client  # noqa: E402
from tests.e2e.node_clients import NodeSubscriptions, node_clients_missing  # noqa: E402
from tests.e2e.platform import Platform  # noqa: E402
from tests.e2e.saga import new_customer, new_product  # noqa: E402
from tests.streaming.harness import consume  # noqa: E402

FOLLOW = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
    id status payment { status } } }"""
CHECKOUT = "mutation { checkout { id status } }"
ADD = "mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { id } }"
# The saga's events in order, with the service that writes each.
SAGA = [("OrderCreated", "orders"), ("InventoryReserved", "products"),
        ("PaymentProcessed", "payments"), ("OrderStatusChanged", "orders")]
TOPICS = ["orders", "inventory", "payments"]
READER = {"OrderCreated": "products", "InventoryReserved": "payments", "PaymentProcessed": "orders"}


# One keep-alive pool for the measured requests, as a browser keeps its connection: a new
# client per request (tests.e2e.conftest.Client) costs the driver ~35 ms of CPU per checkout
# on TLS set-up alone, CPU the platform under test then lacks on this 2-core machine.
HTTP = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=64))


def _post(customer: Client, query: str, **variables: Any) -> dict[str, Any]:
    body = HTTP.post(customer.url, json={"query": query, "variables": variables},
                     headers={"authorization": f"Bearer {customer.token}"}).json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


def _checkout(customer: Client, product: str) -> tuple[str, float]:
    _post(customer, ADD, p=product)
    order = _post(customer, CHECKOUT)["checkout"]
    return order["id"], time.time() * 1000  # the response is in hand: wall clock, ms


async def one_order(subs: NodeSubscriptions, customer: Client, product: str
                    ) -> dict[str, float]:
    """Checkout, subscribe, wait for PAID; the client's timings in wall-clock ms."""
    order_id, answered = await asyncio.to_thread(_checkout, customer, product)
    subs.subscribe(order_id, FOLLOW, {"id": order_id}, customer.token)
    first: float | None = None
    seen: str | None = None
    while True:
        try:
            line = await subs.next(order_id, within=30)
        except TimeoutError:  # counted and explained in the report, not a crash of the run
            subs.close(order_id)
            return {"order": order_id, "answered": answered, "undelivered": 1.0,
                    "client_saw": seen or "nothing"}  # type: ignore[dict-item]
        if "result" not in line:
            raise RuntimeError(f"order {order_id}: {line}")
        order = line["result"]["data"]["orderStatusChanged"]
        seen = order["status"]
        first = first if first is not None else line["at"]
        if order["status"] == "PAID":
            subs.close(order_id)
            return {"order": order_id, "answered": answered, "first": first, "paid": line["at"]}
        if order["status"] != "PENDING":
            raise RuntimeError(f"order {order_id} ended {order['status']}")


def cpu_seconds(platform: Platform, subs: NodeSubscriptions) -> dict[str, float]:
    """CPU time (user + system) each platform process, this driver and the node client used
    so far, and the whole machine's."""
    pids = {name: child.pid for name, child in platform.children.items()}
    if platform.broker is not None and platform.broker._process is not None:
        pids["broker"] = platform.broker._process.pid
    pids["bench driver"] = os.getpid()
    if subs._process is not None:
        pids["node client"] = subs._process.pid
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for name, pid in pids.items():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used[name] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    # the whole machine: PostgreSQL's backends, the node client and the kernel as well
    total = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    used["machine"] = (sum(total[:8]) - total[3] - total[4]) / ticks  # busy: not idle, iowait
    return used


async def measure(platform: Platform, orders: int, warmup: int, rate: float
                  ) -> list[dict[str, float]]:
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(64))
    anonymous = Client(platform.gateway_url)
    admin = await asyncio.to_thread(anonymous.login, *ADMIN)
    product = await asyncio.to_thread(new_product, admin, stock=orders + warmup + 10)
    # one order at a time per customer (a cart is per user): enough for the rate's overlap
    customers = await asyncio.gather(*(asyncio.to_thread(new_customer, anonymous)
                                       for _ in range(max(1, int(rate * 3)))))
    async with NodeSubscriptions(platform.gateway_url) as subs:
        for i in range(warmup):  # plans cached, consumers joined, sockets open
            await one_order(subs, customers[i % len(customers)], product)
        before, began = cpu_seconds(platform, subs), time.monotonic()
        if rate > 0:
            samples = await at_rate(subs, customers, product, orders, rate)
        else:
            samples = []
            for _ in range(orders):
                samples.append(await one_order(subs, customers[0], product))
                await asyncio.sleep(0.05)  # one at a time, the saga's consumers idle between
        after, took = cpu_seconds(platform, subs), time.monotonic() - began
        cpu = {name: round((after[name] - before[name]) * 1000 / orders, 1) for name in after}
        return [s | {"cpu_ms_per_checkout": cpu, "seconds": took} for s in samples]


async def at_rate(subs: NodeSubscriptions, customers: list[Client], product: str, orders: int,
                  rate: float) -> list[dict[str, float]]:
    """Start a checkout every 1/rate s (each by a customer with no order in flight)."""
    idle: asyncio.Queue[Client] = asyncio.Queue()
    for customer in customers:
        idle.put_nowait(customer)

    async def run(customer: Client) -> dict[str, float]:
        try:
            return await one_order(subs, customer, product)
        finally:
            idle.put_nowait(customer)

    loop, tasks = asyncio.get_running_loop(), []
    start = loop.time()
    for i in range(orders):
        await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
        tasks.append(asyncio.create_task(run(await idle.get())))
    started = loop.time() - start
    samples = await asyncio.gather(*tasks)
    return [s | {"achieved_rate": (orders - 1) / started if started else rate} for s in samples]


async def stored_statuses(platform: Platform, order_ids: list[str]) -> dict[str, str]:
    """The orders database's own status of each order (the ground truth for an undelivered
    PAID: did the saga not finish, or did the push not arrive?)."""
    if not order_ids:
        return {}
    if platform.database == "sqlite":
        with contextlib.closing(sqlite3.connect(platform.logs / "orders.db")) as conn:
            marks = ",".join("?" * len(order_ids))
            rows = conn.execute(f"SELECT id, status FROM orders WHERE id IN ({marks})",
                                order_ids).fetchall()
        return {str(order_id): str(status) for order_id, status in rows}
    conn = await asyncpg.connect(platform.database_dsn("orders"))
    try:
        rows = await conn.fetch("SELECT id::text AS id, status FROM orders "
                                "WHERE id::text = ANY($1::text[])", order_ids)
    finally:
        await conn.close()
    return {row["id"]: str(row["status"]) for row in rows}


def subscription_counters(gateway_url: str) -> dict[str, float]:
    """The gateway's subscription event counters at the end of the run (events in per upstream
    stream, out per subscriber): a PAID that reached the gateway but no client shows as a gap."""
    text = httpx.get(gateway_url.replace("/graphql", "/metrics"), timeout=10).text
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line.startswith(("gateway_subscription_", "gateway_active_subscriptions"))
            and not line.startswith("#") and "_created" not in line}


async def claims(platform: Platform) -> dict[tuple[str, str], float]:
    """When each service's inbox claimed each event, (service, event id) -> epoch ms."""
    found = {}
    for service in ("orders", "products", "payments"):
        if platform.database == "sqlite":
            found.update(_sqlite_claims(platform.logs / f"{service}.db", service))
            continue
        conn = await asyncpg.connect(platform.database_dsn(service))
        try:
            for row in await conn.fetch("SELECT event_id, processed_at FROM inbox"):
                found[(service, row["event_id"])] = row["processed_at"].timestamp() * 1000
        finally:
            await conn.close()
    return found


def _sqlite_claims(path: Path, service: str) -> dict[tuple[str, str], float]:
    """The same from a SQLite file; SQLAlchemy stores the UTC time without its zone there."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT event_id, processed_at FROM inbox").fetchall()
    return {(service, event_id): datetime.fromisoformat(at).replace(tzinfo=UTC).timestamp() * 1000
            for event_id, at in rows}


async def saga_events(bootstrap: str, claimed: dict[tuple[str, str], float]
                      ) -> dict[str, dict[str, tuple[float, float, float | None]]]:
    """Per order id, per event type: (occurredAt, Kafka record timestamp, when the next
    service's inbox claimed it) in epoch ms."""
    settings = KafkaSettings(bootstrap_servers=bootstrap)
    found: dict[str, dict[str, tuple[float, float, float | None]]] = defaultdict(dict)
    for topic in TOPICS:
        for record in await consume(settings, topic, 0, within=10, settle=1.5):
            event = decode(record.value)
            order_id = getattr(event.payload, "order_id", None)
            if order_id is None or event.type in found[order_id]:
                continue
            if event.type == "OrderStatusChanged" and event.payload.status != "PAID":
                continue
            claim = claimed.get((READER.get(event.type, ""), str(event.id)))
            found[order_id][event.type] = (event.occurred_at.timestamp() * 1000,
                                           float(record.timestamp), claim)
    return found


def hops(sample: dict[str, float], events: dict[str, tuple[float, float, float | None]]
         ) -> dict[str, float]:
    """One order's time per hop (ms), from the envelope, record and inbox timestamps."""
    out: dict[str, float] = {}
    previous: tuple[float, float, float | None] | None = None
    for kind, writer in SAGA:
        occurred, sent, _claim = events[kind]
        if previous is not None:
            if previous[2] is not None:
                out[f"fetch:{writer}"] = previous[2] - previous[1]
                out[f"handle:{writer}"] = occurred - previous[2]
            out[f"fetch+handle:{writer}"] = occurred - previous[1]
        out[f"relay:{writer}:{kind}"] = sent - occurred
        previous = events[kind]
    out["push:broker->client"] = sample["paid"] - events["OrderStatusChanged"][1]
    out["answered->OrderCreated sent"] = events["OrderCreated"][1] - sample["answered"]
    return out


def quantiles(values: list[float]) -> dict[str, float]:
    ms = sorted(values)
    cut = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {"p50": round(cut[49], 1), "p95": round(cut[94], 1), "p99": round(cut[98], 1),
            "max": round(ms[-1], 1)}


def report(everything: list[dict[str, float]], found: dict[str, Any],
           stored: dict[str, str]) -> dict[str, Any]:
    processes = dict(everything[0]["cpu_ms_per_checkout"])
    samples = [s for s in everything if "undelivered" not in s]
    missing = [{"order": s["order"], "client_saw": s["client_saw"],
                "stored_status": stored.get(str(s["order"]), "absent"),
                "paid_event_published": "OrderStatusChanged" in found.get(s["order"], {})}
               for s in everything if "undelivered" in s]
    machine, client = processes.pop("machine"), processes.pop("node client", None)
    per_hop: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        events = found.get(sample["order"], {})
        if all(kind in events for kind, _ in SAGA):
            for name, value in hops(sample, events).items():
                per_hop[name].append(value)
    return {
        "orders": len(everything),
        # PAID not pushed within 30 s of the checkout: what the client saw, what the orders
        # database holds, whether OrderStatusChanged(PAID) reached the broker
        "undelivered": missing,
        "checkout_to_paid_pushed_ms": quantiles([s["paid"] - s["answered"] for s in samples]),
        "checkout_to_first_event_ms": quantiles([s["first"] - s["answered"] for s in samples]),
        "achieved_rate_per_s": round(samples[0].get("achieved_rate", 0.0), 1),
        # CPU each process spent per checkout over the measured run (the node client excluded);
        # total / 1000 * rate is the cores the rate needs (this machine has 2)
        "cpu_ms_per_checkout": processes | {"total": round(sum(processes.values()), 1)},
        "cores_busy": round(sum(processes.values()) * len(everything) / 1000
                            / everything[0]["seconds"], 2),
        "node_client_cpu_ms_per_checkout": client,
        # everything the machine ran: the processes above, PostgreSQL's backends, the node
        # client, the kernel and anything else running
        "machine_cpu_ms_per_checkout": machine,
        "machine_cores_busy": round(machine * len(everything) / 1000
                                    / everything[0]["seconds"], 2),
        "hops_ms": {name: quantiles(values) for name, values in per_hop.items()},
        "hops_note": "record timestamps are whole ms (CreateTime set by the producer)",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rate", type=float, default=0.0,
                        help="checkouts started per second (0: one at a time)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres",
                        help="sqlite: the make dev stores (SQLite files, in-process caches)")
    parser.add_argument("--logs", type=Path, default=None,
                        help="keep the services' logs (and SQLite files) in this directory "
                        "instead of a temporary one")
    args = parser.parse_args()
    if (missing := node_clients_missing()) is not None:
        raise SystemExit(missing)
    extra = dict(item.split("=", 1) for item in args.env)
    load_before = os.getloadavg()
    kept = contextlib.nullcontext(str(args.logs)) if args.logs else None
    if args.logs:
        args.logs.mkdir(parents=True, exist_ok=True)
    with kept or tempfile.TemporaryDirectory() as logs:
        stores = {"database": "sqlite", "redis_url": ""} if args.database == "sqlite" else {}
        platform = Platform(logs=Path(logs), extra_env=extra, **stores).start()
        try:
            samples = asyncio.run(measure(platform, args.orders, args.warmup, args.rate))
            assert platform.broker is not None
            claimed = asyncio.run(claims(platform))
            found = asyncio.run(saga_events(platform.broker.bootstrap_servers, claimed))
            stored = asyncio.run(stored_statuses(
                platform, [str(s["order"]) for s in samples if "undelivered" in s]))
            counted = subscription_counters(platform.gateway_url)
        finally:
            platform.stop()
    result = report(samples, found, stored) | {
        "gateway_subscription_counters": counted,
        "database": args.database, "env": extra,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    record_result("realtime", result)
    if result["undelivered"]:
        print(f"{len(result['undelivered'])} PAID events not pushed within 30 s: "
              f"{result['undelivered']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
