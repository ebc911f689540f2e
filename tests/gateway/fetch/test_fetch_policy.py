"""The guard follows the configuration it is built from."""

from __future__ import annotations

from gateway.config import GatewayConfig
from gateway.fetch_policy import build_guard


def test_the_configured_neutral_headers_decide_which_requests_are_public():
    # regression: an empty stale cache is falsy, and `stale or default` dropped the configured one
    config = GatewayConfig.model_validate({"stale_cache": {"neutral_headers": ["x-tenant"]}})

    guard = build_guard(config)

    assert guard.stale.usable({"x-tenant": "shop"})
    assert not guard.stale.usable({"x-request-id": "r1"})
