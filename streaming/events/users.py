"""Events of the users aggregate (topic ``users``, key = user id)."""

from __future__ import annotations

from streaming.events.contract import EventPayload
from streaming.events.registry import register
from streaming.topics import USERS

__all__ = ["UserRegistered"]


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
