"""Fan-out benchmark: many subscribers on one gateway process, Kafka events at a rate.

Processes: the embedded broker, the two subgraphs of ``subgraphs.py`` (uvicorn), one gateway
(``python -m gateway serve``), and this script holding every client (``clients.py``: a
graphql-transport-ws socket or an SSE stream each). Each event is published to Kafka with its
time; the orders subgraph's broadcast hands it to the subscriptions of its order, the gateway
joins ``payment`` from the payments subgraph and fans it out. ``--per-order`` subscribers follow
each order, so every event goes to that many clients.

Auth (``--auth``): ``token`` (default) gives every client its own EdDSA access token, verified by
the gateway through a JWKS file, ``--users-per-order`` distinct users per order (1: all of an
order's clients are its owner's devices); ``shared`` gives one raw token per order (the gateway
verifies nothing); ``none`` sends none.

Reported: set-up (from the first connect until every client's subscription was acknowledged by
an event: once every client has sent its subscribe, PENDING probe events are published, one
per order, again every 2 s for orders still waiting, until each client has one; only the PAID
events published afterwards are measured),
deliveries received vs expected, publish -> client latency p50/p95/p99/max, the gateway's RSS
idle, after set-up and its peak (``VmHWM`` from /proc), and the load average.

usage: python tests/bench/subscriptions/run.py [--subscribers 1000] [--per-order 10]
       [--rate 100] [--duration 30] [--transport ws|sse] [--auth token|shared|none]
       [--users-per-order 1] [--profile-setup FILE] [--profile-run FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from gateway.composition import SubgraphSource, compose  # noqa: E402
from streaming.broker import EmbeddedBroker, free_port  # noqa: E402
from streaming.events import Envelope, OrderStatus, OrderStatusChanged  # noqa: E402
from streaming.producer import EventProducer  # noqa: E402
from streaming.settings import KafkaSettings  # noqa: E402
from streaming.topics import ensure_topics  # noqa: E402
from tests.bench.subscriptions.clients import Subscriber  # noqa: E402
from tests.bench.subscriptions.tokens import AUDIENCE, ISSUER, mint  # noqa: E402


def proc_mb(pid: int, field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of a process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
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


class Publisher:
    """Publishes OrderStatusChanged events, each stamped with its time (``occurredAt``)."""

    def __init__(self, settings: KafkaSettings, topic: str, orders: int) -> None:
        self.producer = EventProducer(settings)
        self.topic = topic
        self.orders = orders
        self.sent = 0

    async def one(self, order: int, status: OrderStatus = OrderStatus.PAID) -> None:
        event = Envelope.wrap(OrderStatusChanged(order_id=f"o{order}", user_id="bench",
                                                 previous_status=None, status=status))
        await self.producer.publish(event, topic=self.topic)

    async def at_rate(self, rate: float, duration: float) -> list[int]:
        """Event i to order i % orders, ``rate`` a second; the order of each event sent."""
        sent: list[int] = []
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) < duration:
            order = len(sent) % self.orders
            await self.one(order)
            sent.append(order)
            await asyncio.sleep(max(0.0, len(sent) / rate - elapsed))
        return sent


async def set_up(args: argparse.Namespace, url: str, subscribers: list[Subscriber],
                 publisher: Publisher) -> tuple[list[asyncio.Task[None]], float]:
    """Open every client, then probe until each has had an event; the seconds it took."""
    start = time.monotonic()
    run = Subscriber.run_ws if args.transport == "ws" else Subscriber.run_sse
    tasks = []
    for index, subscriber in enumerate(subscribers):
        tasks.append(asyncio.create_task(run(subscriber, url)))
        if index % 100 == 99:
            await asyncio.sleep(0)  # let the first handshakes go out while opening more
    deadline = start + args.setup_timeout
    while not all(s.sent or task.done() for s, task in zip(subscribers, tasks, strict=True)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"subscribes not all sent in {args.setup_timeout}s")
        await asyncio.sleep(0.05)
    waiting = list(range(args.orders))
    while waiting:
        if time.monotonic() > deadline:
            missing = sum(1 for s in subscribers if s.first is None)
            raise TimeoutError(f"{missing} subscribers not acknowledged in {args.setup_timeout}s")
        await asyncio.gather(*(publisher.one(order, OrderStatus.PENDING) for order in waiting))
        round_end = time.monotonic() + 2  # probes again, for orders still waiting, after 2 s
        while time.monotonic() < round_end and any(  # noqa: ASYNC110 (polls 10,000 clients)
                s.first is None for s in subscribers):
            await asyncio.sleep(0.05)
        waiting = sorted({int(s.order[1:]) for s in subscribers if s.first is None})
    took = max(s.first or 0.0 for s in subscribers) - start
    await quiet(subscribers)  # the last probe copies arrive before measuring
    for subscriber in subscribers:
        subscriber.errors = 0
    return tasks, took


async def quiet(subscribers: list[Subscriber], within: float = 60) -> None:
    """Until no client has received anything for a second (or ``within`` seconds passed)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        if time.time() - max(s.last for s in subscribers) > 1.0:
            return


