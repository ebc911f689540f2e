"""The stale-answer cache: public requests only, bounded by entries and bytes, windowed by age."""

from __future__ import annotations

from gateway.fetch.stale import StaleCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_only_requests_carrying_neutral_headers_alone_are_public():
    cache = StaleCache(["x-request-id", "traceparent"])
    assert cache.usable({}) and cache.usable({"X-Request-Id": "1", "traceparent": "00-..."})
    assert not cache.usable({"x-request-id": "1", "authorization": "Bearer t"})
    assert not cache.usable({"x-cart-id": "c1"})


def test_an_answer_is_served_within_its_window_with_its_age_and_not_after():
    clock = Clock()
    cache = StaleCache([], clock=clock)
    cache.put("products", b"{q}", b'{"data":1}')
    clock.now = 30.0
    assert cache.get("products", b"{q}", max_age=60) == (b'{"data":1}', 30.0)
    assert cache.get("products", b"{q}", max_age=29) is None
    assert cache.get("users", b"{q}", max_age=60) is None  # keyed by subgraph too


def test_the_least_recently_stored_answers_go_first_when_entries_or_bytes_overflow():
    cache = StaleCache([], max_entries=2, max_bytes=400)
    for key in (b"a", b"b", b"c"):
        cache.put("products", key, b"x" * 10)
    assert len(cache) == 2 and cache.get("products", b"a", 60) is None
    cache.put("products", b"big", b"y" * 99)  # 102 bytes: above a quarter of 400, never kept
    assert cache.get("products", b"big", 60) is None and len(cache) == 2


def test_bytes_overflowing_evict_the_oldest_answers():
    cache = StaleCache([], max_entries=10, max_bytes=400)
    for key in (b"a", b"b", b"c", b"d", b"e"):
        cache.put("products", key, b"z" * 90)  # 91 bytes each: four fit in 400
    assert len(cache) == 4 and cache.get("products", b"a", 60) is None
    assert cache.get("products", b"e", 60) is not None
