"""The one cache type: least recently used go first, bounded by entries and weight, with expiry."""

from __future__ import annotations

from common.lru import LRU


def test_evicts_the_least_recently_used_entry_beyond_its_size():
    cache: LRU[str, int] = LRU(2)
    for key in "abbac":
        cache.get_or_make(key, lambda: 1)
    assert (len(cache), cache.hits, cache.misses) == (2, 2, 3)
    assert cache.get_or_make("a", lambda: 2) == 1  # a was used last: kept
    assert cache.get_or_make("b", lambda: 2) == 2  # b was the least recently used: evicted


def test_evicts_by_weight_so_huge_values_cannot_pin_memory():
    cache: LRU[int, str] = LRU(100, max_weight=1000)
    for i in range(10):
        cache.put(i, "x", weight=400)
    assert cache.weight <= 1000 and len(cache) == 2
    cache.pop(9)
    assert cache.weight == 400


def test_get_refreshes_unless_told_not_to():
    refreshed: LRU[str, int] = LRU(2)
    stored: LRU[str, int] = LRU(2)
    for cache, refresh in ((refreshed, True), (stored, False)):
        cache.put("a", 1)
        cache.put("b", 2)
        cache.get("a", refresh=refresh)
        cache.put("c", 3)
    assert "a" in refreshed and "b" not in refreshed
    assert "a" not in stored and "b" in stored


def test_an_expired_entry_is_gone_and_frees_its_weight():
    now = [100.0]
    cache: LRU[str, str] = LRU(10, clock=lambda: now[0])
    cache.put("token", "claims", weight=5, expires=150.0)
    assert cache.get("token") == "claims"
    now[0] = 150.0
    assert cache.get("token") is None
    assert (len(cache), cache.weight) == (0, 0)


def test_putting_a_key_again_replaces_its_weight():
    cache: LRU[str, str] = LRU(10, max_weight=100)
    cache.put("k", "v", weight=60)
    cache.put("k", "w", weight=70)
    assert (cache.get("k"), cache.weight, len(cache)) == ("w", 70, 1)
