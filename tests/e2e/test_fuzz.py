"""Fuzzing with schemathesis' GraphQL mode against the real platform (the e2e session's): the
gateway and every subgraph through its own endpoint. No input may answer 5xx, mask an unhandled
exception as INTERNAL_SERVER_ERROR, or take a process down.

Bounded for CI (``FUZZ_EXAMPLES`` per operation, default 3, seed ``FUZZ_SEED``); ``make fuzz``
runs many more. ``FUZZ_HEADERS`` (JSON) adds headers to every request, e.g. a service credential
the subgraphs require.
"""

from __future__ import annotations

import json
import os

import httpx
import pytest

from common.auth.service_keys import load_private_key, private_key_path
from common.auth.service_tokens import MAX_LIFETIME_SECONDS, ServiceTokenIssuer
from tests.e2e.conftest import Client
from tests.e2e.platform import Platform
from tests.e2e.saga import new_customer
from tests.fuzz.harness import FuzzReport, fuzz_endpoint

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
SEED = int(os.environ.get("FUZZ_SEED", "20261204"))
EXTRA_HEADERS: dict[str, str] = json.loads(os.environ.get("FUZZ_HEADERS", "{}"))
SUBGRAPHS = ["users", "products", "cart", "orders", "payments", "notifications"]


@pytest.fixture(scope="module")
def customer_token(platform: Platform) -> str:
    customer = new_customer(Client(platform.gateway_url))
    assert customer.token is not None
    return customer.token


def _targets() -> list[tuple[str, str, bool]]:
    """(name, process, signed in): the gateway as anyone and as a customer, each subgraph as
    the gateway would call it for a customer."""
    return [("gateway", "gateway", False), ("gateway-signed-in", "gateway", True),
            *[(name, name, True) for name in SUBGRAPHS]]


@pytest.mark.parametrize(("target", "process", "signed_in"), _targets(),
                         ids=[t[0] for t in _targets()])
def test_no_generated_operation_breaks_the_endpoint_or_its_process(
    platform: Platform, customer_token: str, target: str, process: str, signed_in: bool
) -> None:
    headers = dict(EXTRA_HEADERS)
    if signed_in:
        headers["authorization"] = f"Bearer {customer_token}"
    if process != "gateway":  # subgraphs serve only trusted callers: fuzz as the gateway does
        key = load_private_key(private_key_path(platform.logs / "keys", "gateway"))
        issuer = ServiceTokenIssuer("gateway", key, ttl_seconds=MAX_LIFETIME_SECONDS)
        headers.update(issuer.headers_for(process))
    url = platform.gateway_url if process == "gateway" else platform.url(process)
    report = fuzz_endpoint(target, url, headers=headers, examples=EXAMPLES, fixed_seed=SEED,
                           federation=process != "gateway")
    _print(report)
    assert report.total > 0
    assert report.findings == []
    for name, child in platform.children.items():
        assert child.poll() is None, f"{name} exited"
    health = httpx.get(url.replace("/graphql", "/health"), timeout=10)
    assert health.status_code == 200


def _print(report: FuzzReport) -> None:
    print(f"\nfuzz {report.target}: {report.total} requests over {len(report.requests)} "
          f"operations, {len(report.findings)} findings")
    for finding in report.findings[:20]:
        print(f"  {finding.operation} HTTP {finding.status}: {json.dumps(finding.body)[:300]}"
              f"\n    -> {finding.answer[:300]}")
