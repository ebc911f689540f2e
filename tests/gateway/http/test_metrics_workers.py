"""With ``workers: 2`` any worker's /metrics reports the sum over both workers (prometheus-client
multiprocess mode, one file per worker in a per-run directory)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.gateway.http.test_cli import ROOT, _free_port, _gateway
from tests.gateway.http.test_workers import _stop, _wait_for_two_workers
from tests.gateway.pipeline.shop import shop_supergraph
from tests.scrape import sample

REQUESTS = "gateway_requests_total"


def _serve(tmp_path: Path, port: int, metrics: Path) -> subprocess.Popen[bytes]:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(shop_supergraph())
    env = {**os.environ, "GATEWAY_MODE": "production", "GATEWAY_WORKERS": "2",
           "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    return subprocess.Popen(_gateway("serve", "--supergraph", str(supergraph), "--port",
                                     str(port)), cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _counting_workers(metrics: Path, supervisor: int) -> set[str]:
    """The pids with a counter file, the supervisor's aside: workers that counted a request."""
    pids = {path.stem.rsplit("_", 1)[1] for path in metrics.glob("counter_*.db")}
    return pids - {str(supervisor), "1"}


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_metrics_of_two_workers_are_summed_whichever_worker_answers(tmp_path: Path) -> None:
    # given a gateway with two workers and a stale file from an earlier run in its directory
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_1.db").write_bytes(b"stale")
    port = _free_port()
    process = _serve(tmp_path, port, metrics)
    sent, scrapes = 0, []
    try:
        _wait_for_two_workers(process, port)
        # when operations arrive on new connections until both workers have counted some
        deadline = time.monotonic() + 60
        while len(_counting_workers(metrics, process.pid)) < 2 and time.monotonic() < deadline:
            with httpx.Client(timeout=5) as client:  # a new connection: any worker may take it
                client.post(f"http://127.0.0.1:{port}/graphql",
                            json={"query": "query Sum { __typename }"})
            sent += 1
        # then every scrape, whichever worker answers it, reports all of them
        for _ in range(6):
            with httpx.Client(timeout=5) as client:
                scrapes.append(client.get(f"http://127.0.0.1:{port}/metrics").text)
    finally:
        code, output = _stop(process)
    assert len(_counting_workers(metrics, process.pid)) == 2, output
    assert not (metrics / "counter_1.db").exists()  # the earlier run's file was cleared
    assert [sample(text, REQUESTS, operation="Sum") for text in scrapes] == [sent] * 6
    assert code == 0, output
