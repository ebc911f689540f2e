"""Per-observation cost of a labelled counter increment and histogram observation:
prometheus-client (single-process and multiprocess mode) against the OpenTelemetry SDK with its
Prometheus exporter; then what the gateway's metrics add to one request with one subgraph fetch
(``gateway.metrics`` on ``common.telemetry.tally``), with and without forked workers.
Run: ``.venv/bin/python tests/bench/metrics_cost.py``."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import timeit

__all__ = ["main"]

N = 200_000
_CASES = {
    "prometheus_client": """
import prometheus_client as p
r = p.CollectorRegistry()
c = p.Counter("c", "c", ["op", "kind"], registry=r)
h = p.Histogram("h", "h", ["op", "kind"], registry=r)
cc, hh = c.labels("Op", "query"), h.labels("Op", "query")  # c.labels: child lookup
""",
    "opentelemetry_sdk+prometheus_exporter": """
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
meter = MeterProvider(metric_readers=[PrometheusMetricReader()]).get_meter("b")
c = meter.create_counter("c")
h = meter.create_histogram("h")
attrs = {"op": "Op", "kind": "query"}
class _C:
    def inc(self): c.add(1, attrs)
class _H:
    def observe(self, v): h.record(v, attrs)
cc, hh = _C(), _H()
""",
}


def _run(setup: str) -> tuple[float, float, float]:
    inc = min(timeit.repeat("cc.inc()", setup, number=N, repeat=3)) / N
    observe = min(timeit.repeat("hh.observe(0.012)", setup, number=N, repeat=3)) / N
    lookup = "c.labels('Op', 'query').inc()" if "c.labels" in setup else "cc.inc()"
    labels = min(timeit.repeat(lookup, setup, number=N, repeat=3)) / N
    return inc, observe, labels


_GATEWAY_REQUEST = """
from gateway.metrics import PLAN_HIT, record_fetch, record_request
response = {"data": {"product": {"name": "Rug"}}}
"""
# What one gateway request with one subgraph fetch adds: plan cache hit, fetch, operation.
_PER_REQUEST = ("PLAN_HIT.inc(); record_fetch('products', 0.001); "
                "record_request('ProductName', 'query', response, 0.002)")


def _gateway_request() -> float:
    return min(timeit.repeat(_PER_REQUEST, _GATEWAY_REQUEST, number=N, repeat=3)) / N


def main() -> None:
    if sys.argv[1:] == ["gateway"]:
        mode = "multiprocess" if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else "single"
        print(f"{'gateway request (1 fetch)':40s} {mode:12s} {_gateway_request() * 1e6:.2f} us")
        return
    if len(sys.argv) > 1:  # child: one case, in a fresh interpreter
        inc, observe, labels = _run(_CASES[sys.argv[1]])
        mode = "multiprocess" if os.environ.get("PROMETHEUS_MULTIPROC_DIR") else "single"
        print(f"{sys.argv[1]:40s} {mode:12s} inc {inc * 1e6:.2f} us  observe "
              f"{observe * 1e6:.2f} us  labels()+inc {labels * 1e6:.2f} us")
        return
    for case in _CASES:
        subprocess.run([sys.executable, __file__, case], check=True)
    subprocess.run([sys.executable, __file__, "gateway"], check=True)
    with tempfile.TemporaryDirectory() as directory:
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": directory}
        subprocess.run([sys.executable, __file__, "prometheus_client"], check=True, env=env)
        subprocess.run([sys.executable, __file__, "gateway"], check=True, env=env)


if __name__ == "__main__":
    main()
