"""Opaque bearer secrets (refresh, reset, verification tokens): random, stored only hashed."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["digest", "new_secret"]


def new_secret() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    # SHA-256 suffices: the secret has 256 bits of entropy, so no slow hash is needed to
    # resist guessing; a leaked table yields no usable token.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
