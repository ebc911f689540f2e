"""A request's token is verified off the event loop when that needs I/O: resolvers read
``principal`` synchronously on the loop, and a user's first request reads their minimum token
version from the store, which must not stall every other request meanwhile."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from common.auth.jwks import StaticKeys
from common.auth.keys import jwks_document, load_signing_key
from common.auth.refreshed_versions import RefreshedVersions
from common.auth.verifier import AccessTokenVerifier
from subgraphs.kit.app import create_app
from subgraphs.kit.context import RequestContext
from subgraphs.kit.errors import Unauthenticated
from subgraphs.kit.identity import dev_issuer, dev_key_path, token_policy
from subgraphs.kit.schema import federation_schema
from subgraphs.kit.settings import ServiceSettings
from subgraphs.kit.tokens import Principal, issue_token
from tests.kit.test_graphql_route import Query  # its viewer field reads the principal

ALICE = Principal(id="u1", email="alice@example.com", name="Alice", roles=("customer",))


class SlowStore:
    """Every read blocks its thread for ``seconds``, as a store on a slow network would."""

    def __init__(self, seconds: float, **minimums: int) -> None:
        self.seconds, self.minimums_by_user, self.reads = seconds, dict(minimums), 0

    def minimum(self, subject: str) -> int:
        self.reads += 1
        time.sleep(self.seconds)
        return self.minimums_by_user.get(subject, 0)

    def minimums(self, subjects: Sequence[str]) -> dict[str, int]:
        return {s: self.minimum(s) for s in subjects}


@pytest.fixture
def settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(service="kit-test", environment="test", data_dir=tmp_path,
                           database_url="sqlite+aiosqlite://", service_auth_required=False)


def context_for(verifier: AccessTokenVerifier, token: str) -> RequestContext:
    context = RequestContext(verifier, {})
    context.request = SimpleNamespace(headers={"authorization": f"Bearer {token}"})  # type: ignore[assignment]
    return context


async def longest_pause_while(work: asyncio.Future[None] | asyncio.Task[None]) -> float:
    """The longest the event loop went without running another task while ``work`` ran."""
    longest, last = 0.0, time.perf_counter()
    while not work.done():
        await asyncio.sleep(0.005)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    await work
    return longest


@pytest.mark.timeout(30)
async def test_a_users_first_request_reads_their_minimum_without_blocking_the_loop(
        settings) -> None:
    # given a store whose reads take 0.3 s, and alice's first request
    store = SlowStore(0.3)
    versions = RefreshedVersions(store, 5.0, background=False)
    verifier = AccessTokenVerifier(token_policy(settings), _keys(settings), versions=versions)
    token = issue_token(ALICE, dev_issuer(settings))[0]
    context = context_for(verifier, token)
    # when the request's context is prepared
    pause = await longest_pause_while(asyncio.ensure_future(context.prepare()))
    # then the loop kept serving, the store was read once, and the principal is ready
    assert pause < 0.15
    assert store.reads == 1
    assert context.principal == ALICE
    # and her next request needs no read and no thread at all
    started = time.perf_counter()
    await context_for(verifier, token).prepare()
    assert time.perf_counter() - started < 0.05 and store.reads == 1


@pytest.mark.timeout(30)
async def test_a_revoked_token_found_while_preparing_is_refused_when_the_principal_is_read(
        settings) -> None:
    store = SlowStore(0.0, u1=1)  # alice's minimum is above her token's version 0
    versions = RefreshedVersions(store, 5.0, background=False)
    verifier = AccessTokenVerifier(token_policy(settings), _keys(settings), versions=versions)
    context = context_for(verifier, issue_token(ALICE, dev_issuer(settings))[0])
    await context.prepare()
    with pytest.raises(Unauthenticated, match="revoked"):
        _ = context.principal


def _keys(settings: ServiceSettings) -> StaticKeys:
    return StaticKeys(jwks_document([load_signing_key(dev_key_path(settings))]))


class LoopWatchingStore(SlowStore):
    """Records, for each read, whether it ran on a thread running an event loop."""

    def __init__(self) -> None:
        super().__init__(0.0)
        self.on_loop: list[bool] = []

    def minimum(self, subject: str) -> int:
        try:
            asyncio.get_running_loop()
            self.on_loop.append(True)
        except RuntimeError:
            self.on_loop.append(False)
        return super().minimum(subject)


@pytest.mark.timeout(30)
def test_the_graphql_route_reads_a_new_users_minimum_off_the_event_loop(settings) -> None:
    store = LoopWatchingStore()
    verifier = AccessTokenVerifier(token_policy(settings), _keys(settings),
                                   versions=RefreshedVersions(store, 5.0, background=False))
    app = create_app(settings=settings, schema=federation_schema(query=Query), services={},
                     verifier=verifier)
    token = issue_token(ALICE, dev_issuer(settings))[0]
    with TestClient(app) as client:
        answer = client.post("/graphql", json={"query": "{ viewer }"},
                             headers={"authorization": f"Bearer {token}"})
    assert answer.json() == {"data": {"viewer": "u1"}}
    assert store.on_loop == [False]
