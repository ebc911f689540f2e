"""The kit's entry point: ``principal_from_header`` maps verified claims to a Principal and
every refusal to UNAUTHENTICATED (the verifier's own attacks: tests/common/auth)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from subgraphs.kit.errors import Unauthenticated
from subgraphs.kit.identity import dev_issuer, verifier_for
from subgraphs.kit.settings import ServiceSettings
from subgraphs.kit.tokens import Principal, issue_token, principal_from_header, verify_token

ALICE = Principal(id="u1", email="alice@example.com", name="Alice", roles=("customer",))


@pytest.fixture
def settings(tmp_path: Path) -> ServiceSettings:
    return ServiceSettings(service="kit-test", environment="test", data_dir=tmp_path,
                           database_url="sqlite+aiosqlite://")


def test_an_issued_token_round_trips_with_a_15_minute_expiry(settings) -> None:
    now = datetime.now(UTC)
    token, expires = issue_token(ALICE, dev_issuer(settings), now=now)
    assert verify_token(token, verifier_for(settings)) == ALICE
    assert expires - now == timedelta(minutes=15)


def test_an_expired_token_is_unauthenticated(settings) -> None:
    old = datetime.now(UTC) - timedelta(minutes=16)
    token, _ = issue_token(ALICE, dev_issuer(settings), now=old)
    with pytest.raises(Unauthenticated, match="expired"):
        verify_token(token, verifier_for(settings))


def test_a_token_from_another_dev_key_is_unauthenticated(settings, tmp_path) -> None:
    stranger = settings.model_copy(update={"data_dir": tmp_path / "elsewhere"})
    token, _ = issue_token(ALICE, dev_issuer(stranger))
    with pytest.raises(Unauthenticated, match="invalid"):
        verify_token(token, verifier_for(settings))


def test_the_header_is_optional_but_must_be_bearer(settings) -> None:
    verifier = verifier_for(settings)
    token, _ = issue_token(ALICE, dev_issuer(settings))
    assert principal_from_header(None, verifier) is None
    assert principal_from_header(f"Bearer {token}", verifier) == ALICE
    with pytest.raises(Unauthenticated):
        principal_from_header(f"Basic {token}", verifier)


def test_production_needs_a_jwks_url(settings) -> None:
    production = settings.model_copy(update={"environment": "production"})
    with pytest.raises(ValueError, match="JWKS_URL"):
        verifier_for(production)
    with pytest.raises(ValueError, match="dev signing key"):
        dev_issuer(production)
