"""Noticing that an aiokafka consumer lost its broker connection, for readers that must re-position.

A restarted embedded broker has forgotten its logs: a reader that simply reconnects keeps its old
fetch positions, which point past the first records of the new logs (and the broker answers such
fetches with nothing, not with OFFSET_OUT_OF_RANGE). :class:`ConnectionLosses` pauses every
assigned partition the moment a connection breaks, so nothing is fetched at those positions, and
stays ``pending`` until the reader has moved them and calls :meth:`ConnectionLosses.recovered`.
"""

from __future__ import annotations

import time
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.conn import CloseReason

__all__ = ["ConnectionLosses"]

# Why a broker connection may close; the others (idle drop, our own shutdown) are routine.
_BROKEN = frozenset(
    {CloseReason.CONNECTION_BROKEN, CloseReason.CONNECTION_TIMEOUT, CloseReason.OUT_OF_SYNC}
)


class ConnectionLosses:
    """Broken broker connections of one consumer since it last re-positioned its partitions."""

    def __init__(self) -> None:
        self.seen = 0  # broken connections so far
        self.handled = 0  # of those, how many the reader has re-positioned after
        self.since_ms: int | None = None  # wall clock of the first loss not yet handled

    @property
    def pending(self) -> bool:
        """True from a broken connection until the reader re-positioned its partitions."""
        return self.seen != self.handled

    def watch(self, kafka: AIOKafkaConsumer) -> None:
        """Count ``kafka``'s broken connections and pause all its partitions at each."""
        # aiokafka has no public hook for a broken broker connection; its client's close
        # callback is the one place that sees it before the fetcher reconnects and fetches.
        client = kafka._client
        closed = getattr(client, "_on_connection_closed", None)
        if closed is None:  # aiokafka moved its hook: reconnects would go unnoticed
            raise RuntimeError(
                "aiokafka's AIOKafkaClient._on_connection_closed is gone: pin aiokafka to a "
                "version streaming/reconnect.py supports (pyproject.toml)"
            )

        def on_closed(conn: Any, reason: CloseReason | None) -> None:
            closed(conn, reason)
            if reason in _BROKEN:
                if not self.pending:
                    self.since_ms = int(time.time() * 1000)
                self.seen += 1
                kafka.pause(*kafka.assignment())

        client._on_connection_closed = on_closed

    def recovered(self, seen: int) -> None:
        """The reader re-positioned its partitions after the first ``seen`` losses (the count it
        read before starting); a loss that came meanwhile keeps it ``pending``."""
        self.handled = seen
        if not self.pending:
            self.since_ms = None
