"""The platform's own load targets (issue 22, target 4): a shop mix through the gateway.

Starts the whole platform as real processes with the e2e harness (a fresh PostgreSQL database
per service, a Redis namespace, the embedded broker, the gateway), creates a catalogue with
stock to spare, registers the virtual users up front (each keeps its own token), restarts the
gateway in safelist mode (only the persisted manifest's operations run, as in production) and
offers the shop mix open-loop at a constant arrival rate: ~70 % catalogue and product pages,
15 % cart, 10 % account and order pages, 5 % checkout with the sandbox card, products drawn
by Zipf popularity. Usage, from the repo root (take the bench lock):

    flock /work/bench.lock .venv/bin/python tests/bench/shop/run.py --rate 40 --duration 30
    flock /work/bench.lock .venv/bin/python tests/bench/shop/run.py --step 10:10 --duration 20
    ... --step 10:10 --scale         # then the scaling step: one more gateway worker
    ... --step 10:10 --replicate products  # products behind nginx, then a second replica

Prints per-class count, errors, avg/p50/p95/p99 and the achieved RPS, CPU seconds per service
for each step, and writes tests/bench/results/shop.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from subgraphs.products.seed import CATALOGUE  # noqa: E402
from tests.bench.shop import cpu  # noqa: E402
from tests.bench.shop.ledger import CpuLedger  # noqa: E402
from tests.bench.shop.load import Targets, step_search, summarise  # noqa: E402
from tests.bench.shop.replica import Replicas  # noqa: E402
from tests.bench.shop.shop import Manifest, Shop  # noqa: E402
from tests.e2e.conftest import ADMIN, Client  # noqa: E402
from tests.e2e.platform import PG_ADMIN, REDIS, Platform  # noqa: E402

MANIFEST = ROOT / "schema" / "persisted-query-manifest.json"
READ_EVERY = 1.0  # seconds between CPU readings in a step: a backend that exits loses at most this
CREATE = "mutation($p: ProductInput!) { createProduct(input: $p) { id } }"


def create_products(platform: Platform, count: int) -> list[str]:
    """``count`` products with stock to spare (the seeded ones run out under checkout)."""
    admin = Client(platform.gateway_url).login(*ADMIN)
    ids = []
    for index in range(count):
        product = {
            "sku": f"SHOP-{index:05d}", "name": f"Bench item {index}",
            "description": "made by the shop load generator", "category": "Bench",
            "price": {"amount": 500 + 37 * index % 9000, "currency": "USD"}, "stock": 10**8,
        }
        ids.append(admin.data(CREATE, p=product)["createProduct"]["id"])
    return ids


class Meter:
    """CPU seconds of every platform process tree, our PostgreSQL backends, Redis, this
    generator and the whole machine."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.redis = [int(p.name) for p in Path("/proc").iterdir()
                      if p.name.isdigit() and _comm(p) == "redis-server"]

    async def read(self) -> dict[str, cpu.Times]:
        """Every process (or counter) of each name alive now, with its CPU seconds."""
        reading = {name: cpu.tree_times(child.pid)
                   for name, child in self.platform.children.items()}
        gateway = self.platform.children["gateway"].pid
        for pid in [gateway, *cpu.children_of(gateway)]:
            for thread, times in cpu.thread_times(pid).items():
                reading.setdefault(f"gateway {thread}", {}).update(times)
        broker = getattr(self.platform.broker, "_process", None)
        if broker is not None:
            reading["broker"] = cpu.tree_times(broker.pid)
        reading["postgres (our databases)"] = cpu.process_times(await self._backends())
        reading["redis-server (shared)"] = cpu.process_times(self.redis)
        times = os.times()
        reading["load generator"] = {cpu.SCALAR: times.user + times.system}
        reading["machine (all processes)"] = {cpu.SCALAR: cpu.machine_busy_seconds()}
        return reading

    @contextlib.asynccontextmanager
    async def step(self) -> AsyncIterator[CpuLedger]:
        """A ledger read now, every ``READ_EVERY`` seconds meanwhile (backends come and go)
        and once more at the end; its ``used()`` is each name's seconds over the step."""
        ledger = CpuLedger(cpu.now_ticks())
        ledger.add(await self.read())

        async def keep_reading() -> None:
            while True:
                await asyncio.sleep(READ_EVERY)
                ledger.add(await self.read())

        reader = asyncio.create_task(keep_reading())
        try:
            yield ledger
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            ledger.add(await self.read())

    async def _backends(self) -> list[int]:
        admin = await asyncpg.connect(PG_ADMIN)
        try:
            rows = await admin.fetch("SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)",
                                     self.platform.databases)
        finally:
            await admin.close()
        return [row["pid"] for row in rows]


