"""A real Prometheus scrapes the running platform: after a checkout through the gateway its HTTP
API answers with the gateway's operation counts, subgraph fetches, consumer lag and outbox
backlog (every process serves GET /metrics)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from streaming.broker import free_port
from tests.e2e.conftest import Client
from tests.e2e.platform import Platform
from tests.e2e.saga import new_customer, new_product, wait_for_status

pytestmark = pytest.mark.slow

PLACE_ORDER = "mutation PlaceOrder($m: String!) { checkout(paymentMethod: $m) { id status } }"


def _binary() -> str:
    found = shutil.which("prometheus") or ("/usr/bin/prometheus"
                                           if Path("/usr/bin/prometheus").exists() else None)
    if found is None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail("prometheus is missing (Debian package prometheus); CI must run this")
        pytest.skip("prometheus is not installed")
    return found


def _config(platform: Platform) -> dict[str, Any]:
    jobs = [{"job_name": name, "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}
            for name, port in platform.ports.items()]
    return {"global": {"scrape_interval": "1s", "scrape_timeout": "1s"},
            "scrape_configs": jobs}


@pytest.fixture
def prometheus(platform: Platform, tmp_path: Path) -> Iterator[str]:
    """A Prometheus of its own (temporary data, free port) scraping every platform process."""
    binary = _binary()
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(_config(platform)))
    port = free_port()
    log = (tmp_path / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [binary, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _eventually(lambda: httpx.get(f"{url}/-/ready", timeout=1).status_code == 200,
                    30, "Prometheus ready")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _eventually(check: Any, within: float, what: str) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            result = check()
        except httpx.HTTPError:
            result = None
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"not within {within} s: {what}")


def _query(url: str, promql: str) -> list[dict[str, Any]]:
    body = httpx.get(f"{url}/api/v1/query", params={"query": promql}, timeout=5).json()
    assert body["status"] == "success", body
    return body["data"]["result"]


def _series(url: str, promql: str, within: float = 30) -> list[dict[str, Any]]:
    """The result of ``promql`` once it is not empty (scrapes come every second)."""
    return _eventually(lambda: _query(url, promql), within, promql)


@pytest.mark.timeout(240)
def test_prometheus_reads_a_checkout_back_from_every_process(
    platform: Platform, prometheus: str, anonymous: Client, admin: Client
) -> None:
    # given every process scraped
    up = _series(prometheus, "up == 1")
    _eventually(lambda: len(_query(prometheus, "up == 1")) == len(platform.ports), 30,
                f"all of {sorted(platform.ports)} up, got {up}")
    # when a customer checks out through the gateway with a named operation
    customer = new_customer(anonymous)
    product = new_product(admin, stock=5)
    customer.data("mutation($p: ID!) { addToCart(productId: $p, quantity: 1) { id } }",
                  p=product)
    order = customer.data(PLACE_ORDER, m="pm_card_visa")["checkout"]
    wait_for_status(customer, order["id"], {"PAID", "PAYMENT_FAILED", "CANCELLED"})
    # then Prometheus has the operation, counted once, as a mutation
    placed = _series(prometheus, 'gateway_requests_total{operation="PlaceOrder"}')
    assert [(s["metric"]["kind"], s["value"][1]) for s in placed] == [("mutation", "1")]
    # and the subgraph fetches the checkout needed, per subgraph
    fetched = _series(prometheus, "sum by (subgraph) "
                                  "(gateway_subgraph_fetch_duration_seconds_count)")
    assert {"orders", "users", "products"} <= {s["metric"]["subgraph"] for s in fetched}
    # and consumer lag per group and partition, from the services that consume events
    lag = _series(prometheus, "kafka_consumer_lag")
    groups = {s["metric"]["group"] for s in lag}
    assert {"cart", "orders", "payments", "notifications"} <= groups, groups
    assert all({"topic", "partition"} <= s["metric"].keys() for s in lag)
    # and each outbox's backlog and the age of its oldest row
    backlog = _series(prometheus, "outbox_backlog")
    assert {"orders", "payments"} <= {s["metric"]["job"] for s in backlog}
    assert _series(prometheus, "outbox_oldest_age_seconds")
    # and the dead-letter topics and database pools the gauges read at each scrape
    assert {"orders", "payments"} <= {s["metric"]["group"]
                                      for s in _series(prometheus, "kafka_dlq_messages")}
    pools = _series(prometheus, "subgraph_db_pool_size")
    assert {"users", "orders", "payments"} <= {s["metric"]["service"] for s in pools}
