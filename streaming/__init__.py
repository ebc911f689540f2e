"""Event backbone of every domain: contracts, Kafka producer and consumer, outbox, inbox, broker.

A domain service uses it like this (see README.md in this folder for the whole story)::

    outbox = outbox_table(metadata)           # in the service's models, beside its tables
    inbox = inbox_table(metadata)

    async with db.transaction() as session:   # the request or message boundary commits
        ...state change...
        await enqueue(session, Envelope.wrap(OrderCreated(...)))

    relay = OutboxRelay(db.engine, EventProducer(settings))
    consumer = EventConsumer([INVENTORY], "orders", idempotent(db.sessions, "orders", handle))
    async with running(relay, consumer):
        ...serve...
"""

from streaming.consumer import ConsumerStats, EventConsumer, RetryPolicy
from streaming.deadletter import count_dead_letters, replay_dead_letters
from streaming.events import Envelope, PoisonMessageError, decode, encode
from streaming.handlers import EventHandler, SessionHandler, TransientError, dispatch
from streaming.inbox import claim, idempotent, inbox_table, purge_inbox
from streaming.lifecycle import run_until_signalled, running
from streaming.outbox import OutboxRelay, RelayStats, enqueue, outbox_table
from streaming.producer import EventProducer, Message
from streaming.settings import KafkaSettings
from streaming.topics import (
    ALL_TOPICS,
    INVENTORY,
    ORDERS,
    PAYMENTS,
    USERS,
    dlq_topic,
    ensure_topics,
)

__all__ = [
    "ALL_TOPICS",
    "INVENTORY",
    "ORDERS",
    "PAYMENTS",
    "USERS",
    "ConsumerStats",
    "Envelope",
    "EventConsumer",
    "EventHandler",
    "EventProducer",
    "KafkaSettings",
    "Message",
    "OutboxRelay",
    "PoisonMessageError",
    "RelayStats",
    "RetryPolicy",
    "SessionHandler",
    "TransientError",
    "claim",
    "count_dead_letters",
    "decode",
    "dispatch",
    "dlq_topic",
    "encode",
    "enqueue",
    "ensure_topics",
    "idempotent",
    "inbox_table",
    "outbox_table",
    "purge_inbox",
    "replay_dead_letters",
    "run_until_signalled",
    "running",
]
