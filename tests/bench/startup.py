"""How long services take from launch to answering /health (DESIGN.md: the gateway within 2 s).

    .venv/bin/python tests/bench/startup.py [--runs 5]

Prints the median and worst start time of the gateway and of each subgraph.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {
    "gateway": ["gateway", "serve", "--supergraph", str(ROOT / "schema/supergraph.graphql")],
    **{name: [f"subgraphs.{name}", "serve"] for name in
       ("users", "products", "cart", "orders", "payments", "notifications")},
}


def start_time(argv: list[str], tmp: Path) -> float:
    port = _free_port()
    env = {**os.environ, "DATA_DIR": str(tmp), "EVENT_WORKERS": "false"}
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", *argv, "--port", str(port)], cwd=ROOT,
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - started < 30:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=0.5)
                return time.monotonic() - started
            except httpx.TransportError:
                time.sleep(0.02)
        raise RuntimeError(f"{argv[0]} did not start")
    finally:
        child.terminate()
        child.wait(10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = ROOT / "var" / "bench-startup"
    tmp.mkdir(parents=True, exist_ok=True)
    for name, argv in TARGETS.items():
        times = [start_time(argv, tmp) for _ in range(args.runs)]
        print(f"{name:<14} median {statistics.median(times):.2f} s   worst {max(times):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
