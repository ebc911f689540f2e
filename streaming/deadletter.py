"""Dead-letter topics: where a consumer parks a message it cannot handle, with the reason."""

from __future__ import annotations

from aiokafka.structs import ConsumerRecord

from streaming.producer import Message
from streaming.topics import dlq_topic

__all__ = ["DLQ_HEADERS", "dead_letter_message"]

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
