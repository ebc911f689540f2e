"""Events of the users aggregate (topic ``users``, key = user id)."""

from __future__ import annotations

from datetime import datetime

from streaming.events.contract import EventPayload
from streaming.events.registry import register
from streaming.topics import USERS

__all__ = ["EmailVerificationRequested", "PasswordResetRequested", "UserRegistered"]


@register
class UserRegistered(EventPayload):
    """A user account was created."""

    event_type = "UserRegistered"
    topic = USERS
    key_field = "user_id"

    user_id: str
    email: str
    full_name: str
    phone: str | None = None


@register
class PasswordResetRequested(EventPayload):
    """Someone asked to reset this account's password: notifications emails ``token`` (the raw,
    single-use secret; users stores only its hash) to the account's address."""

    event_type = "PasswordResetRequested"
    topic = USERS
    key_field = "user_id"

    user_id: str
    token: str
    expires_at: datetime


@register
class EmailVerificationRequested(EventPayload):
    """The user asked to verify their email: notifications emails ``token`` to it."""

    event_type = "EmailVerificationRequested"
    topic = USERS
    key_field = "user_id"

    user_id: str
    email: str
    token: str
    expires_at: datetime
