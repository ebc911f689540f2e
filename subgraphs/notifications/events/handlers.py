"""What notifications does with each consumed event: inbox handlers of consumer group
``notifications`` on the ``users`` and ``orders`` topics (domain/service.py has the table).

A message whose user is not yet in the contact directory raises ``ContactNotYetKnown`` while the
event is younger than ``CONTACT_WAIT_SECONDS``: the inbox transaction rolls back and the consumer
retries with backoff. After that the message is recorded as ``queued`` for ``user:<id>``.
Each topic has a consumer of its own (same group), because a consumer handles its records one
by one: an order event waiting for its contact must not hold up the UserRegistered it awaits.
Both are background consumers: no one watches a message being recorded, so they fetch less
often (``KAFKA_BACKGROUND_FETCH_MAX_WAIT_MS``) and leave the CPU to the saga.
"""

from __future__ import annotations

from streaming.events import (
    EmailVerificationRequested,
    OrderCreated,
    OrderShipped,
    OrderStatusChanged,
    PasswordResetRequested,
    UserRegistered,
)
from streaming.handlers import SessionHandler, dispatch
from streaming.topics import ORDERS, USERS
from subgraphs.kit.messaging import Subscription
from subgraphs.notifications.config import CONSUMER_GROUP
from subgraphs.notifications.domain.service import NotificationService

__all__ = ["TOPICS", "notification_handler", "notification_subscriptions"]

TOPICS = (USERS, ORDERS)


def notification_handler(notifications: NotificationService) -> SessionHandler:
    """Route each event to the service; runs in the inbox transaction (streaming.inbox)."""
    return dispatch({
        UserRegistered: notifications.user_registered,
        OrderCreated: notifications.order_created,
        OrderStatusChanged: notifications.status_changed,
        OrderShipped: notifications.order_shipped,
        PasswordResetRequested: notifications.password_reset_requested,
        EmailVerificationRequested: notifications.email_verification_requested,
    })


def notification_subscriptions(notifications: NotificationService) -> list[Subscription]:
    """One background subscription per topic, all in group ``notifications``, run by the kit's
    Messaging."""
    handler = notification_handler(notifications)
    return [Subscription((topic,), CONSUMER_GROUP, handler, background=True) for topic in TOPICS]
