"""A subgraph's shutdown stops its verifier's token-version refresher: the background thread a
user's first request starts must not outlive the app (it used to run until the process died)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from subgraphs.kit.app import create_app
from subgraphs.kit.identity import dev_issuer
from subgraphs.kit.schema import federation_schema
from subgraphs.kit.settings import ServiceSettings
from subgraphs.kit.tokens import Principal, issue_token
from tests.kit.test_graphql_route import Query  # its viewer field reads the principal

ALICE = Principal(id="u1", email="alice@example.com", name="Alice", roles=("customer",))


def refresher_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "token-versions"}


@pytest.mark.timeout(30)
def test_shutdown_ends_the_token_version_refresher_thread(tmp_path: Path, redis_url: str) -> None:
    # given a subgraph reading token versions from Redis, as its settings wire it
    settings = ServiceSettings(service="kit-test", environment="test", data_dir=tmp_path,
                               database_url="sqlite+aiosqlite://", redis_url=redis_url,
                               token_version_cache_seconds=0.5, service_auth_required=False)
    app = create_app(settings=settings, schema=federation_schema(query=Query), services={})
    token = issue_token(ALICE, dev_issuer(settings))[0]
    before = refresher_threads()
    with TestClient(app) as client:
        # when a user's request starts the refresher, and the app then shuts down
        answer = client.post("/graphql", json={"query": "{ viewer }"},
                             headers={"authorization": f"Bearer {token}"})
        assert answer.json() == {"data": {"viewer": "u1"}}
        [thread] = refresher_threads() - before
    # then the refresher's thread has ended with it
    assert not thread.is_alive()
