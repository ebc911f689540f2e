"""``make dev`` runs without Redis, so every subgraph reads token versions from users, whose
routes serve trusted services only: users must accept each subgraph's service token there."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.auth.service_tokens import SERVICE_TOKEN_HEADER, ServiceAuthError
from infra.dev.keys import users_trust_env
from infra.dev.services import DOMAINS
from subgraphs.kit.identity import verifier_for
from subgraphs.kit.service_auth import trusted_callers
from subgraphs.kit.settings import ServiceSettings, load_settings
from subgraphs.users.config import UsersSettings
from tests.service_trust import generated_keys

PEERS = [name for name in DOMAINS if name != "users"]


def version_lookup_token(name: str, keys: Path, tmp_path: Path) -> str:
    """The service token subgraph ``name`` sends users with its token-version lookups."""
    settings = load_settings(ServiceSettings, name, environment="test", data_dir=tmp_path,
                             jwks_url="http://127.0.0.1:5001/.well-known/jwks.json",
                             service_auth_required=True, service_keys_dir=keys)
    versions = verifier_for(settings).versions
    try:
        return versions.store.credential()[SERVICE_TOKEN_HEADER]  # type: ignore[union-attr]
    finally:
        versions.close()  # type: ignore[union-attr]


def users_callers(keys: Path, tmp_path: Path, **overrides: object):  # type: ignore[no-untyped-def]
    settings = load_settings(UsersSettings, "users", environment="test", data_dir=tmp_path,
                             service_auth_required=True, service_keys_dir=keys, **overrides)
    return trusted_callers(settings)


@pytest.mark.parametrize("peer", PEERS)
def test_make_devs_users_accepts_every_subgraphs_token_version_lookup(
        peer: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given every process's key, and the environment make dev gives users
    keys = generated_keys(tmp_path / "keys", [*DOMAINS, "gateway"])
    for name, value in users_trust_env(list(DOMAINS)).items():
        monkeypatch.setenv(name, value)
    callers = users_callers(keys, tmp_path)
    # when the subgraph's lookup token reaches users, then users accepts it
    assert callers is not None
    assert callers.verify(version_lookup_token(peer, keys, tmp_path)).name == peer


def test_make_dev_keeps_users_usual_callers_and_their_scopes(tmp_path: Path) -> None:
    keys = generated_keys(tmp_path / "keys", [*DOMAINS, "gateway"])
    trust = users_callers(keys, tmp_path, trusted_callers=users_trust_env(list(DOMAINS))[
        "USERS_TRUSTED_CALLERS"])
    assert trust is not None
    assert {n: sorted(c.scopes) for n, c in trust.callers.items()} == {
        "gateway": [], "notifications": ["users:contact"], "products": [], "cart": [],
        "orders": [], "payments": []}


def test_outside_make_dev_users_refuses_a_subgraph_it_does_not_trust(tmp_path: Path) -> None:
    # users' default trust (compose, Kubernetes: Redis there, no lookups over HTTP)
    keys = generated_keys(tmp_path / "keys", [*DOMAINS, "gateway"])
    callers = users_callers(keys, tmp_path)
    assert callers is not None
    with pytest.raises(ServiceAuthError, match="not a trusted caller"):
        callers.verify(version_lookup_token("products", keys, tmp_path))
