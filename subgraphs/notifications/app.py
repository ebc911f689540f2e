"""Wiring: settings -> database, sender, service, event consumer -> the kit's FastAPI app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI

from streaming.consumer import RetryPolicy
from streaming.settings import KafkaSettings
from subgraphs.kit.app import create_app
from subgraphs.kit.database import Database
from subgraphs.kit.messaging import Messaging
from subgraphs.notifications.config import NotificationsSettings
from subgraphs.notifications.domain.models import INBOX, OUTBOX
from subgraphs.notifications.domain.reads import MailboxReads
from subgraphs.notifications.domain.sender import DevMailbox, NotificationSender
from subgraphs.notifications.domain.service import NotificationService
from subgraphs.notifications.events.handlers import notification_subscriptions
from subgraphs.notifications.graphql.schema import schema

__all__ = ["Services", "build_app", "build_sender", "build_services"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``, plus the event machinery."""

    database: Database
    notifications: NotificationService
    mailbox: MailboxReads
    messaging: Messaging | None

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "mailbox": self.mailbox}


def build_sender(settings: NotificationsSettings) -> NotificationSender:
    """The dev mailbox; SendGrid and Twilio senders (issue 9) are chosen here from their keys."""
    return DevMailbox()


def build_services(
    settings: NotificationsSettings,
    *,
    kafka: KafkaSettings | None = None,
    retry: RetryPolicy | None = None,
    consume: bool = True,
) -> Services:
    """``consume=False`` leaves Kafka out (tests drive the handler directly)."""
    database = Database(settings.database_url)
    wait = timedelta(seconds=settings.contact_wait_seconds)
    notifications = NotificationService(build_sender(settings), contact_wait=wait)
    kafka = kafka or KafkaSettings(bootstrap_servers=settings.kafka_bootstrap_servers)
    subscriptions = notification_subscriptions(notifications)
    messaging = (
        Messaging(database, kafka, subscriptions, outbox=OUTBOX, inbox=INBOX, retry=retry)
        if consume else None
    )
    return Services(database, notifications, MailboxReads(), messaging)


def build_app(settings: NotificationsSettings, services: Services | None = None) -> FastAPI:
    """The notifications app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    messaging = services.messaging
    return create_app(
        settings=settings,
        schema=schema,
        services=services.as_mapping(),
        ready_checks={"database": services.database.ping},
        # A broker that is down must not make notifications unready: events wait in Kafka.
        ready_details={"messaging": messaging.stats} if messaging else None,
        on_startup=[*([messaging.start] if messaging else [])],
        # Hooks stop in reverse: the consumer first, then the database it writes.
        on_shutdown=[services.database.dispose, *([messaging.stop] if messaging else [])],
    )
