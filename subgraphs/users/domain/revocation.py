"""Publishing a user's minimum token version once a bump has committed (common.auth.versions):
in-process for users' own verifier, and in Redis for every other verifier when configured."""

from __future__ import annotations

import logging

from common.auth.versions import VERSION_NAMESPACE, LocalVersions

__all__ = ["VersionBump", "VersionPublisher"]

log = logging.getLogger(__name__)
VersionBump = tuple[str, int]  # (user id, new minimum version)


class VersionPublisher:
    """``ttl_seconds``: one access-token lifetime (plus leeway); older tokens are dead by then."""

    def __init__(self, local: LocalVersions, redis_url: str = "", ttl_seconds: int = 960,
                 namespace: str = VERSION_NAMESPACE) -> None:
        self.local = local
        self.ttl_seconds = ttl_seconds
        self.namespace = namespace
        self._redis = None
        if redis_url:
            from redis.asyncio import Redis

            self._redis = Redis.from_url(redis_url)

    async def publish(self, bump: VersionBump | None) -> None:
        if bump is None:
            return
        user_id, version = bump
        self.local.raise_to(user_id, version)
        if self._redis is None:
            return
        try:
            await self._redis.set(f"{self.namespace}:{user_id}", version, ex=self.ttl_seconds)
        except Exception:  # the change committed; only its propagation failed: say so loudly
            log.exception("token version %s of user %s not published: other verifiers accept "
                          "older tokens until they expire", version, user_id)
