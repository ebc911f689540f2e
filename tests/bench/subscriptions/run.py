"""Fan-out benchmark: many WebSocket subscribers on one gateway process, Kafka events at a rate.

Processes: the embedded broker, the two subgraphs of ``subgraphs.py`` (uvicorn), one gateway
(``python -m gateway serve``), and this script holding every client socket. Each event is
published to Kafka with its time; the orders subgraph's broadcast hands it to the subscriptions of
its order, the gateway joins ``payment`` from the payments subgraph and fans it out. Reported:
fan-out latency (publish -> client receipt) p50/p95/p99, events received vs expected, and the
gateway's resident memory per subscription (RSS growth from one to all subscribers).

usage: python tests/bench/subscriptions/run.py [--subscribers 1000] [--orders 100] [--rate 20]
       [--duration 20] [--shared-auth]   (--shared-auth: one token per order, so the gateway
       deduplicates subscribers of the same order into one upstream stream)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import orjson
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from gateway.composition import SubgraphSource, compose  # noqa: E402
from streaming.broker import EmbeddedBroker, free_port  # noqa: E402
from streaming.events import Envelope, OrderStatus, OrderStatusChanged  # noqa: E402
from streaming.producer import EventProducer  # noqa: E402
from streaming.settings import KafkaSettings  # noqa: E402
from streaming.topics import ensure_topics  # noqa: E402

QUERY = """subscription($id: ID!) { orderStatusChanged(orderId: $id) {
    id status publishedAt payment { status } } }"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wait_up(url: str, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


