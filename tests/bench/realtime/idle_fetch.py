"""What a shorter fetch wait costs while nothing happens: CPU of the embedded broker and of the
readers when ``--readers`` idle consumers (the platform runs about 8: one group per service and
a subscription feed in orders and payments) poll empty topics with each fetch wait.

    flock /work/bench.lock .venv/bin/python tests/bench/realtime/idle_fetch.py --waits 100 25 10

Prints, per fetch wait, CPU milliseconds per second (broker, readers) over ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from streaming.broker import EmbeddedBroker  # noqa: E402


def broker_cpu(pid: int) -> float:
    """CPU seconds the broker process used so far (user + system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def idle(broker: EmbeddedBroker, wait_ms: int, readers: int, seconds: float) -> tuple:
    consumers = [
        AIOKafkaConsumer(f"idle-{wait_ms}-{i}", bootstrap_servers=broker.bootstrap_servers,
                         group_id=f"idle-{wait_ms}-{i}", fetch_max_wait_ms=wait_ms,
                         session_timeout_ms=6000, heartbeat_interval_ms=2000)
        for i in range(readers)
    ]
    for consumer in consumers:
        await consumer.start()
    tasks = [asyncio.create_task(_poll(c)) for c in consumers]
    await asyncio.sleep(5)  # groups joined, fetching
    pid = broker._process.pid  # type: ignore[union-attr]
    b0, o0, t0 = broker_cpu(pid), own_cpu(), time.monotonic()
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - t0
    b1, o1 = broker_cpu(pid), own_cpu()
    for task in tasks:
        task.cancel()
    for consumer in consumers:
        await consumer.stop()
    return (b1 - b0) / elapsed * 1000, (o1 - o0) / elapsed * 1000


async def _poll(consumer: AIOKafkaConsumer) -> None:
    while True:
        await consumer.getmany(timeout_ms=200)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waits", type=int, nargs="+", default=[100, 25, 10])
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    with EmbeddedBroker() as broker:
        for wait in args.waits:
            cpu_broker, cpu_readers = await idle(broker, wait, args.readers, args.seconds)
            print(f"fetch_max_wait_ms={wait}: broker {cpu_broker:.0f} ms/s, "
                  f"{args.readers} readers {cpu_readers:.0f} ms/s, load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