async def bench(args: argparse.Namespace, gateway_pid: int, url: str,
                settings: KafkaSettings, topic: str, tokens: list[str | None]) -> dict[str, object]:
    idle = proc_mb(gateway_pid, "VmRSS")
    subscribers = [Subscriber(f"o{i % args.orders}", tokens[i]) for i in range(args.subscribers)]
    publisher = Publisher(settings, topic, args.orders)
    await publisher.producer.start()
    try:
        profiler = await profile(args.profile_setup, gateway_pid)
        tasks, setup = await set_up(args, url, subscribers, publisher)
        await stop(profiler)
        loaded = proc_mb(gateway_pid, "VmRSS")
        before = os.getloadavg()
        profiler = await profile(args.profile_run, gateway_pid)
        sent = await publisher.at_rate(args.rate, args.duration)
        await stop(profiler)
        await quiet(subscribers)  # drained
        after = os.getloadavg()
    finally:
        await publisher.producer.stop()
    peak = proc_mb(gateway_pid, "VmHWM")
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)  # clients closed before the gateway
    latencies = sorted(x * 1000 for s in subscribers for x in s.latencies)
    per_order = [0] * args.orders
    for subscriber in subscribers:
        per_order[int(subscriber.order[1:])] += 1
    expected = sum(per_order[order] for order in sent)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "transport": args.transport, "auth": args.auth, "subscribers": args.subscribers,
        "orders": args.orders, "per_order": args.per_order,
        "users_per_order": args.users_per_order if args.auth == "token" else None,
        "rate_per_s": args.rate, "duration_s": args.duration, "events_published": len(sent),
        "deliveries_expected": expected, "deliveries_received": len(latencies),
        "errors": sum(s.errors for s in subscribers),
        "setup_s": round(setup, 2),
        "p50_ms": round(quantiles[49], 1), "p95_ms": round(quantiles[94], 1),
        "p99_ms": round(quantiles[98], 1),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "gateway_rss_mb_idle": round(idle, 1), "gateway_rss_mb_subscribed": round(loaded, 1),
        "gateway_rss_mb_peak": round(peak, 1),
        "load_average_before": before, "load_average_after": after,
    }


async def profile(path: str, pid: int) -> asyncio.subprocess.Process | None:
    """py-spy sampling ``pid`` into ``path`` (speedscope) until ``stop``; None without a path."""
    if not path:
        return None
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "py-spy"), "record", "-o", path, "-p", str(pid),
        "-f", "speedscope", "--nonblocking")


async def stop(profiler: asyncio.subprocess.Process | None) -> None:
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        await profiler.wait()


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--per-order", type=int, default=10,
                        help="subscribers following each order (each event reaches this many)")
    parser.add_argument("--rate", type=float, default=100.0, help="events per second")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--transport", choices=("ws", "sse"), default="ws")
    parser.add_argument("--auth", choices=("token", "shared", "none"), default="token")
    parser.add_argument("--users-per-order", type=int, default=1)
    parser.add_argument("--setup-timeout", type=float, default=300.0)
    parser.add_argument("--profile-setup", default="",
                        help="py-spy the gateway during set-up into this speedscope file")
    parser.add_argument("--profile-run", default="",
                        help="py-spy the gateway while events are published, into this file")
    args = parser.parse_args()
    args.orders = max(1, args.subscribers // args.per_order)
    return args


def main() -> None:
    args = options()
    logs = Path(tempfile.mkdtemp(prefix="bench-subscriptions-"))
    topic = f"bench-orders-{uuid.uuid4().hex[:8]}"
    tokens: list[str | None] = [None] * args.subscribers
    env = {**os.environ, "BENCH_TOPIC": topic, "GATEWAY_MODE": "production",
           # every client shares one IP: the per-IP rate limit would refuse most subscribes
           "GATEWAY_RATE_LIMIT__ENABLED": "false",
           "GATEWAY_SUBSCRIPTIONS__MAX_TOTAL": str(max(10_000, args.subscribers))}
    if args.auth == "token":
        tokens = list(mint(logs / "jwks.json", args.subscribers, args.orders,
                           args.users_per_order))
        env.update({"GATEWAY_AUTH__JWKS_FILE": str(logs / "jwks.json"),
                    "GATEWAY_AUTH__ISSUER": ISSUER, "GATEWAY_AUTH__AUDIENCE": AUDIENCE})
    elif args.auth == "shared":
        tokens = [f"o{i % args.orders}" for i in range(args.subscribers)]
    with EmbeddedBroker() as broker:
        settings = KafkaSettings(bootstrap_servers=broker.bootstrap_servers, fetch_max_wait_ms=20)
        asyncio.run(ensure_topics(settings, [topic]))
        env["KAFKA_BOOTSTRAP_SERVERS"] = broker.bootstrap_servers
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
            scheme = "ws" if args.transport == "ws" else "http"
            url = f"{scheme}://127.0.0.1:{ports['gateway']}/graphql"
            result = asyncio.run(bench(args, gateway.pid, url, settings, topic, tokens))
            result["cpus"] = os.cpu_count()
            result["logs"] = str(logs)
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
