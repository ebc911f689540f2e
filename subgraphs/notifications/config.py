"""Notifications settings: the kit's options, the contact wait and lookup, providers and delivery.

Provider keys come only from the environment (``NOTIFICATIONS_<OPTION>`` or ``<OPTION>``) and
are held as ``SecretStr``, so a printed settings object shows ``**********``. Which keys count
as placeholders, and when the service refuses to start, is ``config_check.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from subgraphs.kit.settings import ServiceSettings

__all__ = ["CONSUMER_GROUP", "MIGRATIONS_DIR", "PORT", "SERVICE", "NotificationsSettings"]

SERVICE = "notifications"
PORT = 5006
CONSUMER_GROUP = "notifications"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class NotificationsSettings(ServiceSettings):
    """Read from ``NOTIFICATIONS_<OPTION>`` then ``<OPTION>``."""

    # A model-level error (the kit's JWT_SECRET check) would otherwise quote the whole input,
    # provider keys included, in the message the service dies with.
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    contact_wait_seconds: float = Field(
        10.0, ge=0, le=30,
        description="How long after an order event occurred its user's contact may still be "
        "on its way (topics are not ordered with each other): until then the event is retried "
        "with backoff; after it the message is recorded as queued for 'user:<id>'. Kept well "
        "under the consumer's retry budget (~1 min) so such events are never dead-lettered.",
    )
    users_url: str = Field(
        "http://127.0.0.1:5001/graphql",
        description="GraphQL endpoint of the users subgraph, asked (federation _entities) for "
        "the contact of a user whose UserRegistered was never seen; empty = never ask.",
    )
    contact_lookup_timeout_seconds: float = Field(
        2.0, gt=0, le=10,
        description="How long one contact lookup may take in all; it runs inside the event's "
        "transaction, so it is kept short. Past it the message falls back as if unknown.",
    )
    contact_lookup_pause_seconds: float = Field(
        30.0, ge=0, le=600,
        description="After users could not be reached (or timed out), contacts are not asked "
        "of it for this long, so an outage costs one timeout per pause, not one per event.",
    )
    sendgrid_api_key: SecretStr = Field(
        SecretStr(""), description="SendGrid API key; set = email goes through SendGrid."
    )
    sendgrid_base_url: str = Field("https://api.sendgrid.com", description="SendGrid API base.")
    sendgrid_from_email: str = Field("no-reply@shop.example", description="Sender address.")
    sendgrid_from_name: str = Field("Shop", description="Sender display name.")
    sendgrid_template_id: str = Field(
        "", description="A SendGrid dynamic template id (d-...); empty = our own plain text."
    )
    twilio_account_sid: str = Field(
        "", description="Twilio Account SID (AC...); with the auth token, SMS goes via Twilio."
    )
    twilio_auth_token: SecretStr = Field(SecretStr(""), description="Twilio auth token.")
    twilio_from_number: str = Field("", description="E.164 sender number (or a service SID).")
    twilio_messaging_service_sid: str = Field(
        "", description="Twilio Messaging Service SID (MG...); used instead of the from number."
    )
    twilio_base_url: str = Field("https://api.twilio.com", description="Twilio API base.")
    delivery_interval_seconds: float = Field(
        1.0, gt=0, description="How often the delivery worker looks for due messages."
    )
    delivery_batch: int = Field(20, ge=1, le=500, description="Messages claimed per round.")
    delivery_max_attempts: int = Field(
        5, ge=1, le=50, description="Provider calls per message before it is dead-lettered."
    )
    delivery_backoff_seconds: float = Field(
        2.0, ge=0, description="First retry delay; doubles per attempt, with jitter."
    )
    delivery_backoff_cap_seconds: float = Field(300.0, ge=0, description="Longest retry delay.")
    provider_breaker_failures: int = Field(
        5, ge=0, description="Consecutive retryable failures (429, 5xx, network) of SendGrid "
        "or Twilio that open its circuit breaker: deliveries are then put back for later "
        "without calling it (0: no breaker)."
    )
    provider_breaker_reset_seconds: float = Field(
        30.0, gt=0, description="How long an open breaker holds before one probe delivery."
    )
    delivery_timeout_seconds: float = Field(
        10.0, gt=0, le=60, description="Timeout of one provider call."
    )
    delivery_lease_seconds: float = Field(
        90.0, gt=0, description="After this long in 'sending' a message counts as interrupted "
        "(a crash mid-call); must exceed the call timeout, so a live call is never taken.",
    )
    delivery_interrupted: Literal["fail", "resend"] = Field(
        "fail", description="What an interrupted message becomes: 'fail' (never sent twice; "
        "lastError says the outcome is unknown) or 'resend' (queued again; at least once).",
    )
