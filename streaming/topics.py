"""Topic names (one per aggregate family, key = aggregate id), dead-letter names, creation."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streaming.settings import KafkaSettings

__all__ = ["ALL_TOPICS", "INVENTORY", "ORDERS", "PAYMENTS", "USERS", "dlq_topic", "ensure_topics"]

USERS = "users"
ORDERS = "orders"
INVENTORY = "inventory"
PAYMENTS = "payments"
ALL_TOPICS = (USERS, ORDERS, INVENTORY, PAYMENTS)

_OK, _ALREADY_EXISTS = 0, 36  # Kafka protocol error codes (TOPIC_ALREADY_EXISTS = 36)
log = logging.getLogger(__name__)


def dlq_topic(topic: str, group: str) -> str:
    """Where consumer ``group`` parks the messages of ``topic`` it could not handle."""
    return f"{topic}.{group}.dlq"


async def ensure_topics(settings: KafkaSettings, names: Iterable[str]) -> None:
    """Create the missing topics; existing ones are left as they are."""
    wanted = sorted(set(names))
    if not wanted:
        return
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=settings.client_id,
        request_timeout_ms=settings.request_timeout_ms,
        **settings.client_security(),
    )
    await admin.start()
    try:
        new = [NewTopic(n, settings.topic_partitions, settings.replication_factor) for n in wanted]
        response = await admin.create_topics(new, timeout_ms=settings.request_timeout_ms)
    finally:
        await admin.close()
    _check(response.topic_errors)


def _check(topic_errors: Iterable[tuple]) -> None:
    for name, code, *rest in topic_errors:
        if code not in (_OK, _ALREADY_EXISTS):
            message = rest[0] if rest else ""
            raise RuntimeError(f"cannot create topic {name!r}: error {code} {message}")
        if code == _OK:
            log.info("created topic %s", name)
