"""Publishing to Kafka with aiokafka: acks from all replicas, event metadata in headers.

The embedded broker has no idempotent producer, so ``enable_idempotence`` stays off; a retried
send may duplicate a message, which consumers absorb through their inbox (see inbox.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Self

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from aiokafka.structs import RecordMetadata

from streaming.events import Envelope, encode
from streaming.settings import KafkaSettings
from streaming.topics import ensure_topics as create_topics
from streaming.tracing import end_sending, start_sending

__all__ = ["EventProducer", "Message", "event_headers"]

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Message:
    """One record to send: already-encoded value, string key, header pairs."""

    topic: str
    value: bytes
    key: str | bytes | None = None
    headers: Headers = field(default_factory=list)


def event_headers(event: Envelope) -> Headers:
    """Routing and tracing metadata readable without decoding the value (W3C ``traceparent``)."""
    return [
        ("eventId", str(event.id).encode()),
        ("eventType", event.type.encode()),
        ("eventVersion", str(event.version).encode()),
        ("correlationId", event.correlation_id.encode()),
        ("traceparent", event.traceparent.encode()),
    ]


class EventProducer:
    """A restartable aiokafka producer; ``start`` fails fast while the broker is down."""

    def __init__(self, settings: KafkaSettings | None = None) -> None:
        self.settings = settings or KafkaSettings()
        self._producer: AIOKafkaProducer | None = None
        self._closes = 0  # broker connections of this producer closed so far
        self._checked: tuple[int, frozenset[str]] = (-1, frozenset())  # closes then, topics

    @property
    def started(self) -> bool:
        return self._producer is not None

    async def start(self) -> None:
        """Connect; a failed start leaves the producer stopped so it can be started again."""
        if self._producer is not None:
            return
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.bootstrap_servers,
            client_id=self.settings.client_id,
            acks="all",
            enable_idempotence=False,
            request_timeout_ms=self.settings.request_timeout_ms,
            metadata_max_age_ms=self.settings.metadata_max_age_ms,
            **self.settings.client_security(),
        )
        self._checked = (-1, frozenset())
        self._count_closes(producer)
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer

    async def stop(self) -> None:
        """Flush what is pending and disconnect."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()

    async def ensure_topics(self, topics: Iterable[str]) -> None:
        """Make sure ``topics`` exist right now, from fresh metadata, creating missing ones.

        Called before every batch: a restarted embedded broker has forgotten its topics yet
        acknowledges produce requests to them without storing anything (Tansu 0.6). A restart
        closes every connection to it, so while none closed since ``topics`` were last found,
        they still exist and the metadata round trip (a hop of every event's latency) is saved.
        """
        client, wanted, closes = self._client().client, set(topics), self._closes
        if closes == self._checked[0] and wanted <= self._checked[1]:
            return
        await asyncio.gather(*(client.add_topic(topic) for topic in wanted))
        if not await client.force_metadata_update():
            raise KafkaConnectionError("cannot fetch metadata from any broker")
        missing = {t for t in wanted if not client.cluster.partitions_for_topic(t)}
        if missing:
            await create_topics(self.settings, missing)
            await client.force_metadata_update()
        known = self._checked[1] if closes == self._checked[0] else frozenset()
        self._checked = (closes, known | wanted)

    def _count_closes(self, producer: AIOKafkaProducer) -> None:
        # aiokafka has no public hook for a closed connection (see reconnect.py); every
        # connection of the client is made with this callback, so a reconnect is always seen.
        client = producer.client
        closed = client._on_connection_closed

        def on_closed(conn: object, reason: object) -> None:
            self._closes += 1
            closed(conn, reason)

        client._on_connection_closed = on_closed

    async def publish(self, event: Envelope, *, topic: str | None = None) -> RecordMetadata:
        """Send one event now, keyed by its aggregate id. Domains use the outbox instead."""
        message = Message(topic or event.topic, encode(event), event.key, event_headers(event))
        return await self.send(message)

    async def send(self, message: Message) -> RecordMetadata:
        """Send one record and wait for the broker's acknowledgement (in a PRODUCER span)."""
        client = self._client()
        (message,), spans = start_sending([message])
        try:
            result = await client.send_and_wait(
                message.topic, message.value, key=_bytes(message.key), headers=message.headers
            )
        except BaseException as exc:
            end_sending(spans, 0, exc)
            raise
        end_sending(spans, 1, None)
        return result

    async def send_batch(self, messages: Sequence[Message]) -> tuple[int, BaseException | None]:
        """Send all at once; how many leading messages were acknowledged, and the first error.

        Each record is sent in its own PRODUCER span (streaming/tracing.py)."""
        client = self._client()
        messages, spans = start_sending(messages)
        acked, error = await self._send_all(client, messages)
        end_sending(spans, acked, error)
        return acked, error

    async def _send_all(self, client: AIOKafkaProducer, messages: Sequence[Message]
                        ) -> tuple[int, BaseException | None]:
        pending, error = [], None
        for m in messages:
            try:
                pending.append(
                    await client.send(m.topic, m.value, key=_bytes(m.key), headers=m.headers)
                )
            except Exception as exc:  # e.g. no metadata while the broker is down
                error = exc
                break
        results = await asyncio.gather(*pending, return_exceptions=True)
        for index, result in enumerate(results):
            if isinstance(result, BaseException):
                return index, result
        return len(results), error

    def _client(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("EventProducer is not started")
        return self._producer

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def _bytes(key: str | bytes | None) -> bytes | None:
    return key.encode() if isinstance(key, str) else key
