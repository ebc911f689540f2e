"""Nothing to seed: every message comes from an event (seeded users arrive as UserRegistered)."""

from __future__ import annotations

from subgraphs.notifications.config import NotificationsSettings

__all__ = ["seed"]


async def seed(settings: NotificationsSettings) -> None:
    """The CLI's ``seed`` command: a no-op, so ``make dev`` can seed every service alike."""
    print("notifications: nothing to seed (messages come from events)")
