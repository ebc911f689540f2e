"""The built storefront served beside a real platform whose gateway allows only its operations.

The build is made once per session (and reused across sessions while its inputs are unchanged,
see infra/dev/storefront.py); without npm or Chromium the tests skip, or fail with CI=true.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infra.dev import storefront
from infra.dev.services import ROOT
from streaming.broker import free_port
from tests.e2e.platform import Platform
from tests.gateway.edge.browser import CHROMIUM

# Short-lived access tokens (users' minimum), so the tests see the app refresh them.
ACCESS_TOKEN_TTL = 60
CORS_HEADERS = ["content-type", "authorization", "x-cart-id", "apollo-require-preflight",
                "x-apollo-operation-name", "x-request-id"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"{reason} (CI=true: the storefront browser tests must run)")
    pytest.skip(reason)


@dataclass
class Shop:
    """The storefront's URL, the platform behind it and where screenshots go."""

    url: str
    platform: Platform
    artefacts: Path


class SafelistPlatform(Platform):
    """The e2e platform with the gateway in safelist mode, CORS for the storefront's origin and
    access tokens that expire within a test."""

    origin: str = ""

    def _env(self) -> dict[str, str]:
        return {**super()._env(),
                "GATEWAY_TRUSTED_DOCUMENTS__MODE": "safelist",
                "GATEWAY_TRUSTED_DOCUMENTS__MANIFEST": str(
                    ROOT / "schema" / "persisted-query-manifest.json"),
                "GATEWAY_CORS__ALLOW_ORIGINS": json.dumps([self.origin]),
                "GATEWAY_CORS__ALLOW_HEADERS": json.dumps(CORS_HEADERS),
                "USERS_ACCESS_TOKEN_TTL_SECONDS": str(ACCESS_TOKEN_TTL)}

    def _wait_healthy(self, name: str, timeout: float = 120.0) -> None:
        super()._wait_healthy(name, timeout)  # a shared CI machine can be slow to import


@pytest.fixture(scope="session")
def built_storefront() -> Path:
    if CHROMIUM is None:
        _unavailable("chromium not installed")
    try:
        return storefront.build()
    except storefront.NpmMissing as missing:
        _unavailable(str(missing))
        raise


@pytest.fixture(scope="session")
def shop(built_storefront: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    port = free_port()
    running = SafelistPlatform(logs=tmp_path_factory.mktemp("storefront-logs"))
    running.origin = f"http://127.0.0.1:{port}"
    running.start()
    server = storefront.start_server(port, running.gateway_url)
    artefacts = tmp_path_factory.mktemp("storefront-screenshots")
    print(f"\nstorefront screenshots: {artefacts}")
    try:
        yield Shop(running.origin, running, artefacts)
    finally:
        server.shutdown()
        running.stop()
