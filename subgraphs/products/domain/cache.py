"""Cache-aside reads of products by id over the kit ``Cache`` (Redis or in-process).

Each product has a generation key (``gen:<id>``) and one value key (``product:<layout>:<id>``)
whose entry starts with the generation it was filled under. A lookup reads both keys of every
product in one round trip (one MGET) and serves an entry only when its generation is the
current one. A write bumps the generation after its commit, so a reader that loaded the old row
before the commit can only fill an entry tagged with a generation that is no longer current: a
read after a write never sees the old row, even when the two race. Cache failures fall back to
the database; they never fail a read.

The entry holds the product's stock, so every committed stock change (the saga's reservations
and releases included) must reach it: ``Product.stock`` is "units available to sell now", and
the cart caps quantities by it. The saga writes the changed row through (``write_through``)
instead of retiring the generation: the next reader is served from the cache rather than the
database. Entries carry the row version, and fills and write-throughs are compare-and-set steps
(``domain/cache_steps.py``), so an older row never replaces a newer one.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence

import orjson

from subgraphs.kit.cache import Cache
from subgraphs.kit.database import Database
from subgraphs.products.domain.cache_steps import (
    FILL,
    FIRST_GENERATION,
    WRITE_THROUGH,
    parse_entry,
)
from subgraphs.products.domain.records import ProductRecord
from subgraphs.products.domain.service import ProductService

__all__ = ["CatalogCache"]

log = logging.getLogger("products.cache")
_LAYOUT = "v3"  # bump when the entry's format (tag, version, ProductRecord's JSON) changes


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

    async def write_through(self, records: Sequence[ProductRecord]) -> None:
        """Put rows whose stock change has committed in place of older cached copies (or retire
        the generation where none is cached), in one round trip; call only after the commit."""
        runs = [(_keys(record.id), [record.version, _body(record), self._ttl,
                                    uuid.uuid4().hex.encode(), self._generation_ttl])
                for record in records]
        try:
            await self.cache.run(WRITE_THROUGH, runs)
        except Exception:  # as for invalidate: committed, reported, bounded by the TTL
            log.exception("cache write-through failed",
                          extra={"fields": {"ids": [record.id for record in records]}})

    async def _cached(
        self, ids: list[str]
    ) -> tuple[dict[str, bytes], dict[str, ProductRecord]]:
        """Each product's current generation and its entry when filled under that one."""
        keys = [key for pid in ids for key in _keys(pid)]
        try:
            values = await self.cache.get_many(keys)
        except Exception:
            log.warning("cache unavailable; reading from the database", exc_info=True)
            return {}, {}
        generations: dict[str, bytes] = {}
        found: dict[str, ProductRecord] = {}
        for i, pid in enumerate(ids):
            generation = generations[pid] = values[2 * i] or FIRST_GENERATION
            record = _current(values[2 * i + 1], generation)
            if record is not None:
                found[pid] = record
        return generations, found

    async def _load(self, ids: list[str]) -> dict[str, ProductRecord]:
        async with self._database.reads() as session:
            return await self._service.get_many(session, ids)

    async def _fill(self, entries: dict[str, tuple[bytes, ProductRecord]]) -> None:
        """Every missed product in one round trip, each only over an older copy (FILL)."""
        runs = [(_keys(pid), [generation, record.version, _body(record), self._ttl])
                for pid, (generation, record) in entries.items()]
        try:
            await self.cache.run(FILL, runs)
        except Exception:
            log.warning("cache fill failed", exc_info=True)

    async def _bump(self, product_id: str) -> None:
        await self.cache.set(f"gen:{product_id}", uuid.uuid4().hex.encode(),
                             self._generation_ttl)

    @property
    def _generation_ttl(self) -> int:
        # The generation outlives every entry stored under the one before it.
        return 2 * self._ttl + 60


def _keys(product_id: str) -> tuple[str, str]:
    """The product's generation key and value key."""
    return f"gen:{product_id}", f"product:{_LAYOUT}:{product_id}"


def _body(record: ProductRecord) -> bytes:
    return orjson.dumps(record.to_json())


def _current(raw: bytes | None, generation: bytes) -> ProductRecord | None:
    """The entry's record when it was filled under ``generation``; None for a miss, an entry
    of a retired generation, or a corrupt entry (each refilled from the database)."""
    parsed = parse_entry(raw) if raw else None
    if parsed is None or parsed[0] != generation:
        return None
    try:
        return ProductRecord.from_json(orjson.loads(parsed[2]))
    except (ValueError, TypeError, KeyError):
        log.warning("undecodable cache entry ignored")
        return None
