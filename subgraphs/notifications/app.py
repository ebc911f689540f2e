"""Wiring: settings -> database, providers, sender, users contacts, services, consumers,
delivery worker -> the kit's FastAPI app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx
from fastapi import FastAPI

from streaming.consumer import RetryPolicy
from streaming.settings import KafkaSettings
from subgraphs.kit.app import create_app
from subgraphs.kit.database import Database
from subgraphs.kit.entity_client import EntityClient
from subgraphs.kit.messaging import Messaging
from subgraphs.kit.service_auth import peer_credential
from subgraphs.notifications.config import NotificationsSettings
from subgraphs.notifications.config_check import check_settings
from subgraphs.notifications.domain.delivery import DeliveryPolicy, DeliveryService
from subgraphs.notifications.domain.models import INBOX, OUTBOX
from subgraphs.notifications.domain.preferences import PreferenceService
from subgraphs.notifications.domain.reads import MailboxReads
from subgraphs.notifications.domain.sender import DevMailbox, NotificationSender, ProviderQueue
from subgraphs.notifications.domain.service import NotificationService
from subgraphs.notifications.events.delivery import DeliveryWorker
from subgraphs.notifications.events.handlers import notification_subscriptions
from subgraphs.notifications.graphql.schema import schema
from subgraphs.notifications.providers.selection import Providers, build_providers
from subgraphs.notifications.upstream import UsersContacts

__all__ = [
    "Services",
    "build_app",
    "build_contacts",
    "build_delivery",
    "build_sender",
    "build_services",
]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``, plus the event machinery."""

    database: Database
    notifications: NotificationService
    mailbox: MailboxReads
    messaging: Messaging | None
    preferences: PreferenceService
    providers: Providers
    delivery: DeliveryWorker | None
    contacts: UsersContacts | None = None  # the users subgraph, for contacts never announced

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "mailbox": self.mailbox,
                "preferences": self.preferences}


def build_sender(providers: Providers) -> NotificationSender:
    """The dev mailbox, unless a channel has a provider: then its messages are queued for the
    delivery worker (the other channel still goes to the dev mailbox)."""
    return ProviderQueue(providers.by_channel) if providers.by_channel else DevMailbox()


def build_delivery(
    settings: NotificationsSettings, database: Database, providers: Providers
) -> DeliveryWorker | None:
    """The delivery worker when any provider is configured; None for the dev mailbox alone."""
    if not providers.by_channel:
        return None
    policy = DeliveryPolicy(
        max_attempts=settings.delivery_max_attempts, backoff=settings.delivery_backoff_seconds,
        backoff_cap=settings.delivery_backoff_cap_seconds,
        lease=settings.delivery_lease_seconds, interrupted=settings.delivery_interrupted,
    )
    service = DeliveryService(providers.by_channel, policy)
    return DeliveryWorker(database, service, settings.delivery_interval_seconds,
                          settings.delivery_batch)


def build_contacts(
    settings: NotificationsSettings, client: httpx.AsyncClient | None = None
) -> UsersContacts | None:
    """Contacts read from the users subgraph, or None when ``USERS_URL`` is empty."""
    if not settings.users_url:
        return None
    timeout = settings.contact_lookup_timeout_seconds
    # users discloses email and phone to this lookup through exactly this scope
    credential = peer_credential(settings, "users", ["users:contact"])
    users = EntityClient(settings.users_url, timeout=timeout, client=client, credential=credential)
    return UsersContacts(users, timeout=timeout, pause=settings.contact_lookup_pause_seconds)


def build_services(
    settings: NotificationsSettings,
    *,
    kafka: KafkaSettings | None = None,
    retry: RetryPolicy | None = None,
    consume: bool = True,
    users_client: httpx.AsyncClient | None = None,
) -> Services:
    """``consume=False`` leaves Kafka out (tests drive the handler directly); ``users_client``
    lets tests serve users in-process. Refuses unusable provider secrets (config_check.py)
    before anything is opened."""
    check_settings(settings)
    database = Database.of(settings)
    providers = build_providers(settings)
    wait = timedelta(seconds=settings.contact_wait_seconds)
    contacts = build_contacts(settings, users_client)
    notifications = NotificationService(build_sender(providers), contact_wait=wait,
                                        directory=contacts)
    kafka = kafka or KafkaSettings(bootstrap_servers=settings.kafka_bootstrap_servers)
    subscriptions = notification_subscriptions(notifications)
    messaging = (
        Messaging(database, kafka, subscriptions, outbox=OUTBOX, inbox=INBOX, retry=retry)
        if consume else None
    )
    return Services(database, notifications, MailboxReads(), messaging, PreferenceService(),
                    providers, build_delivery(settings, database, providers), contacts)


def build_app(settings: NotificationsSettings, services: Services | None = None) -> FastAPI:
    """The notifications app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    messaging, delivery, contacts = services.messaging, services.delivery, services.contacts
    details = {**({"messaging": messaging.stats} if messaging else {}),
               **({"delivery": delivery.stats} if delivery else {}),
               **({"contacts": contacts.stats} if contacts else {})}
    return create_app(
        settings=settings,
        schema=schema,
        services=services.as_mapping(),
        ready_checks={"database": services.database.ping},
        # A broker, provider or users that is down must not make notifications unready:
        # events wait in Kafka, messages in the queue (or for user:<id>).
        ready_details=details or None,
        on_startup=[*([messaging.start] if messaging else []),
                    *([delivery.start] if delivery else [])],
        # Hooks stop in reverse: the worker, the consumer, the provider and users clients,
        # the database.
        on_shutdown=[services.database.dispose, services.providers.aclose,
                     *([contacts.close] if contacts else []),
                     *([messaging.stop] if messaging else []),
                     *([delivery.stop] if delivery else [])],
    )
