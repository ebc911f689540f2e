"""Token versions answered from memory and refreshed in batches: a bump refuses older tokens
within the TTL, a user never seen is read before the first answer, a store outage keeps the last
value, and a lookup of a user in use never waits for the store."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from prometheus_client import REGISTRY

from common.auth.refreshed_versions import RefreshedVersions
from common.auth.versions import BatchUnavailable, VersionLookupRefused

TTL = 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Store:
    """Minimums in a dict; counts reads; ``read_seconds`` of the fake clock pass in each read."""

    def __init__(self, clock: Clock | None = None, **minimums: int) -> None:
        self.minimums_by_user, self.clock = dict(minimums), clock
        self.single: list[str] = []
        self.batches: list[list[str]] = []
        self.read_seconds = 0.0
        self.down = False
        self.no_batch = False

    def minimum(self, subject: str) -> int:
        self.single.append(subject)
        return self._read([subject])[subject]

    def minimums(self, subjects: Sequence[str]) -> dict[str, int]:
        self.batches.append(list(subjects))
        if self.no_batch:
            raise BatchUnavailable("not trusted with the batch route")
        return self._read(subjects)

    def _read(self, subjects: Sequence[str]) -> dict[str, int]:
        if self.down:
            raise ConnectionError("store unreachable")
        answer = {s: self.minimums_by_user.get(s, 0) for s in subjects}
        if self.clock is not None:
            self.clock.now += self.read_seconds  # the answer is as of the read's start
        return answer


def cache(store: Store, clock: Clock, **options: object) -> RefreshedVersions:
    return RefreshedVersions(store, TTL, clock=clock, background=False,  # type: ignore[arg-type]
                             **options)


@pytest.mark.timeout(10)
def test_a_bump_is_seen_once_the_value_read_before_it_is_a_ttl_old() -> None:
    # given ada's minimum read as 0 at t0, then bumped to 1 right after
    clock = Clock()
    store = Store(clock, ada=0)
    versions = cache(store, clock)
    assert versions.minimum("ada") == 0
    store.minimums_by_user["ada"] = 1
    # then until a TTL after that read the old minimum may answer, from memory
    clock.now += TTL - 0.01
    assert versions.minimum("ada") == 0 and store.single == ["ada"]
    # and from a TTL on, never: the bump is read before answering
    clock.now += 0.01
    assert versions.known("ada") is None
    assert versions.minimum("ada") == 1


@pytest.mark.timeout(10)
def test_a_slow_read_counts_its_age_from_when_it_started() -> None:
    # given a read that takes 3 s: its answer is as of its start
    clock = Clock()
    store = Store(clock, ada=0)
    store.read_seconds = 3.0
    versions = cache(store, clock)
    versions.minimum("ada")
    # then it is stale a TTL after the read began, not after it ended
    clock.now += TTL - 3.0
    assert versions.known("ada") is None


@pytest.mark.timeout(10)
def test_the_refresher_rereads_every_user_in_use_in_one_batch() -> None:
    # given three users read one by one (their first requests)
    clock = Clock()
    store = Store(clock, ada=1, bob=2, cy=3)
    versions = cache(store, clock)
    for user in ("ada", "bob", "cy"):
        versions.minimum(user)
    store.minimums_by_user["bob"] = 5
    # when the refresher runs half a TTL later
    clock.now += TTL / 2
    versions.refresh()
    # then one batch read them all, and lookups up to a TTL after it need no read at all
    assert store.batches == [["ada", "bob", "cy"]]
    clock.now += TTL - 0.01
    assert [versions.known(u) for u in ("ada", "bob", "cy")] == [1, 5, 3]
    assert store.single == ["ada", "bob", "cy"]


@pytest.mark.timeout(10)
def test_without_a_batch_users_are_read_when_looked_up_not_all_in_the_background() -> None:
    # given a store that cannot batch for this caller, and three users read once
    clock = Clock()
    store = Store(clock, ada=1, bob=2, cy=3)
    store.no_batch = True
    versions = cache(store, clock)
    for user in ("ada", "bob", "cy"):
        versions.minimum(user)
    # when refreshes come and go, and only ada is looked up after a TTL
    for _ in range(4):
        clock.now += TTL / 2
        versions.refresh()
    store.minimums_by_user["ada"] = 4
    # then the batch was tried once, nobody was read in the background, ada is read on demand
    assert versions.minimum("ada") == 4
    assert store.batches == [["ada", "bob", "cy"]]
    assert store.single == ["ada", "bob", "cy", "ada"]


@pytest.mark.timeout(10)
def test_a_caller_refused_the_batch_tries_it_again_after_a_pause_and_batches_once_trusted() -> None:
    # given a store that refused the batch (users did not trust this caller yet)
    clock = Clock()
    store = Store(clock, ada=1, bob=2)
    store.no_batch = True
    versions = cache(store, clock, idle_seconds=900.0)  # the pause: 300 s by default
    versions.minimum("ada")
    versions.minimum("bob")
    clock.now += TTL / 2
    versions.refresh()
    assert len(store.batches) == 1
    # when users comes to trust it, nothing is batched before the pause ends
    store.no_batch = False
    clock.now += 150.0
    versions.refresh()
    assert len(store.batches) == 1
    # then, once it has, both are re-read in one batch again, in the background
    clock.now += 151.0
    versions.refresh()
    assert store.batches[1:] == [["ada", "bob"]]
    store.minimums_by_user["ada"] = 7
    clock.now += TTL / 2
    versions.refresh()
    assert versions.known("ada") == 7 and store.single == ["ada", "bob"]


@pytest.mark.timeout(10)
def test_a_refresh_reads_nothing_young_and_drops_users_gone_idle() -> None:
    clock = Clock()
    store = Store(clock)
    versions = cache(store, clock, idle_seconds=30.0)
    versions.minimum("ada")
    versions.minimum("bob")
    versions.refresh()  # both were just read
    assert store.batches == []
    # bob keeps making requests; ada stops
    for _ in range(16):  # 40 s
        clock.now += TTL / 2
        versions.minimum("bob")
        versions.refresh()
    assert store.batches[-1] == ["bob"]
    assert versions.known("ada") is None and "ada" not in store.batches[-1]


@pytest.mark.timeout(10)
def test_a_user_never_seen_is_read_before_the_first_answer() -> None:
    clock = Clock()
    store = Store(clock, ada=4)
    versions = cache(store, clock)
    assert versions.known("ada") is None
    assert versions.minimum("ada") == 4
    assert store.single == ["ada"]


@pytest.mark.timeout(10)
def test_a_store_outage_keeps_the_last_value_read() -> None:
    # given ada's minimum 2 read, then the store goes down
    clock = Clock()
    store = Store(clock, ada=2)
    versions = cache(store, clock)
    versions.minimum("ada")
    store.down = True
    # then a failed batch refresh and a failed single read both keep 2 (fail-open, logged)
    clock.now += TTL / 2
    versions.refresh()
    assert versions.known("ada") == 2
    clock.now += TTL
    assert versions.minimum("ada") == 2
    # and a user never read gets 0, as before the refresher
    assert versions.minimum("bob") == 0
    # once the store is back, the next refresh reads the bump made during the outage
    store.down, store.minimums_by_user["ada"] = False, 3
    clock.now += TTL / 2
    versions.refresh()
    assert versions.known("ada") == 3


def failures(reason: str) -> float:
    return REGISTRY.get_sample_value("token_version_lookup_failures_total",
                                     {"reason": reason}) or 0.0


class RefusingStore(Store):
    def _read(self, subjects: Sequence[str]) -> dict[str, int]:
        raise VersionLookupRefused("users answered 401: no service token")


@pytest.mark.timeout(10)
def test_every_failed_read_is_counted_by_reason_for_an_operator() -> None:
    # given one store down and one that users refuses
    clock, down, refusing = Clock(), Store(ada=2), RefusingStore()
    down.down = True
    before = failures("unavailable"), failures("refused")
    # when a single read and a batch refresh fail on the first, a single read on the second
    unreachable = cache(down, clock)
    unreachable.minimum("ada")
    clock.now += TTL / 2
    unreachable.refresh()
    cache(refusing, clock).minimum("bob")
    # then each failure is on /metrics, the refusal apart (revocation is not enforced meanwhile)
    assert (failures("unavailable") - before[0], failures("refused") - before[1]) == (2.0, 1.0)


@pytest.mark.timeout(10)
def test_the_cache_stays_bounded() -> None:
    clock = Clock()
    versions = cache(Store(clock), clock, size=100)
    for n in range(1000):
        clock.now += 0.001
        versions.minimum(f"u{n}")
    assert len(versions._entries) <= 100
    assert versions.known("u999") == 0


class SlowStore(Store):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds, self.refreshing = seconds, threading.Event()

    def minimum(self, subject: str) -> int:
        time.sleep(self.seconds)
        return super().minimum(subject)

    def minimums(self, subjects: Sequence[str]) -> dict[str, int]:
        self.refreshing.set()
        time.sleep(self.seconds)
        return super().minimums(subjects)


@pytest.mark.timeout(20)
def test_a_lookup_of_a_user_in_use_never_waits_for_the_background_refresh() -> None:
    # given a store whose reads take 0.5 s, refreshed by the background thread
    store = SlowStore(0.5)
    versions = RefreshedVersions(store, ttl_seconds=2.0)
    try:
        versions.minimum("ada")  # ada's first request reads
        assert store.refreshing.wait(5)
        # when ada's requests go on while the refresh is reading
        slowest, deadline = 0.0, time.monotonic() + 0.4
        while time.monotonic() < deadline:
            started = time.perf_counter()
            versions.minimum("ada")
            slowest = max(slowest, time.perf_counter() - started)
    finally:
        versions.close()
    # then none of them waited for it, and only the first read one by one
    assert slowest < 0.05
    assert store.single == ["ada"]


def refresher_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "token-versions"}


class ClosableStore(Store):
    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.mark.timeout(20)
def test_close_ends_the_refresher_thread_and_closes_the_store() -> None:
    # given a cache whose background refresher runs since ada's first lookup
    store, before = ClosableStore(), refresher_threads()
    versions = RefreshedVersions(store, ttl_seconds=0.2)
    versions.minimum("ada")
    [thread] = refresher_threads() - before
    # when it is closed
    versions.close()
    # then its thread has ended, the store is closed, and later lookups start no other thread
    assert not thread.is_alive()
    assert store.closed
    versions.minimum("bob")
    assert refresher_threads() - before == set()
