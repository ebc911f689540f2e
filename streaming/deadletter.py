"""Dead-letter topics: where a consumer parks a message it cannot handle, with the reason."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from streaming.producer import EventProducer, Message
from streaming.settings import KafkaSettings
from streaming.topics import dlq_topic

__all__ = ["DLQ_HEADERS", "count_dead_letters", "dead_letter_message", "replay_dead_letters"]

DLQ_HEADERS = (
    "dlq.error",
    "dlq.errorType",
    "dlq.group",
    "dlq.topic",
    "dlq.partition",
    "dlq.offset",
    "dlq.attempts",
)


def dead_letter_message(
    record: ConsumerRecord, group: str, error: BaseException, attempts: int
) -> Message:
    """The original key, value and headers, plus ``dlq.*`` headers saying where and why.

    Replaying a dead letter means producing its value back to ``dlq.topic`` once fixed.
    """
    values = (
        repr(error)[:2000],
        type(error).__name__,
        group,
        record.topic,
        str(record.partition),
        str(record.offset),
        str(attempts),
    )
    extra = [(name, value.encode()) for name, value in zip(DLQ_HEADERS, values, strict=True)]
    return Message(
        topic=dlq_topic(record.topic, group),
        value=record.value or b"",
        key=record.key,
        headers=[*record.headers, *extra],
    )


async def count_dead_letters(settings: KafkaSettings, topic: str, group: str) -> int:
    """How many messages of ``topic`` consumer ``group`` has dead-lettered (kept by the broker).

    Unlike :meth:`EventConsumer.stats`, this survives restarts: it reads the topic's offsets.
    """
    reader = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers, client_id=settings.client_id,
        **settings.client_security(),
    )
    await reader.start()
    try:
        name = dlq_topic(topic, group)
        await reader.topics()  # fetches metadata of every topic
        tps = [TopicPartition(name, p) for p in reader.partitions_for_topic(name) or ()]
        if not tps:
            return 0
        ends, starts = await reader.end_offsets(tps), await reader.beginning_offsets(tps)
        return sum(ends[tp] - starts[tp] for tp in tps)
    finally:
        await reader.stop()


async def replay_dead_letters(
    settings: KafkaSettings, topic: str, group: str, *, limit: int | None = None
) -> int:
    """Send ``group``'s dead letters of ``topic`` back to ``topic`` once the cause is fixed,
    oldest first, without their ``dlq.*`` headers; how many were sent.

    Progress is committed under group ``<dlq topic>.replay``, so each is replayed once. Every
    group of ``topic`` sees the event again; those that handled it already skip it (inbox).
    """
    name = dlq_topic(topic, group)
    reader = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=f"{name}.replay",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **settings.client_security(),
    )
    await reader.start()
    try:
        await reader.topics()
        tps = [TopicPartition(name, p) for p in reader.partitions_for_topic(name) or ()]
        reader.assign(tps)
        ends = await reader.end_offsets(tps) if tps else {}
        async with EventProducer(settings) as producer:
            return await _replay(reader, producer, ends, limit)
    finally:
        await reader.stop()


async def _replay(
    reader: AIOKafkaConsumer,
    producer: EventProducer,
    ends: dict[TopicPartition, int],
    limit: int | None,
) -> int:
    replayed = 0
    for tp, end in ends.items():
        while await reader.position(tp) < end and (limit is None or replayed < limit):
            record = await reader.getone(tp)
            headers = [(k, v) for k, v in record.headers if k not in DLQ_HEADERS]
            original = dict(record.headers)["dlq.topic"].decode()
            await producer.send(Message(original, record.value, record.key, headers))
            await reader.commit({tp: record.offset + 1})
            replayed += 1
    return replayed
