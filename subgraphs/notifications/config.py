"""Notifications settings: the kit's options plus how long to wait for an unknown contact."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from subgraphs.kit.settings import ServiceSettings

__all__ = ["CONSUMER_GROUP", "MIGRATIONS_DIR", "PORT", "SERVICE", "NotificationsSettings"]

SERVICE = "notifications"
PORT = 5006
CONSUMER_GROUP = "notifications"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class NotificationsSettings(ServiceSettings):
    """Read from ``NOTIFICATIONS_<OPTION>`` then ``<OPTION>``."""

    contact_wait_seconds: float = Field(
        10.0, ge=0, le=30,
        description="How long after an order event occurred its user's contact may still be "
        "on its way (topics are not ordered with each other): until then the event is retried "
        "with backoff; after it the message is recorded as queued for 'user:<id>'. Kept well "
        "under the consumer's retry budget (~1 min) so such events are never dead-lettered.",
    )
