"""The APQ store in Redis, so every gateway replica knows a document registered at one."""

from __future__ import annotations

from typing import Any

__all__ = ["RedisQueryStore"]

_PREFIX = "gateway:apq:"


class RedisQueryStore:
    """Documents under ``gateway:apq:<sha256>``, each kept ``ttl_seconds`` after last use."""

    def __init__(self, redis: Any, ttl_seconds: int = 86_400) -> None:
        self.redis = redis  # a redis.asyncio.Redis with decode_responses=True
        self.ttl = ttl_seconds

    async def get(self, digest: str) -> str | None:
        key = _PREFIX + digest
        query = await self.redis.get(key)
        if query is not None:
            await self.redis.expire(key, self.ttl)
        return query

    async def put(self, digest: str, query: str) -> None:
        await self.redis.set(_PREFIX + digest, query, ex=self.ttl)
