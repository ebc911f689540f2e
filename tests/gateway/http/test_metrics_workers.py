"""With ``workers: 2`` any worker's /metrics reports the sum over both workers (prometheus-client
multiprocess mode, one file per worker in a per-run directory)."""

from __future__ import annotations

import contextlib
import json
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


def _counting_workers(metrics: Path) -> set[str]:
    """The workers whose shared snapshot (written each second) counts a ``Sum`` operation."""
    counting = set()
    for path in metrics.glob("tally_*.json"):
        with contextlib.suppress(OSError, ValueError):  # being replaced right now
            family = json.loads(path.read_text()).get(REQUESTS, {"children": []})
            if any(labels[0] == "Sum" for labels, _ in family["children"]):
                counting.add(path.stem)
    return counting


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_metrics_of_two_workers_are_summed_whichever_worker_answers(tmp_path: Path) -> None:
    # given a gateway with two workers and a stale file from an earlier run in its directory
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "tally_1.json").write_text(json.dumps(
        {REQUESTS: {"kind": "counter", "documentation": "", "labelnames": ["operation", "kind"],
                    "bounds": [], "children": [[["Sum", "query"], 1000]]}}))
    port = _free_port()
    process = _serve(tmp_path, port, metrics)
    sent, scrapes = 0, []
    try:
        _wait_for_two_workers(process, port)
        # when operations arrive on new connections until both workers have counted some
        deadline = time.monotonic() + 60
        while len(_counting_workers(metrics)) < 2 and time.monotonic() < deadline:
            with httpx.Client(timeout=5) as client:  # a new connection: any worker may take it
                client.post(f"http://127.0.0.1:{port}/graphql",
                            json={"query": "query Sum { __typename }"})
            sent += 1
        # then every scrape, whichever worker answers it, soon reports all of them (a worker
        # shares its counts each second)
        deadline = time.monotonic() + 30
        while len(scrapes) < 6 and time.monotonic() < deadline:
            with httpx.Client(timeout=5) as client:  # a new connection: any worker may answer
                text = client.get(f"http://127.0.0.1:{port}/metrics").text
            if sample(text, REQUESTS, operation="Sum") == sent:
                scrapes.append(text)
            else:
                scrapes.clear()  # six in a row must agree
                time.sleep(0.2)
    finally:
        code, output = _stop(process)
    assert len(_counting_workers(metrics)) == 2, output
    assert not (metrics / "tally_1.json").exists()  # the earlier run's file was cleared
    assert len(scrapes) == 6, f"no six scrapes in a row showed all {sent} operations"
    assert code == 0, output
