"""users' signing keys from settings: the first signs, all are published; production refuses
a missing key and the dev key."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from common.auth.issuer import AccessClaims
from common.auth.keys import ensure_key_file
from subgraphs.kit.identity import DEV_KEY_NAME
from subgraphs.users.keyring import Keyring
from tests.subgraphs.users.harness import users_settings


def pem_text() -> str:
    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()


def test_the_first_key_signs_and_every_key_is_published(tmp_path: Path) -> None:
    # given two keys, the second given as PEM text (an environment variable)
    first = ensure_key_file(tmp_path / "first.pem")
    settings = users_settings("sqlite+aiosqlite://", jwt_signing_keys=f"{first},{pem_text()}")
    keyring = Keyring(settings)
    # then both kids are in the JWKS and tokens carry the first one's kid
    kids = [key["kid"] for key in keyring.jwks["keys"]]  # type: ignore[index]
    assert len(set(kids)) == 2
    assert keyring.issuer.signer.kid == kids[0]
    token, _ = keyring.issuer.issue(AccessClaims("u", "u@example.com", "U", ("customer",)))
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": kids[0], "typ": "JWT"}


@pytest.mark.parametrize("keys", ["", f"/tmp/x/{DEV_KEY_NAME}"], ids=["none", "dev-key"])
def test_production_refuses_a_missing_or_dev_signing_key(keys: str) -> None:
    settings = users_settings("sqlite+aiosqlite://", environment="production",
                              jwt_signing_keys=keys, jwt_secret="p" * 40,
                              admin_password="Prod-admin-2026-x", service_auth_required=True)
    with pytest.raises(ValueError, match=r"USERS_JWT_SIGNING_KEYS|dev signing key"):
        Keyring(settings)
