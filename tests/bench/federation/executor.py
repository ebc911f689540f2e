"""CPU per request of the gateway's pipeline alone (parse cache, plan cache, execution, shaping),
with the subgraphs' answers recorded once from the real Node subgraphs and replayed in-process.

No HTTP on either side: this isolates what the executor costs, so a change to execution or
shaping can be measured in seconds without the noise of sockets and a second process.
``python tests/bench/federation/executor.py --requests 2000 [--profile] [--subgraph-port 4611]``
(``min_batch_ms``: the cheapest 100-request batch, steadier than the mean on a shared machine)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

_HERE = str(Path(__file__).resolve().parent)
# This folder's profile.py would shadow the standard library's profile, which cProfile imports.
sys.path[:] = [p for p in sys.path if p not in ("", _HERE)]
import cProfile  # noqa: E402
import pstats  # noqa: E402

sys.path.insert(0, _HERE)
import run as fed  # noqa: E402

sys.path.insert(0, str(fed.ROOT))
from gateway.app import build_gateway  # noqa: E402
from gateway.plugins import GraphQLRequest  # noqa: E402


class Replay:
    """A Fetcher answering from bytes recorded off the real subgraphs (parsed afresh each call)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.recorded: dict[tuple[str, bytes], bytes] = {}
        self.calls = 0

    async def record(self, subgraph: str, request: dict[str, Any], headers: dict[str, str],
                     dedupe: bool) -> dict[str, Any]:
        answer = await self.real.fetch(subgraph, request, headers, dedupe)
        key = (subgraph, orjson.dumps(request, option=orjson.OPT_SORT_KEYS))
        self.recorded[key] = orjson.dumps(answer)
        return answer

    async def fetch(self, subgraph: str, request: dict[str, Any], headers: dict[str, str],
                    dedupe: bool) -> dict[str, Any]:
        self.calls += 1
        body = orjson.dumps(request, option=orjson.OPT_SORT_KEYS)  # what the real pool sends
        return orjson.loads(self.recorded[(subgraph, body)])


async def measure(requests: int, profile: bool) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="fedexec-"))
    sdl = fed.write_supergraph(work).read_text()
    gateway = build_gateway(sdl)
    pipeline = gateway.pipeline
    replay = Replay(pipeline.fetcher)
    body = orjson.loads(fed.request_body())

    def request() -> GraphQLRequest:
        return GraphQLRequest(query=body["query"], variables=body.get("variables") or {},
                              operation_name=body.get("operationName"), headers={})

    pipeline.fetcher = type("Recorder", (), {"fetch": replay.record})()
    first = await pipeline.run(request())
    expected = fed.expected_response()
    if first.response != expected:
        raise SystemExit("the live answer differs from the expected response")
    pipeline.fetcher = replay
    for _ in range(50):  # warm caches
        await pipeline.run(request())
    profiler = cProfile.Profile() if profile else None
    replay.calls = 0
    started_cpu, started = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    batches = []
    for done in range(requests):
        if done % 100 == 0:
            batch_started = time.process_time()
        outcome = await pipeline.run(request())
        if done % 100 == 99:
            batches.append((time.process_time() - batch_started) * 10)  # ms per request
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
    if outcome.response != expected:
        raise SystemExit("the replayed answer differs from the expected response")
    await gateway.aclose()
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return {"requests": requests, "fetches_per_request": replay.calls / requests,
            "cpu_ms_per_request": round(cpu / requests * 1000, 3),
            "min_batch_ms": round(min(batches), 3) if batches else None,
            "wall_ms_per_request": round(wall / requests * 1000, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--subgraph-port", type=int, default=fed.SUBGRAPH_BASE_PORT,
                        help="first of the four subgraph ports (another benchmark may hold 4201)")
    args = parser.parse_args()
    fed.SUBGRAPH_BASE_PORT = args.subgraph_port
    fed.ensure_tools()
    subgraphs = ["node", str(fed.HERE / "subgraphs.mjs"), str(fed.SUBGRAPH_BASE_PORT)]
    with fed.process(subgraphs, fed.LOAD_CPU, Path(tempfile.mkdtemp()) / "subgraphs.log"):
        for offset in range(len(fed.SUBGRAPHS)):
            fed.wait_port(fed.SUBGRAPH_BASE_PORT + offset)
        print(json.dumps(asyncio.run(measure(args.requests, args.profile))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
