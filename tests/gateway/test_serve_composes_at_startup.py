"""``serve --supergraph-config supergraph.yaml`` composes at start-up, or refuses in one line."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_the_gateway_composes_the_repository_config_and_serves_it() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "gateway", "serve", "--supergraph-config",
               str(ROOT / "supergraph.yaml"), "--port", str(port)]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        body = _first_answer(f"http://127.0.0.1:{port}/graphql", child)
        assert body == {"data": {"__typename": "Query"}}
    finally:
        child.terminate()
        child.wait(10)


def test_a_config_that_does_not_compose_is_one_line_and_exit_1(tmp_path: Path) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text("subgraphs: {}\n")
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--supergraph-config", str(config)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "subgraphs" in done.stderr and "Traceback" not in done.stderr


def _first_answer(url: str, child: subprocess.Popen[str]) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        try:
            return httpx.post(url, json={"query": "{ __typename }"}, timeout=2).json()
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the gateway did not answer within 30 s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