class Subscriber:
    """One client socket and the latencies it saw."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors = 0

    async def run(self, url: str, order: str, token: str, ready: asyncio.Event) -> None:
        async with connect(url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                           max_queue=None, ping_interval=None) as socket:
            await socket.send(orjson.dumps({"type": "connection_init",
                                            "payload": {"Authorization": token}}).decode())
            await socket.recv()
            await socket.send(orjson.dumps({"id": "1", "type": "subscribe", "payload": {
                "query": QUERY, "variables": {"id": order}}}).decode())
            ready.set()
            async for raw in socket:
                now = time.time()
                message = orjson.loads(raw)
                if message["type"] != "next" or "errors" in message["payload"]:
                    self.errors += 1
                    continue
                sent = message["payload"]["data"]["orderStatusChanged"]["publishedAt"]
                self.latencies.append(now - sent)


async def publish(settings: KafkaSettings, topic: str, orders: int, rate: float,
                  duration: float) -> int:
    producer = EventProducer(settings)
    await producer.start()
    sent, start = 0, time.monotonic()
    try:
        while (elapsed := time.monotonic() - start) < duration:
            order = f"o{sent % orders}"
            event = Envelope.wrap(OrderStatusChanged(order_id=order, user_id="bench",
                                                     previous_status=None,
                                                     status=OrderStatus.PAID))
            await producer.publish(event, topic=topic)
            sent += 1
            await asyncio.sleep(max(0.0, sent / rate - elapsed))
    finally:
        await producer.stop()
    return sent


async def warm_up(settings: KafkaSettings, topic: str, orders: int,
                  subscribers: list[Subscriber], within: float = 180) -> None:
    """One event per order until every subscriber has had one: all streams are established."""
    deadline = time.monotonic() + within
    while any(not s.latencies for s in subscribers):
        if time.monotonic() > deadline:
            missing = sum(1 for s in subscribers if not s.latencies)
            raise TimeoutError(f"{missing} subscribers got no warm-up event in {within}s")
        await publish(settings, topic, orders, rate=10, duration=orders / 10)  # gently
        await asyncio.sleep(5)
    for subscriber in subscribers:
        subscriber.latencies.clear()


async def bench(args: argparse.Namespace, gateway_pid: int, ws_url: str,
                settings: KafkaSettings, topic: str) -> dict[str, object]:
    baseline = rss_mb(gateway_pid)
    subscribers = [Subscriber() for _ in range(args.subscribers)]
    tasks, readies = [], []
    for index, subscriber in enumerate(subscribers):
        order = f"o{index % args.orders}"
        token = f"Bearer {order if args.shared_auth else f'user-{index}'}"
        ready = asyncio.Event()
        readies.append(ready)
        tasks.append(asyncio.create_task(subscriber.run(ws_url, order, token, ready)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)  # do not open a thousand sockets in one burst
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
    setup = time.monotonic()
    await warm_up(settings, topic, args.orders, subscribers)
    setup = time.monotonic() - setup
    loaded = rss_mb(gateway_pid)
    sent = await publish(settings, topic, args.orders, args.rate, args.duration)
    await asyncio.sleep(5)  # drain
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)  # sockets closed before the gateway
    latencies = sorted(x * 1000 for s in subscribers for x in s.latencies)
    expected = sum(args.subscribers // args.orders + (1 if i < args.subscribers % args.orders
                                                       else 0)
                   for i in (n % args.orders for n in range(sent)))
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "subscribers": args.subscribers, "orders": args.orders, "shared_auth": args.shared_auth,
        "rate_per_s": args.rate, "duration_s": args.duration, "events_published": sent,
        "deliveries_expected": expected, "deliveries_received": len(latencies),
        "errors": sum(s.errors for s in subscribers),
        "setup_s": round(setup, 1),
        "p50_ms": round(quantiles[49], 1), "p95_ms": round(quantiles[94], 1),
        "p99_ms": round(quantiles[98], 1),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "gateway_rss_mb_idle": round(baseline, 1), "gateway_rss_mb_loaded": round(loaded, 1),
        "gateway_kb_per_subscription": round((loaded - baseline) * 1024 / args.subscribers, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="events per second")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--shared-auth", action="store_true")
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="bench-subscriptions-"))
    topic = f"bench-orders-{uuid.uuid4().hex[:8]}"
    with EmbeddedBroker() as broker:
        settings = KafkaSettings(bootstrap_servers=broker.bootstrap_servers, fetch_max_wait_ms=20)
        asyncio.run(ensure_topics(settings, [topic]))
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
               "BENCH_TOPIC": topic, "GATEWAY_MODE": "production",
               # every client shares one IP: the per-IP rate limit would refuse most subscribes
               "GATEWAY_RATE_LIMIT__ENABLED": "false"}
        ports = {name: free_port() for name in ("orders", "payments", "gateway")}
        children = [spawn(["uvicorn", f"tests.bench.subscriptions.subgraphs:{name}_app",
                           "--port", str(ports[name]), "--log-level", "warning",
                           "--ws", "websockets-sansio"], env, logs / f"{name}.log")
                    for name in ("orders", "payments")]
        try:
            for name in ("orders", "payments"):
                wait_up(f"http://127.0.0.1:{ports[name]}/graphql")
            from tests.bench.subscriptions.subgraphs import orders_schema, payments_schema
            sources = [SubgraphSource(n, f"http://127.0.0.1:{ports[n]}/graphql", s.as_str())
                       for n, s in (("orders", orders_schema), ("payments", payments_schema))]
            supergraph = logs / "supergraph.graphql"
            supergraph.write_text(compose(sources).supergraph or "")
            gateway = spawn(["gateway", "serve", "--supergraph", str(supergraph), "--port",
                             str(ports["gateway"])], env, logs / "gateway.log")
            children.append(gateway)
            wait_up(f"http://127.0.0.1:{ports['gateway']}/health")
            ws_url = f"ws://127.0.0.1:{ports['gateway']}/graphql"
            result = asyncio.run(bench(args, gateway.pid, ws_url, settings, topic))
            result["load_average"] = os.getloadavg()
            result["cpus"] = os.cpu_count()
            print(json.dumps(result, indent=2), flush=True)
        finally:
            for child in children:
                child.terminate()
            for child in children:
                try:
                    child.wait(10)
                except subprocess.TimeoutExpired:
                    child.kill()


if __name__ == "__main__":
    main()
