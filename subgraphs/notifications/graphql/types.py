"""The ``Notification`` type (names fixed by DESIGN.md) and its Relay connection."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.kit.relay import PageInfo, page_info
from subgraphs.notifications.domain.records import NotificationPage, NotificationRecord

__all__ = ["Notification", "NotificationConnection", "NotificationEdge", "PageInfo"]


@strawberry.type(description="One message sent (or queued) to a user on one channel.")
class Notification:
    id: strawberry.ID
    channel: str = strawberry.field(description="email or sms.")
    template: str = strawberry.field(description="welcome, order_received, order_paid, ...")
    template_version: int
    recipient: str = strawberry.field(
        description="Email address or phone number; 'user:<id>' while the contact is unknown."
    )
    status: str = strawberry.field(
        description="queued (waiting for the delivery worker, or for an address), sending (a "
        "provider call under way), sent (accepted by the provider or the dev mailbox), failed "
        "(refused by the provider, or given up after the last attempt; see lastError)."
    )
    subject: str
    body: str
    event_id: str = strawberry.field(description="The event this message announces.")
    order_id: strawberry.ID | None
    created_at: datetime
    attempts: int = strawberry.field(description="Provider calls made so far.")
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed (the provider's error), if it did."
    )
    sent_at: datetime | None = strawberry.field(description="When the provider accepted it.")
    provider_message_id: str | None = strawberry.field(
        description="The provider's id (SendGrid X-Message-Id, Twilio SM...)."
    )

    @classmethod
    def from_record(cls, r: NotificationRecord) -> Notification:
        order_id = None if r.order_id is None else strawberry.ID(r.order_id)
        return cls(
            id=strawberry.ID(r.id), channel=r.channel, template=r.template,
            template_version=r.template_version, recipient=r.recipient, status=r.status,
            subject=r.subject, body=r.body, event_id=r.event_id, order_id=order_id,
            created_at=r.created_at, attempts=r.attempts, last_error=r.last_error,
            sent_at=r.sent_at, provider_message_id=r.provider_message_id,
        )


@strawberry.type
class NotificationEdge:
    cursor: str
    node: Notification


@strawberry.type(description="Messages, newest first.")
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: NotificationPage) -> NotificationConnection:
        edges = [NotificationEdge(cursor=c, node=Notification.from_record(r))
                 for c, r in page.items]
        info = page_info([edge.cursor for edge in edges], has_next_page=page.has_next_page,
                         has_previous_page=page.has_previous_page)
        return cls(edges=edges, page_info=info)
