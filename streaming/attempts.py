"""One fetched record through the handler: attempts, retries with backoff, then a dead letter.

A failing handler is retried with exponential backoff; after the last attempt (or at once for a
:class:`PoisonMessageError`, e.g. undecodable bytes) the record goes to ``<topic>.<group>.dlq``
and its key moves on. Transient errors (infrastructure down, :class:`TransientError`) are
retried until they pass. An attempt that runs longer than ``KafkaSettings.handler_timeout_ms``
is cancelled and fails with :class:`HandlerTimeoutError`, so a hung handler cannot hold its key
(and its partition's commit) forever. A dead letter is never dropped: storing it is retried
until it succeeds or the consumer stops.

A record whose ``eventType`` header names a type the handler has no route for
(:func:`streaming.handlers.routed_types`) is done at once, undecoded, and its offset committed
like any other: most records of the topics a service reads are of types it ignores.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from streaming.deadletter import dead_letter_message
from streaming.events import Envelope, PoisonMessageError, decode
from streaming.handlers import EventHandler, routed_types
from streaming.producer import EventProducer
from streaming.retry import HandlerTimeoutError, RetryPolicy
from streaming.settings import KafkaSettings
from streaming.tracing import handling_span

__all__ = ["RecordAttempts"]

log = logging.getLogger("streaming.consumer")  # the consumer's messages keep one logger


def _unrouted(record: ConsumerRecord, routed: frozenset[bytes]) -> bool:
    """Whether the record's ``eventType`` header (streaming.producer.event_headers) names a type
    not in ``routed``. A record without the header (written before producers set it, or by
    another client) is decoded and routed as usual. Routing is by type, not version: a routed
    type at an unknown version still reaches the decoder, which dead-letters it."""
    for name, value in record.headers or ():
        if name == "eventType":
            return value not in routed
    return False


class RecordAttempts:
    """Handles records for consumer group ``group``, counting into ``counts`` (``handled``,
    ``retried``, ``dead_lettered``); ``pause(delay)`` sleeps and says whether to carry on."""

    def __init__(
        self,
        group: str,
        handler: EventHandler,
        *,
        settings: KafkaSettings,
        retry: RetryPolicy,
        dead_letters: EventProducer,
        counts: dict[str, int],
        pause: Callable[[float], Awaitable[bool]],
    ) -> None:
        self.group, self.handler = group, handler
        routed = routed_types(handler)
        self._routed = None if routed is None else frozenset(t.encode() for t in routed)
        self.settings, self.retry = settings, retry
        self._dlq, self._counts, self._pause = dead_letters, counts, pause

    async def process(self, record: ConsumerRecord) -> bool:
        """Handle, retry or dead-letter one record; False when stopped before it was done."""
        if self._routed is not None and _unrouted(record, self._routed):
            self._counts["handled"] += 1  # as the handler would have, ignoring it
            return True
        try:
            event = decode(record.value)
        except PoisonMessageError as exc:
            return await self._dead_letter(record, exc, attempts=0)
        attempt = 0
        while True:
            attempt += 1
            try:
                with handling_span(event, self.group, record.headers or ()):
                    await self.attempt(event)
            except PoisonMessageError as exc:
                return await self._dead_letter(record, exc, attempts=attempt)
            except Exception as exc:
                if self.retry.gives_up(exc, attempt):
                    return await self._dead_letter(record, exc, attempts=attempt)
                if not await self._backoff(record, exc, attempt):
                    return False
            else:
                self._counts["handled"] += 1
                return True

    async def attempt(self, event: Envelope) -> None:
        """One call of the handler, cancelled after ``handler_timeout_ms`` (0: never)."""
        limit = self.settings.handler_timeout_ms / 1000 or None
        deadline = asyncio.timeout(limit)
        try:
            async with deadline:
                await self.handler(event)
        except TimeoutError as exc:
            if not deadline.expired():
                raise  # the handler's own (transient) timeout, e.g. its database's
            raise HandlerTimeoutError(f"handler did not finish within {limit:g} s") from exc

    async def _backoff(self, record: ConsumerRecord, exc: Exception, attempt: int) -> bool:
        self._counts["retried"] += 1
        delay = self.retry.delay(attempt)
        log.warning(
            "consumer %s: %s/%d@%d failed (attempt %d), retry in %.2fs: %r",
            *(self.group, record.topic, record.partition, record.offset, attempt, delay, exc),
        )
        return await self._pause(delay)

    async def _dead_letter(self, record: ConsumerRecord, exc: BaseException, attempts: int) -> bool:
        message = dead_letter_message(record, self.group, exc, attempts)
        delay = self.retry.initial_backoff
        while True:  # never drop: keep trying until the dead letter is stored or we stop
            try:
                await self._dlq.ensure_topics([message.topic])
                await self._dlq.send(message)
                break
            except KafkaError as error:
                log.warning("consumer %s: dead letter not stored yet: %r", self.group, error)
                if not await self._pause(delay):
                    return False
                delay = min(delay * 2, self.retry.max_backoff)
        self._counts["dead_lettered"] += 1
        log.error(
            "consumer %s: dead-lettered %s after %d attempts: %r",
            self.group,
            message.topic,
            attempts,
            exc,
        )
        return True
