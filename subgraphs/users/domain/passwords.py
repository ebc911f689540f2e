"""bcrypt password hashing off the event loop, with a dummy hash for constant-time misses."""

from __future__ import annotations

import asyncio
import secrets

import bcrypt

__all__ = ["PasswordHasher"]

_MAX_BYTES = 72  # bcrypt reads at most 72 bytes; bcrypt>=5 raises on longer input


class PasswordHasher:
    """Hash and verify with a configurable cost; each call runs bcrypt in a worker thread."""

    def __init__(self, rounds: int = 10) -> None:
        self.rounds = rounds
        self._dummy: bytes | None = None

    async def hash(self, password: str) -> str:
        salt = bcrypt.gensalt(self.rounds)
        digest = await asyncio.to_thread(bcrypt.hashpw, password.encode("utf-8"), salt)
        return digest.decode("ascii")

    async def verify(self, password: str, hashed: str | None) -> bool:
        """True when ``password`` matches ``hashed``; with ``hashed=None`` spend the same time
        on a dummy hash and return False, so an unknown email is not revealed by timing."""
        target = hashed.encode("ascii") if hashed is not None else await self._dummy_hash()
        candidate = password.encode("utf-8")
        if len(candidate) > _MAX_BYTES:  # no stored password is this long (see rules.py)
            candidate, hashed = candidate[:_MAX_BYTES], None
        try:
            matched = await asyncio.to_thread(bcrypt.checkpw, candidate, target)
        except ValueError:  # a corrupt stored hash never authenticates
            return False
        return matched and hashed is not None

    async def warm_up(self) -> None:
        """Compute the dummy hash now (at startup) rather than on the first failed login."""
        await self._dummy_hash()

    async def _dummy_hash(self) -> bytes:
        if self._dummy is None:
            self._dummy = (await self.hash(secrets.token_urlsafe(16))).encode("ascii")
        return self._dummy
