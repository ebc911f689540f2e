"""The catalog cache's two compare-and-set steps over one product's keys (``gen``, ``value``).

An entry is ``<generation>\\n<row version>\\n<record JSON>``: the generation it was stored
under (see ``domain/cache.py``) and the row's ``version``, which every stock change raises by
one under the row lock, so versions follow commit order. Under one generation an entry only
moves to a higher version: an older row never replaces a newer one, whatever order the writes
reach the cache in.

- FILL (a reader's miss): store the row read from the database, only if the generation is
  still the one read before the database was, and the entry holds no version as new.
- WRITE_THROUGH (after a stock change committed): replace a current entry of a lower version
  with the changed row. With no current entry there is nothing to update, but a reader may be
  filling a row it read before the commit: the generation is retired instead, as
  ``CatalogCache.invalidate`` does. Results: 0 retired, 1 already as new, 2 replaced.
"""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.kit.cache import AtomicStep, StepStore

__all__ = ["FILL", "FIRST_GENERATION", "WRITE_THROUGH", "entry", "parse_entry"]

FIRST_GENERATION = b"0"

# KEYS gen, value; ARGV tag (generation read before the load), version, record JSON, ttl
_FILL_LUA = """
local gen = redis.call('GET', KEYS[1]) or '0'
if gen ~= ARGV[1] then return 0 end
local held = redis.call('GET', KEYS[2])
if held then
  local tag, version = string.match(held, '^([^\\n]*)\\n(%d+)\\n')
  if tag == gen and tonumber(version) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[2], gen .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3], 'EX', ARGV[4])
return 1
"""

# KEYS gen, value; ARGV version, record JSON, ttl, new generation, generation ttl
_WRITE_THROUGH_LUA = """
local gen = redis.call('GET', KEYS[1]) or '0'
local held = redis.call('GET', KEYS[2])
if held then
  local tag, version = string.match(held, '^([^\\n]*)\\n(%d+)\\n')
  if tag == gen and version then
    if tonumber(version) >= tonumber(ARGV[1]) then return 1 end
    redis.call('SET', KEYS[2], gen .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[2], 'EX', ARGV[3])
    return 2
  end
end
redis.call('SET', KEYS[1], ARGV[4], 'EX', ARGV[5])
return 0
"""


def entry(generation: bytes, version: int, body: bytes) -> bytes:
    return b"%s\n%d\n%s" % (generation, version, body)


def parse_entry(raw: bytes) -> tuple[bytes, int, bytes] | None:
    """(generation, version, record JSON), or None when ``raw`` is not an entry."""
    parts = raw.split(b"\n", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1]), parts[2]


def _current_version(store: StepStore, keys: Sequence[str]) -> tuple[bytes, int | None]:
    """The generation, and the version of the entry when it is stored under that one."""
    generation = store.get(keys[0]) or FIRST_GENERATION
    held = store.get(keys[1])
    parsed = parse_entry(held) if held else None
    if parsed is None or parsed[0] != generation:
        return generation, None
    return generation, parsed[1]


def _fill(store: StepStore, keys: Sequence[str], args: Sequence[bytes | int]) -> int:
    tag, version, body, ttl = args
    generation, held = _current_version(store, keys)
    if generation != tag or (held is not None and held >= int(version)):
        return 0
    store.set(keys[1], entry(generation, int(version), bytes(body)), int(ttl))  # type: ignore[arg-type]
    return 1


def _write_through(store: StepStore, keys: Sequence[str], args: Sequence[bytes | int]) -> int:
    version, body, ttl, new_generation, generation_ttl = args
    generation, held = _current_version(store, keys)
    if held is None:
        store.set(keys[0], bytes(new_generation), int(generation_ttl))  # type: ignore[arg-type]
        return 0
    if held >= int(version):
        return 1
    store.set(keys[1], entry(generation, int(version), bytes(body)), int(ttl))  # type: ignore[arg-type]
    return 2


FILL = AtomicStep(_FILL_LUA, _fill)
WRITE_THROUGH = AtomicStep(_WRITE_THROUGH_LUA, _write_through)
