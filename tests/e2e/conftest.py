"""One running platform per e2e session, and a tiny GraphQL client for the tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.otlp import OtlpReceiver
from tests.e2e.platform import Platform

ADMIN = ("admin@shop.local", "ShopAdmin-dev-2026")


@pytest.fixture(scope="session")
def traces() -> Iterator[OtlpReceiver]:
    """Every span the platform's processes export (OTLP/HTTP, decoded in the test)."""
    receiver = OtlpReceiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory, traces: OtlpReceiver) -> Iterator[Platform]:
    # Every trace kept and exported within 0.2 s, so a test can wait for a checkout's spans.
    tracing = {"OTEL_EXPORTER_OTLP_ENDPOINT": traces.endpoint, "OTEL_TRACES_EXPORTER": "otlp",
               "OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1",
               "OTEL_BSP_SCHEDULE_DELAY": "200"}
    running = Platform(logs=tmp_path_factory.mktemp("e2e-logs"), extra_env=tracing)
    try:  # a start that fails half-way still stops what it started
        yield running.start()
    finally:
        running.stop()


class Client:
    """Posts operations to the gateway, optionally as a signed-in user."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url, self.token = url, token

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        response = httpx.post(
            self.url, json={"query": query, "variables": variables}, headers=headers, timeout=30
        )
        return response.json()

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self(query, **variables)
        assert not body.get("errors"), body
        return body["data"]

    def login(self, email: str, password: str) -> Client:
        token = self.data(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            e=email, p=password,
        )["login"]["token"]
        return Client(self.url, token)


@pytest.fixture(scope="session")
def anonymous(platform: Platform) -> Client:
    return Client(platform.gateway_url)


@pytest.fixture(scope="session")
def admin(anonymous: Client) -> Client:
    return anonymous.login(*ADMIN)