def _comm(entry: Path) -> str:
    try:
        return (entry / "comm").read_text().strip()
    except OSError:
        return ""


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


async def measure(shop: Shop, meter: Meter, rate: float, duration: float) -> dict[str, Any]:
    load_before = load_average()
    async with meter.step() as ledger:
        started = time.monotonic()
        samples, achieved = await shop.run(rate, duration)
        wall = time.monotonic() - started
    used = ledger.used()
    by_kind: dict[str, Any] = {}
    for kind in sorted({s.kind for s in samples}):
        by_kind[kind] = summarise(s for s in samples if s.kind == kind)
    by_operation = {op: summarise(s for s in samples if s.operation == op)
                    for op in sorted({s.operation for s in samples})}
    lags = sorted(shop.lags)
    return {
        "rate": rate, "duration": duration, "achieved_rps": round(achieved, 1),
        "overall": summarise(samples), "by_class": by_kind, "by_operation": by_operation,
        "generator_lag_p95_ms": round(lags[int(0.95 * (len(lags) - 1))] * 1000, 1) if lags else 0,
        "wall_seconds": round(wall, 1), "cpu_seconds": used,
        "cpu_ms_per_request": {name: round(1000 * value / max(len(samples), 1), 2)
                               for name, value in used.items()},
        "load_average_before": load_before, "load_average_after": load_average(),
    }


