"""Minimum token versions answered from memory, kept at most ``ttl_seconds`` old by a background
thread that re-reads every subject in use in one batch (Redis MGET, one POST to users).

A lookup accepts a value only while it is younger than the TTL, timed from the *start* of the
read that fetched it: a bump that the store held ``ttl_seconds`` before a lookup is always seen.
The refresher re-reads entries once they are a quarter TTL old, every half TTL, so a lookup of a
subject in use never waits for I/O; a subject never seen, or whose entry went stale (the store or
the refresher too slow), is read on the caller's thread before the answer, as before. A failed
read keeps the last value (0 for a subject never read) as if it had succeeded (fail-open, logged;
common.auth.versions). Subjects not looked up for ``idle_seconds`` (a setting beside the TTL)
are dropped, not re-read. ``close`` ends the thread; the verifier's owner calls it at shutdown.
A store that cannot batch for this caller (``BatchUnavailable``: users does not trust it with
the batch route) pauses the refresher for ``batch_retry_seconds``: each subject is then read
when looked up stale, never all of them one by one in the background; after the pause the batch
is tried again, so a caller that users came to trust (its trust fixed, users redeployed)
batches again without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from prometheus_client import Counter

from common.auth.versions import BatchUnavailable, VersionLookupRefused, VersionStore

__all__ = ["LOOKUP_FAILURES", "RefreshedVersions"]

log = logging.getLogger(__name__)

# Each failure keeps a last value (fail-open): while this climbs, a revoked token may still be
# accepted, so an operator must see it, not only the logs (alert TokenVersionLookupsFailing).
LOOKUP_FAILURES = Counter(
    "token_version_lookup_failures_total",
    "Token-version reads that failed and kept the last value read (fail-open): 'refused' = "
    "users refused this caller's service credential, 'unavailable' = the store did not answer",
    ["reason"])


def _failed(error: Exception) -> None:
    LOOKUP_FAILURES.labels("refused" if isinstance(error, VersionLookupRefused)
                           else "unavailable").inc()


class _Entry:
    __slots__ = ("read_at", "used_at", "value")

    def __init__(self, read_at: float, value: int, used_at: float) -> None:
        self.read_at, self.value, self.used_at = read_at, value, used_at


class RefreshedVersions:
    """``minimum``/``known`` of ``common.auth.versions.TokenVersions`` over a ``VersionStore``."""

    def __init__(self, store: VersionStore, ttl_seconds: float = 5.0, *, size: int = 10_000,
                 idle_seconds: float = 60.0, batch_size: int = 500,
                 batch_retry_seconds: float = 300.0,
                 clock: Callable[[], float] = time.monotonic, background: bool = True) -> None:
        self.store, self.ttl_seconds, self.size = store, ttl_seconds, size
        self.idle_seconds, self.batch_size, self._clock = idle_seconds, batch_size, clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._background = background and ttl_seconds > 0
        self.batch_retry_seconds = batch_retry_seconds
        self._no_batch_until = 0.0  # the store said it cannot batch for this caller: not till then

    def known(self, subject: str) -> int | None:
        """The subject's minimum if read less than the TTL ago (no I/O), else None."""
        entry = self._entries.get(subject)
        if entry is None:
            return None
        now = self._clock()
        if now - entry.read_at >= self.ttl_seconds:
            return None
        entry.used_at = now
        return entry.value

    def minimum(self, subject: str) -> int:
        value = self.known(subject)
        return value if value is not None else self._read_one(subject)

    def refresh(self) -> None:
        """Re-read, in batches, every subject in use whose value is a quarter TTL old; drop the
        idle ones (the background thread calls this every half TTL)."""
        if self._clock() < self._no_batch_until:
            return  # lookups read their subject when stale meanwhile
        for chunk in self._due():
            if self._clock() < self._no_batch_until:
                return
            self._read_many(chunk)

    def close(self) -> None:
        """At shutdown: stop the refresher, waiting for its thread to end, then close the store
        (it is this cache's alone)."""
        with self._lock:  # _start creates and starts the thread under this lock
            self._stop.set()
            self._background = False
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)  # a refresh in flight ends within the store's own timeout
            if thread.is_alive():
                log.warning("the token version refresher did not stop within 5 s")
        close = getattr(self.store, "close", None)  # a test's store may have none
        if close is not None:
            close()

    def _read_one(self, subject: str) -> int:
        started = self._clock()
        entry = self._entries.get(subject)
        try:
            value = self.store.minimum(subject)
        except Exception as error:  # any store failure: keep the last value (module docstring)
            _failed(error)
            log.warning("token version lookup failed, using the last known: %s", error)
            value = entry.value if entry is not None else 0
        self._keep({subject: value}, started, used=True)
        return value

    def _read_many(self, subjects: Sequence[str]) -> None:
        started = self._clock()
        try:
            values = self.store.minimums(subjects)
        except BatchUnavailable as error:  # read when looked up instead, till the pause ends
            self._no_batch_until = self._clock() + self.batch_retry_seconds
            log.warning("token versions: no batch refresh for %.0f s (%s); each user is read "
                        "when looked up stale meanwhile", self.batch_retry_seconds, error)
            return
        except Exception as error:  # fail-open on every subject of the batch, as for one
            _failed(error)
            log.warning("token version refresh of %d users failed, keeping the last known: %s",
                        len(subjects), error)
            entries = self._entries
            values = {s: e.value for s in subjects if (e := entries.get(s)) is not None}
        self._keep(values, started)

    def _keep(self, values: dict[str, int], read_at: float, *, used: bool = False) -> None:
        now = self._clock()
        with self._lock:
            for subject, value in values.items():
                old = self._entries.get(subject)
                if old is not None and old.read_at > read_at:
                    continue  # a later read already answered
                self._entries[subject] = _Entry(read_at, value,
                                                old.used_at if old and not used else now)
            if len(self._entries) > self.size:
                self._evict()
        self._start()

    def _due(self) -> list[list[str]]:
        now, quarter = self._clock(), self.ttl_seconds / 4
        with self._lock:
            idle = [s for s, e in self._entries.items() if now - e.used_at > self.idle_seconds]
            for subject in idle:
                del self._entries[subject]
            due = [s for s, e in self._entries.items() if now - e.read_at >= quarter]
        return [due[i:i + self.batch_size] for i in range(0, len(due), self.batch_size)]

    def _evict(self) -> None:
        # the least recently used tenth at once: a full cache does not scan on every insert
        ranked = sorted(self._entries.items(), key=lambda item: item[1].used_at)
        for subject, _ in ranked[: max(1, len(ranked) - self.size + self.size // 10)]:
            del self._entries[subject]

    def _start(self) -> None:
        if not self._background or self._thread is not None:
            return
        with self._lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="token-versions",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.ttl_seconds / 2):
            try:
                self.refresh()
            except Exception:  # the thread must outlive any surprise; lookups read on stale
                log.exception("token version refresher failed")
