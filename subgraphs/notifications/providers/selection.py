"""Which provider serves which channel, from the keys in the settings (none: dev mailbox).

SendGrid serves email when ``SENDGRID_API_KEY`` is set; Twilio serves SMS when the Account SID
and auth token are (config_check.py refuses half a pair). One httpx client per provider, with
the delivery timeout, closed at shutdown; each provider behind its circuit breaker (``breakers``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from common.resilience import BreakerBoard, BreakerPolicy
from common.telemetry.breakers import export_breakers
from subgraphs.notifications.config import NotificationsSettings
from subgraphs.notifications.domain.outcomes import Provider
from subgraphs.notifications.domain.records import Channel
from subgraphs.notifications.providers.guarded import GuardedProvider
from subgraphs.notifications.providers.sendgrid import SendGrid
from subgraphs.notifications.providers.twilio import Twilio

__all__ = ["Providers", "build_providers"]


@dataclass
class Providers:
    by_channel: dict[Channel, Provider] = field(default_factory=dict)
    clients: list[httpx.AsyncClient] = field(default_factory=list)
    # one breaker per provider; ``breakers.snapshot()`` is what a metrics exporter reads
    breakers: BreakerBoard = field(default_factory=BreakerBoard)

    def add(self, channel: Channel, provider: Provider) -> None:
        """Serve ``channel`` with ``provider`` behind its breaker."""
        self.by_channel[channel] = GuardedProvider(provider, self.breakers.get(provider.name))

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()


def build_providers(settings: NotificationsSettings) -> Providers:
    policy = BreakerPolicy(failures=settings.provider_breaker_failures,
                           reset_seconds=settings.provider_breaker_reset_seconds)
    providers = Providers(breakers=export_breakers(BreakerBoard(lambda _: policy)))
    if key := settings.sendgrid_api_key.get_secret_value():
        client = _client(settings, providers)
        providers.add(Channel.EMAIL, SendGrid(
            client, api_key=key, base_url=settings.sendgrid_base_url,
            sender=(settings.sendgrid_from_email, settings.sendgrid_from_name),
            template_id=settings.sendgrid_template_id,
        ))
    token = settings.twilio_auth_token.get_secret_value()
    if settings.twilio_account_sid and token:
        providers.add(Channel.SMS, Twilio(
            _client(settings, providers), account_sid=settings.twilio_account_sid,
            auth_token=token, base_url=settings.twilio_base_url,
            from_number=settings.twilio_from_number,
            messaging_service_sid=settings.twilio_messaging_service_sid,
        ))
    return providers


def _client(settings: NotificationsSettings, providers: Providers) -> httpx.AsyncClient:
    client = httpx.AsyncClient(timeout=settings.delivery_timeout_seconds)
    providers.clients.append(client)
    return client
