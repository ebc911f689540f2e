"""Checkout-to-PAID latency through the gateway on the whole platform (issue 3's benchmark).

Starts every service as real processes (PostgreSQL per service, Redis, the embedded broker,
the gateway) with the e2e harness, places orders, and measures from the checkout mutation's
response to the moment the order reads PAID (polled every 5 ms). Usage, from the repo root:

    .venv/bin/python tests/bench/checkout/run.py --orders 200 --concurrency 1

Prints p50/p95/p99 and writes tests/bench/results/checkout.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.bench.record import record_result  # noqa: E402
from tests.e2e.conftest import ADMIN, Client  # noqa: E402
from tests.e2e.platform import Platform  # noqa: E402
from tests.e2e.saga import new_customer, new_product  # noqa: E402

STATUS = "query($id: ID!) { order(id: $id) { status } }"


def one_order(customer: Client, product: str) -> float:
    """Seconds from checkout's answer until the order is PAID."""
    customer.data("mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { id } }", p=product)
    order = customer.data("mutation { checkout { id status } }")["checkout"]
    started = time.perf_counter()
    while True:
        status = customer.data(STATUS, id=order["id"])["order"]["status"]
        if status == "PAID":
            return time.perf_counter() - started
        if status != "PENDING":
            raise RuntimeError(f"order {order['id']} ended {status}")
        time.sleep(0.005)


def measure(platform: Platform, orders: int, concurrency: int) -> list[float]:
    anonymous = Client(platform.gateway_url)
    admin = anonymous.login(*ADMIN)
    product = new_product(admin, stock=orders + 10)
    customers = [new_customer(anonymous) for _ in range(concurrency)]
    for customer in customers:  # warm-up: plans cached, consumers joined
        one_order(customer, product)
    per_worker = [orders // concurrency + (i < orders % concurrency) for i in range(concurrency)]

    def worker(index: int) -> list[float]:
        return [one_order(customers[index], product) for _ in range(per_worker[index])]

    with ThreadPoolExecutor(concurrency) as pool:
        return [s for batch in pool.map(worker, range(concurrency)) for s in batch]


def summary(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    cut = statistics.quantiles(ms, n=100, method="inclusive")
    return {"orders": len(ms), "p50_ms": round(cut[49], 1), "p95_ms": round(cut[94], 1),
            "p99_ms": round(cut[98], 1), "max_ms": round(ms[-1], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logs:
        platform = Platform(logs=Path(logs)).start()
        try:
            result = summary(measure(platform, args.orders, args.concurrency))
        finally:
            platform.stop()
    result |= {"concurrency": args.concurrency, "date": datetime.now(UTC).isoformat()}
    record_result("checkout", result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
