"""What the gateway's inbound HTTP layer costs per request, without the pipeline.

The gateway app (``create_app`` on the federation benchmark's supergraph) with its pipeline
replaced by a stub answering TestQuery's expected response, served by uvicorn or granian pinned to
CPU 0; wrk (CPU 1, 50 connections) POSTs TestQuery as in ``federation/run.py``. Reports RPS and
CPU seconds per 1,000 requests of the server's process tree: the cost of the server, our ASGI
layers, request reading, the edge checks and response serialisation.

``python tests/bench/http_layer.py --server uvicorn --seconds 10``
``python tests/bench/http_layer.py --server granian --latency-ms 2 \
--env GATEWAY_COLLAPSE_REQUESTS=true``
(``--latency-ms``: the stub waits that long per execution, so identical requests overlap).
Needs wrk; granian is not a project dependency (``.venv/bin/pip install granian`` to try it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "federation"))
import run as fed  # noqa: E402

PORT = 4109  # not run.py's 4000: a federation run may be going on beside this one


def stub_app() -> Any:
    """The gateway app whose pipeline answers TestQuery at once (or after BENCH_LATENCY_MS)."""
    sys.path.insert(0, str(fed.ROOT))
    from gateway.app import create_app
    from gateway.config import GatewayConfig
    from gateway.pipeline import Outcome

    work = Path(tempfile.mkdtemp(prefix="httplayer-"))
    sdl = fed.write_supergraph(work).read_text()
    app = create_app(sdl, config=GatewayConfig())
    answer = fed.expected_response()
    latency = float(os.environ.get("BENCH_LATENCY_MS", "0")) / 1000
    executions = [0]

    class StubPipeline:
        streams = None

        async def run(self, request: Any, *, read_only: bool = False, **_: Any) -> Any:
            executions[0] += 1
            if latency:
                await asyncio.sleep(latency)
            return Outcome(dict(answer), None, None)

    app.state.gateway.pipeline = StubPipeline()
    return app


def serve(server: str, port: int) -> None:
    if server == "granian":
        from granian import Granian
        from granian.constants import Interfaces, Loops

        Granian("tests.bench.http_layer:stub_app", address="127.0.0.1", port=port,
                interface=Interfaces.ASGI, loop=Loops.uvloop, factory=True,
                working_dir=fed.ROOT, log_enabled=False).serve()
        return
    import uvicorn

    loop, http = {"uvicorn": ("uvloop", "httptools"), "uvicorn-h11": ("asyncio", "h11")}[server]
    uvicorn.run(stub_app(), host="127.0.0.1", port=port, loop=loop, http=http,
                access_log=False, log_level="warning")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="httplayer-"))
    body = fed.request_body()
    (work / "body.json").write_bytes(body)
    env = {"GATEWAY_MODE": "production", "BENCH_LATENCY_MS": str(args.latency_ms),
           "PYTHONPATH": str(fed.ROOT), **dict(item.split("=", 1) for item in args.env)}
    argv = [sys.executable, __file__, "--serve", args.server]
    url = f"http://127.0.0.1:{PORT}/graphql"
    with fed.process(argv, fed.GATEWAY_CPU, work / "server.log", env, fed.ROOT) as proc:
        fed.wait_port(PORT, 60)
        ok, why = fed.check(url, body, fed.expected_response(), 5)
        if not ok:
            raise SystemExit(f"wrong answer: {why}")
        fed.wrk(url, work / "body.json", 3, args.connections, work / "warmup.json")
        cpu0 = fed.cpu_seconds(proc.pid)
        load = fed.wrk(url, work / "body.json", args.seconds, args.connections,
                       work / "load.json")
        cpu = fed.cpu_seconds(proc.pid) - cpu0
    return {"server": args.server, "env": args.env, "latency_ms": args.latency_ms,
            "rps": round(load["requests"] / load["seconds"], 1),
            "p50_ms": load["p50_us"] / 1000,
            "cpu_ms_per_request": round(cpu / load["requests"] * 1000, 4),
            "non2xx": load["non2xx"], "errors": load["errors"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=("uvicorn", "uvicorn-h11", "granian"),
                        default="uvicorn")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, PORT)
        return 0
    fed.ensure_tools()
    print(json.dumps(measure(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
