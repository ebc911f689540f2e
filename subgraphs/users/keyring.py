"""The users service's signing keys from settings: the active signer and the published set."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from common.auth.issuer import TokenIssuer
from common.auth.keys import SigningKey, jwks_document, load_signing_key
from subgraphs.kit.identity import DEV_KEY_NAME, dev_key_path
from subgraphs.users.config import UsersSettings

__all__ = ["Keyring"]


class Keyring:
    """``keys[0]`` signs; every key is in ``jwks`` so tokens of the previous signer verify
    until they expire (rotation: publish the new key, then move it first)."""

    def __init__(self, settings: UsersSettings) -> None:
        sources = [s.strip() for s in settings.jwt_signing_keys.split(",") if s.strip()]
        if settings.environment == "production":
            if not sources:
                raise ValueError("USERS_JWT_SIGNING_KEYS must be set outside dev and test")
            if any(s.endswith(DEV_KEY_NAME) for s in sources):
                raise ValueError("the dev signing key is refused outside dev and test")
        self.keys: list[SigningKey] = [
            load_signing_key(s if s.startswith("-----BEGIN") else Path(s))
            for s in sources or [str(dev_key_path(settings))]
        ]
        compat = settings.jwt_secret if settings.jwt_compat_hs256 else ""
        self.issuer = TokenIssuer(self.keys[0], settings.jwt_issuer, settings.jwt_audience,
                                  timedelta(seconds=settings.access_token_ttl_seconds), compat)

    @property
    def jwks(self) -> dict[str, object]:
        return jwks_document(self.keys)
