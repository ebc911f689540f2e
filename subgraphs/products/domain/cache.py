"""Cache-aside reads of products by id over the kit ``Cache`` (Redis or in-process).

Each product has a generation key (``gen:<id>``) and one value key (``product:<layout>:<id>``)
whose entry starts with the generation it was filled under. A lookup reads both keys of every
product in one round trip (one MGET) and serves an entry only when its generation is the
current one. A write bumps the generation after its commit, so a reader that loaded the old row
before the commit can only fill an entry tagged with a generation that is no longer current: a
read after a write never sees the old row, even when the two race. Cache failures fall back to
the database; they never fail a read.

The entry holds the product's stock, so every committed stock change (the saga's reservations
and releases included) must invalidate it: ``Product.stock`` is "units available to sell now",
and the cart caps quantities by it.
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
_FIRST_GENERATION = b"0"
_LAYOUT = "v2"  # bump when the entry's format (tag, ProductRecord's JSON) changes
_TAG_END = b"\n"  # generations are "0" or hex: they never hold a newline


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
        """Products in input order, None for unknown ids; at most one database query and one
        cache round trip before it."""
        unique = list(dict.fromkeys(ids))
        generations, found = await self._cached(unique)  # generations read before the DB
        misses = [pid for pid in unique if pid not in found]
        if misses:
            loaded = await self._load(misses)
            await self._fill({pid: (generations[pid], rec) for pid, rec in loaded.items()
                              if pid in generations})
            found.update(loaded)
        return [found.get(pid) for pid in ids]

    async def invalidate(self, *ids: str) -> None:
        """Retire the cached generation of each product; call only after the commit."""
        try:
            await asyncio.gather(*(self._bump(pid) for pid in ids))
        except Exception:  # the write is committed; report loudly, the TTL bounds the damage
            log.exception("cache invalidation failed", extra={"fields": {"ids": list(ids)}})

    async def _cached(
        self, ids: list[str]
    ) -> tuple[dict[str, bytes], dict[str, ProductRecord]]:
        """Each product's current generation and its entry when filled under that one."""
        keys = [key for pid in ids for key in (f"gen:{pid}", _value_key(pid))]
        try:
            values = await self.cache.get_many(keys)
        except Exception:
            log.warning("cache unavailable; reading from the database", exc_info=True)
            return {}, {}
        generations: dict[str, bytes] = {}
        found: dict[str, ProductRecord] = {}
        for i, pid in enumerate(ids):
            generation = generations[pid] = values[2 * i] or _FIRST_GENERATION
            record = _current(values[2 * i + 1], generation)
            if record is not None:
                found[pid] = record
        return generations, found

    async def _load(self, ids: list[str]) -> dict[str, ProductRecord]:
        async with self._database.reads() as session:
            return await self._service.get_many(session, ids)

    async def _fill(self, entries: dict[str, tuple[bytes, ProductRecord]]) -> None:
        try:
            await asyncio.gather(*(self._set(pid, gen, rec) for pid, (gen, rec) in entries.items()))
        except Exception:
            log.warning("cache fill failed", exc_info=True)

    async def _set(self, product_id: str, generation: bytes, record: ProductRecord) -> None:
        entry = generation + _TAG_END + orjson.dumps(record.to_json())
        await self.cache.set(_value_key(product_id), entry, self._ttl)

    async def _bump(self, product_id: str) -> None:
        # The generation outlives every entry filled under the one before it.
        await self.cache.set(f"gen:{product_id}", uuid.uuid4().hex.encode(), 2 * self._ttl + 60)


def _value_key(product_id: str) -> str:
    return f"product:{_LAYOUT}:{product_id}"


def _current(raw: bytes | None, generation: bytes) -> ProductRecord | None:
    """The entry's record when it was filled under ``generation``; None for a miss, an entry
    of a retired generation, or a corrupt entry (each refilled from the database)."""
    if not raw:
        return None
    tag, _, body = raw.partition(_TAG_END)
    if tag != generation:
        return None
    try:
        return ProductRecord.from_json(orjson.loads(body))
    except (ValueError, TypeError, KeyError):
        log.warning("undecodable cache entry ignored")
        return None