def print_step(step: dict[str, Any]) -> None:
    o = step["overall"]
    print(f"\n== offered {step['rate']:g} RPS for {step['duration']:g} s: achieved "
          f"{step['achieved_rps']} RPS, avg {o['avg_ms']:.1f} ms, p95 {o['p95_ms']:.1f} ms, "
          f"errors {o['errors']}/{o['count']}, generator lag p95 {step['generator_lag_p95_ms']} ms",
          flush=True)
    print("| class | count | errors | avg ms | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, s in [*step["by_class"].items(), ("all", o)]:
        print(f"| {kind} | {s['count']} | {s['errors']} | {s['avg_ms']:.1f} | "
              f"{s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['p99_ms']:.1f} |")
    seconds = step["wall_seconds"]
    print(f"CPU share of one core over the step's {seconds} s (first due to last answer): "
          + ", ".join(f"{name} {value / seconds:.2f}"
                      for name, value in step["cpu_seconds"].items()))
    print("CPU ms per answered request: " + ", ".join(
        f"{name} {value}" for name, value in step["cpu_ms_per_request"].items()))
    print(f"load average before {step['load_average_before']}, "
          f"after {step['load_average_after']}", flush=True)


async def search(shop: Shop, meter: Meter, args: argparse.Namespace) -> dict[str, Any]:
    start, increment = (float(v) for v in args.step.split(":"))
    steps: list[dict[str, Any]] = []

    async def one(rate: float) -> tuple[dict[str, float], float]:
        step = await measure(shop, meter, rate, args.duration)
        print_step(step)
        steps.append(step)
        await asyncio.sleep(2)  # let the tail drain before the next rate
        return step["overall"], step["achieved_rps"]

    outcome = await step_search(one, start=start, increment=increment, limit=args.limit,
                                targets=Targets())
    print(f"\nhighest offered rate meeting avg < 200 ms, p95 < 500 ms, errors <= 1 %: "
          f"{outcome.best_rate:g} RPS", flush=True)
    return {"best_rps": outcome.best_rate, "steps": steps,
            "missed": [s["missed"] for s in outcome.steps]}


async def profile_gateway(platform: Platform, shop: Shop, meter: Meter,
                          args: argparse.Namespace) -> dict[str, Any]:
    """One gateway worker under cProfile at the lowest step's rate: where its CPU goes (the
    profiler slows it, so the latencies of this step are not comparable)."""
    gateway = platform.children["gateway"]
    argv = [str(a) for a in gateway.args[2:]]  # type: ignore[index]
    gateway.terminate()
    gateway.wait(30)
    platform.env["GATEWAY_WORKERS"] = "1"
    platform._spawn("gateway", ["cProfile", "-o", args.profile, "-m", *argv], platform.env)
    platform._wait_healthy("gateway", 120)
    await shop.run(args.warmup_rate, args.warmup)
    rate = float(args.step.split(":")[0]) if args.step else args.rate
    step = await measure(shop, meter, rate, args.duration)
    print("\n=== gateway under cProfile")
    print_step(step)
    platform.children["gateway"].terminate()
    platform.children["gateway"].wait(60)
    stats = pstats.Stats(args.profile)
    for order in ("tottime", "cumulative"):
        stats.sort_stats(order).print_stats(30)
    return step


async def drive(platform: Platform, args: argparse.Namespace,
                replicas: Replicas | None = None) -> dict[str, Any]:
    manifest = Manifest(MANIFEST)
    products = create_products(platform, args.products)
    if replicas is not None:  # nginx in front of the one replica, before anything is measured
        replicas.start()
        for name in replicas.callers():
            platform.restart(name, within=120)
    # measured requests run as production runs them: only the manifest's operations
    platform.env["GATEWAY_TRUSTED_DOCUMENTS__MODE"] = "safelist"
    platform.restart("gateway", within=120)
    users = await Shop.register(platform.gateway_url, manifest, args.users)
    categories = sorted({row[2] for row in CATALOGUE} | {"Bench"})
    shop = Shop(platform.gateway_url, manifest, users, products, categories)
    meter = Meter(platform)
    try:
        await shop.run(min(args.warmup_rate, args.rate or args.warmup_rate), args.warmup)
        if not args.step:
            step = await measure(shop, meter, args.rate, args.duration)
            print_step(step)
            return {"mode": "rate", "steps": [step]}
        result = {"mode": "step", **await search(shop, meter, args)}
        if args.scale:
            # the scaling step, same platform and users: one more gateway worker
            workers = args.gateway_workers + 1
            platform.env["GATEWAY_WORKERS"] = str(workers)
            platform.restart("gateway", within=120)
            print(f"\n=== gateway restarted with {workers} workers", flush=True)
            await shop.run(args.warmup_rate, args.warmup)
            result["scaled"] = {"gateway_workers": workers, **await search(shop, meter, args)}
        if replicas is not None:
            # the replica step, same platform, users and gateway: a second process of the
            # domain in nginx's rotation
            added = replicas.add()
            print(f"\n=== {added} added behind nginx (round robin)", flush=True)
            await shop.run(args.warmup_rate, args.warmup)
            result["replicated"] = {"replicas": replicas.names, **await search(shop, meter, args)}
        if args.profile:
            result["profiled"] = await profile_gateway(platform, shop, meter, args)
        return result
    finally:
        await shop.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=40.0, help="offered RPS (fixed mode)")
    parser.add_argument("--step", default="", help="START:INCREMENT: raise the rate until a "
                        "target is missed; report the highest rate that met them")
    parser.add_argument("--limit", type=float, default=2000.0, help="highest rate to step to")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per rate")
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--warmup-rate", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--gateway-workers", type=int, default=1)
    parser.add_argument("--scale", action="store_true", help="after the step search, restart "
                        "the gateway with one more worker and search again (same users)")
    parser.add_argument("--replicate", default="", metavar="DOMAIN", help="with --step: put "
                        "DOMAIN (e.g. products) behind nginx, search, then add a second "
                        "process of it to nginx's round robin and search again")
    parser.add_argument("--gateway-redis", action="store_true", help="give the gateway the "
                        "platform's Redis (GATEWAY_REDIS_URL: token versions and persisted "
                        "queries from Redis, as deployed) instead of asking users over HTTP")
    parser.add_argument("--profile", default="", help="at the end, profile one gateway "
                        "worker with cProfile at the first step's rate, stats to this file")
    parser.add_argument("--logs", default="", help="keep the services' logs in this directory")
    parser.add_argument("--out", default=str(ROOT / "tests" / "bench" / "results" / "shop.json"))
    args = parser.parse_args()
    if args.replicate and not args.step:
        parser.error("--replicate compares two step searches: give --step too")
    env = {
        "GATEWAY_WORKERS": str(args.gateway_workers),
        # the tokens registered up front outlive a long step search (default 15 min)
        "USERS_ACCESS_TOKEN_TTL_SECONDS": "7200",
        # setup creates products with ad-hoc admin mutations; the load runs in safelist mode
        "GATEWAY_TRUSTED_DOCUMENTS__MODE": "audit",
    }
    if args.gateway_redis:
        env["GATEWAY_REDIS_URL"] = REDIS
    started, load_before = time.monotonic(), load_average()
    with tempfile.TemporaryDirectory() as scratch:
        logs = Path(args.logs or scratch)
        logs.mkdir(parents=True, exist_ok=True)
        platform = Platform(logs=logs, extra_env=env).start()
        replicas = (Replicas(platform, args.replicate, logs / "nginx-conf") if args.replicate
                    else None)
        try:
            result = asyncio.run(drive(platform, args, replicas))
        finally:
            platform.stop()
    result |= {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(sys.argv), "gateway_workers": args.gateway_workers,
        "gateway_redis": args.gateway_redis, "replicate": args.replicate, "users": args.users,
        "products": args.products,
        "cpus": os.cpu_count(),
        "load_average_before": load_before, "load_average_after": load_average(),
        "wall_seconds": round(time.monotonic() - started),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
