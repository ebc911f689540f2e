"""`python -m gateway serve` starts and stops cleanly; `plan` prints a plan.

How fast it starts (DESIGN.md: within 2 s) is measured by tests/bench/startup.py, not asserted
here: timings on a shared machine are noise.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.gateway.pipeline.shop import shop_supergraph

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gateway(*args: str) -> list[str]:
    return [sys.executable, "-m", "gateway", *args]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_answers_and_exits_zero_on_sigterm(tmp_path: Path, workers: str):
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(shop_supergraph())
    port = _free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        _gateway("serve", "--supergraph", str(supergraph), "--port", str(port)),
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "GATEWAY_MODE": "production", "GATEWAY_WORKERS": workers},
    )
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/health", deadline=started + 10)
        answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"})
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
    assert health == 200
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert code == 0


def test_sigterm_while_workers_are_still_starting_stops_them_gracefully(tmp_path: Path):
    # given two workers, signalled as soon as the shared socket listens (before they serve)
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(shop_supergraph())
    port = _free_port()
    process = subprocess.Popen(
        _gateway("serve", "--supergraph", str(supergraph), "--port", str(port)),
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "GATEWAY_MODE": "production", "GATEWAY_WORKERS": "2"},
    )
    try:
        _wait_for_listening(port, deadline=time.monotonic() + 30)
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=30)
    # then every worker still stops through its graceful handler: exit 0, not killed mid-start
    assert code == 0, process.stderr.read().decode() if process.stderr else ""


def _wait_for_listening(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.01)
    raise AssertionError(f"port {port} never listened")


def _wait_for(url: str, deadline: float) -> int:
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=0.5).status_code
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer in time")


def test_serve_with_a_missing_supergraph_fails_with_a_message(tmp_path: Path):
    done = subprocess.run(_gateway("serve", "--supergraph", str(tmp_path / "none.graphql")),
                          cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert "cannot load supergraph" in done.stderr


def test_serve_goes_on_past_gateway_env_vars_other_tools_set(tmp_path: Path):
    # given CGI's GATEWAY_INTERFACE and a harness's GATEWAY_TIMEOUT in the environment
    env = {**os.environ, "GATEWAY_INTERFACE": "CGI/1.1", "GATEWAY_TIMEOUT": "30"}
    done = subprocess.run(_gateway("serve", "--supergraph", str(tmp_path / "none.graphql")),
                          cwd=ROOT, capture_output=True, text=True, timeout=30, env=env)
    # then the configuration loads (a warning names each) and serving fails only later, here
    # for the missing supergraph (exit 1), not for the configuration (exit 2)
    assert done.returncode == 1, done.stderr
    logged = done.stdout  # the log lines (common/telemetry/logs.py writes them to stdout)
    assert "GATEWAY_INTERFACE" in logged and "GATEWAY_TIMEOUT" in logged
    assert "invalid configuration" not in done.stderr


def test_plan_prints_the_query_plan(tmp_path: Path):
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(shop_supergraph())
    query = tmp_path / "query.graphql"
    query.write_text('{ product(id: "p1") { name stock } }')
    done = subprocess.run(
        _gateway("plan", "--supergraph", str(supergraph), "--query", str(query)),
        cwd=ROOT, capture_output=True, text=True, timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("QueryPlan {")
    assert 'Flatten(path: "product")' in done.stdout
