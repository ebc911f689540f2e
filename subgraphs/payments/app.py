"""Wiring: settings -> database, provider, service, event consumers -> the kit's FastAPI app."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import FastAPI

from common.resilience import BreakerBoard, BreakerPolicy
from common.telemetry.breakers import export_breakers
from streaming.broadcast import Broadcast
from streaming.consumer import RetryPolicy
from streaming.settings import KafkaSettings
from streaming.topics import PAYMENTS
from subgraphs.kit.app import create_app
from subgraphs.kit.database import Database
from subgraphs.kit.messaging import Messaging
from subgraphs.payments.config import PaymentsSettings
from subgraphs.payments.domain.guarded_provider import GuardedProvider
from subgraphs.payments.domain.models import INBOX, OUTBOX
from subgraphs.payments.domain.provider import PaymentProvider
from subgraphs.payments.domain.sandbox import SandboxProvider
from subgraphs.payments.domain.sandbox_ledger import SandboxLedger
from subgraphs.payments.domain.service import PaymentService
from subgraphs.payments.domain.stripe_provider import StripeProvider
from subgraphs.payments.domain.watch import PaymentWatch
from subgraphs.payments.events.handlers import payment_subscription
from subgraphs.payments.graphql.schema import schema
from subgraphs.payments.webhooks import stripe_router

__all__ = ["Services", "build_app", "build_provider", "build_services", "provider_breakers"]


@dataclass(frozen=True)
class Services:
    """The objects resolvers reach as ``info.context.<name>``, plus the event machinery."""

    database: Database
    provider: PaymentProvider
    payments: PaymentService
    watch: PaymentWatch
    messaging: Messaging | None
    status_feed: Broadcast | None = None  # every payment event, for subscriptions
    # the provider's circuit breaker; ``breakers.snapshot()`` is what a metrics exporter reads
    breakers: BreakerBoard = field(default_factory=BreakerBoard)

    def as_mapping(self) -> dict[str, object]:
        return {"database": self.database, "payments": self.payments, "watch": self.watch,
                "status_feed": self.status_feed}


def build_provider(settings: PaymentsSettings, database: Database) -> PaymentProvider:
    """Stripe when selected (see config), else the sandbox, whose ledger shares ``database``
    when it can."""
    if settings.payment_provider == "stripe":
        return StripeProvider(
            settings.stripe_api_key.get_secret_value(), api_base=settings.stripe_api_base,
            max_network_retries=settings.stripe_max_network_retries,
            timeout_seconds=settings.stripe_timeout_seconds,
        )
    same = settings.sandbox_ledger_url == settings.database_url
    ledger = SandboxLedger(database if same else Database(settings.sandbox_ledger_url))
    return SandboxProvider(ledger, fail_refunds=settings.sandbox_fail_refunds)


def provider_breakers(settings: PaymentsSettings) -> BreakerBoard:
    """The board holding the payment provider's breaker, as the settings say."""
    policy = BreakerPolicy(failures=settings.provider_breaker_failures,
                           reset_seconds=settings.provider_breaker_reset_seconds)
    return export_breakers(BreakerBoard(lambda _: policy))


def build_services(
    settings: PaymentsSettings,
    *,
    kafka: KafkaSettings | None = None,
    retry: RetryPolicy | None = None,
    consume: bool = True,
) -> Services:
    """``consume=False`` leaves Kafka out (tests drive the handlers directly)."""
    database = Database.of(settings)
    provider = build_provider(settings, database)
    breakers = provider_breakers(settings)
    guarded = GuardedProvider(provider, breakers.get(provider.name),
                              settings.provider_call_timeout_seconds)
    payments = PaymentService(guarded)
    kafka = kafka or KafkaSettings(bootstrap_servers=settings.kafka_bootstrap_servers)
    subscriptions = [payment_subscription(payments)]
    messaging = (
        Messaging(database, kafka, subscriptions, outbox=OUTBOX, inbox=INBOX, retry=retry)
        if consume else None
    )
    watch = PaymentWatch(database.reads, payments, settings.subscription_poll_seconds)
    feed = Broadcast(kafka, PAYMENTS) if consume else None
    if messaging is not None and feed is not None:  # this replica's own events skip a fetch
        messaging.relay.listeners.append(feed.published)
    return Services(database, provider, payments, watch, messaging, feed, breakers)


def build_app(settings: PaymentsSettings, services: Services | None = None) -> FastAPI:
    """The payments app; ``services`` lets tests share objects they also inspect."""
    services = services or build_services(settings)
    ledger = services.provider.ledger if isinstance(services.provider, SandboxProvider) else None
    messaging = services.messaging
    feed = services.status_feed
    stripe = services.provider if isinstance(services.provider, StripeProvider) else None
    app = create_app(
        settings=settings,
        schema=schema,
        services=services.as_mapping(),
        ready_checks={"database": services.database.ping},
        # A broker that is down must not make payments unready (events wait in Kafka or the
        # outbox), so its counters are reported, not judged.
        ready_details={"messaging": messaging.stats} if messaging else None,
        on_startup=[*([ledger.ensure] if ledger else []),
                    *([messaging.start] if messaging else []), *([feed.start] if feed else [])],
        # Hooks stop in reverse: consumers first, then the databases they use.
        on_shutdown=[services.database.dispose, *([ledger.database.dispose] if ledger else []),
                     *([stripe.close] if stripe else []),
                     *([messaging.stop] if messaging else []), *([feed.stop] if feed else [])],
    )
    app.include_router(stripe_router(settings, services.database, services.payments))
    return app

