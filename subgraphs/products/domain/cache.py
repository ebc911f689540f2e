"""Cache-aside reads of products by id over the kit ``Cache`` (Redis or in-process).

Each product has a generation key; values are stored under ``product:<id>:<generation>``.
A write bumps the generation after its commit, so a reader that loaded the old row before the
commit can only fill a generation nobody reads any more: a read after a write never sees the old
row, even when the two race. Cache failures fall back to the database; they never fail a read.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence

import orjson

from subgraphs.kit.cache import Cache
from subgraphs.kit.database import Database
from subgraphs.products.domain.records import ProductRecord
from subgraphs.products.domain.service import ProductService

__all__ = ["CatalogCache"]

log = logging.getLogger("products.cache")
_FIRST_GENERATION = "0"
_LAYOUT = "v1"  # bump when ProductRecord's JSON changes, so old entries are never decoded


class CatalogCache:
    """Reads products through the cache; ``invalidate`` after every committed write."""

    def __init__(
        self, cache: Cache, database: Database, service: ProductService, ttl_seconds: int
    ) -> None:
        self.cache = cache
        self._database = database
        self._service = service
        self._ttl = ttl_seconds

    async def get_many(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        """Products in input order, None for unknown ids; at most one database query."""
        unique = list(dict.fromkeys(ids))
        keys = await self._value_keys(unique)  # generations are read before the database
        found = await self._cached(keys)
        misses = [pid for pid in unique if pid not in found]
        if misses:
            loaded = await self._load(misses)
            await self._fill({keys[pid]: rec for pid, rec in loaded.items()} if keys else {})
            found.update(loaded)
        return [found.get(pid) for pid in ids]

    async def invalidate(self, *ids: str) -> None:
        """Retire the cached generation of each product; call only after the commit."""
        try:
            await asyncio.gather(*(self._bump(pid) for pid in ids))
        except Exception:  # the write is committed; report loudly, the TTL bounds the damage
            log.exception("cache invalidation failed", extra={"fields": {"ids": list(ids)}})

    async def _value_keys(self, ids: list[str]) -> dict[str, str]:
        try:
            generations = await self.cache.get_many([f"gen:{i}" for i in ids])
        except Exception:
            log.warning("cache unavailable; reading from the database", exc_info=True)
            return {}
        return {
            pid: f"product:{_LAYOUT}:{pid}:{(gen or _FIRST_GENERATION.encode()).decode()}"
            for pid, gen in zip(ids, generations, strict=True)
        }

    async def _cached(self, keys: dict[str, str]) -> dict[str, ProductRecord]:
        try:
            values = await self.cache.get_many(list(keys.values()))
        except Exception:
            log.warning("cache unavailable; reading from the database", exc_info=True)
            return {}
        found = {pid: _decode(raw) for pid, raw in zip(keys, values, strict=True) if raw}
        return {pid: record for pid, record in found.items() if record is not None}

    async def _load(self, ids: list[str]) -> dict[str, ProductRecord]:
        async with self._database.reads() as session:
            return await self._service.get_many(session, ids)

    async def _fill(self, entries: dict[str, ProductRecord]) -> None:
        try:
            await asyncio.gather(*(self._set(key, rec) for key, rec in entries.items()))
        except Exception:
            log.warning("cache fill failed", exc_info=True)

    async def _set(self, key: str, record: ProductRecord) -> None:
        await self.cache.set(key, orjson.dumps(record.to_json()), self._ttl)

    async def _bump(self, product_id: str) -> None:
        # The generation outlives every value written under the one before it.
        await self.cache.set(f"gen:{product_id}", uuid.uuid4().hex.encode(), 2 * self._ttl + 60)


def _decode(raw: bytes) -> ProductRecord | None:
    try:
        return ProductRecord.from_json(orjson.loads(raw))
    except (ValueError, TypeError, KeyError):  # a corrupt entry is a miss, refilled from the DB
        log.warning("undecodable cache entry ignored")
        return None
