"""What each saga event means to a user: which template, for whom, on which channels.

| event                              | template         |
|------------------------------------|------------------|
| UserRegistered                     | welcome          |
| OrderCreated                       | order_received   |
| OrderStatusChanged PAID            | order_paid       |
| OrderStatusChanged PAYMENT_FAILED  | payment_failed   |
| OrderStatusChanged CANCELLED       | order_cancelled  |
| OrderStatusChanged (other status)  | none             |
| OrderShipped                       | order_shipped    |
| PasswordResetRequested             | password_reset   |
| EmailVerificationRequested         | verify_email     |

Channel ``email`` always, ``sms`` too when the user gave a phone number, each only while the
user has not opted out of it (``notification_preferences``; checked when the event is handled,
so an opt-out affects later events only). The two account messages (reset, verification) are
security mail: email only, to the account's address, whatever the preferences. Never commits.

The contact comes from the contacts table (UserRegistered). When it is not there, the
``ContactDirectory`` (the users subgraph) is asked; what it answers is remembered like a
UserRegistered would be (and addresses the emails queued for ``user:<id>``). When neither knows
it, the message waits or falls back to ``user:<id>`` (``_queue``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from streaming.events import (
    EmailVerificationRequested,
    Envelope,
    OrderCreated,
    OrderShipped,
    OrderStatus,
    OrderStatusChanged,
    PasswordResetRequested,
    UserRegistered,
)
from subgraphs.notifications.domain.contacts import ContactDirectory
from subgraphs.notifications.domain.errors import ContactNotYetKnown
from subgraphs.notifications.domain.records import (
    Channel,
    Contact,
    Delivery,
    Recipient,
    Status,
)
from subgraphs.notifications.domain.repository import NotificationRepository
from subgraphs.notifications.domain.sender import DevMailbox, NotificationSender
from subgraphs.notifications.domain.templates import format_money, render

__all__ = ["STATUS_TEMPLATES", "NotificationService"]

STATUS_TEMPLATES = {
    OrderStatus.PAID: "order_paid",
    OrderStatus.PAYMENT_FAILED: "payment_failed",
    OrderStatus.CANCELLED: "order_cancelled",
}


class NotificationService:
    """Turns consumed events into messages handed to the sender."""

    def __init__(
        self,
        sender: NotificationSender | None = None,
        repository: NotificationRepository | None = None,
        *,
        contact_wait: timedelta = timedelta(seconds=10),
        directory: ContactDirectory | None = None,
    ) -> None:
        self.repository = repository or NotificationRepository()
        self.sender = sender or DevMailbox(self.repository)
        self.contact_wait = contact_wait
        self.directory = directory

    async def user_registered(self, session: AsyncSession, event: Envelope) -> None:
        """Remember the contact, address the emails that waited for it, welcome the user."""
        p: UserRegistered = event.payload  # type: ignore[assignment]
        await self.repository.save_contact(
            session, Contact(p.user_id, p.email, p.full_name, p.phone)
        )
        await self.sender.address_found(session, p.user_id, p.email)
        await self._notify(session, event, "welcome", p.user_id, None, {})

    async def order_created(self, session: AsyncSession, event: Envelope) -> None:
        p: OrderCreated = event.payload  # type: ignore[assignment]
        await self.repository.save_total(session, p.order_id, p.total.amount, p.total.currency)
        values = {"total": format_money(p.total.amount, p.total.currency), "status": "PENDING"}
        await self._notify(session, event, "order_received", p.user_id, p.order_id, values)

    async def status_changed(self, session: AsyncSession, event: Envelope) -> None:
        p: OrderStatusChanged = event.payload  # type: ignore[assignment]
        template = STATUS_TEMPLATES.get(p.status)
        if template is not None:
            values = {"status": str(p.status), "reason": p.reason}
            await self._notify(session, event, template, p.user_id, p.order_id, values)

    async def order_shipped(self, session: AsyncSession, event: Envelope) -> None:
        p: OrderShipped = event.payload  # type: ignore[assignment]
        values = {"status": str(OrderStatus.SHIPPED), "tracking_number": p.tracking_number}
        await self._notify(session, event, "order_shipped", p.user_id, p.order_id, values)

    async def password_reset_requested(self, session: AsyncSession, event: Envelope) -> None:
        p: PasswordResetRequested = event.payload  # type: ignore[assignment]
        contact = await self._contact(session, p.user_id)
        if contact is None:  # the reset mail needs the address: wait for it, then give up
            if datetime.now(UTC) < event.occurred_at + self.contact_wait:
                raise ContactNotYetKnown(p.user_id)
            return
        await self._account_mail(session, event, "password_reset", p.user_id, contact.email,
                                 {"token": p.token, "expires_at": p.expires_at.isoformat()},
                                 contact)

    async def email_verification_requested(self, session: AsyncSession, event: Envelope
                                           ) -> None:
        p: EmailVerificationRequested = event.payload  # type: ignore[assignment]
        contact = await self.repository.contact(session, p.user_id)
        await self._account_mail(session, event, "verify_email", p.user_id, p.email,
                                 {"token": p.token, "expires_at": p.expires_at.isoformat()},
                                 contact)

    async def _account_mail(self, session: AsyncSession, event: Envelope, template: str,
                            user_id: str, email: str, values: dict[str, object],
                            contact: Contact | None) -> None:
        name = contact.full_name if contact is not None else "customer"
        values = {**values, "email": email, "full_name": name}
        delivery = _delivery(event, template, Channel.EMAIL, email, user_id, None, values)
        await self.sender.send(session, delivery)

    async def _notify(
        self, session: AsyncSession, event: Envelope, template: str,
        user_id: str, order_id: str | None, values: dict[str, object],
    ) -> None:
        recipient = await self._recipient(session, user_id, _total_wanted(order_id, values))
        if recipient is None:
            return await self._queue(session, event, template, user_id, order_id, values)
        contact, preferences = recipient.contact, recipient.preferences
        values = {**values, **_order_values(order_id, recipient.total)}
        values |= {"email": contact.email, "full_name": contact.full_name}
        deliveries = [
            _delivery(event, template, channel, address, user_id, order_id, values)
            for channel, address in _addresses(contact) if preferences.allows(channel)
        ]
        if deliveries:  # every channel of the event in one statement
            await self.sender.send(session, *deliveries)

    async def _recipient(
        self, session: AsyncSession, user_id: str, order_id: str | None
    ) -> Recipient | None:
        """The remembered contact with the user's preferences and ``order_id``'s total (one
        query); failing that, the directory's contact with the preferences and total read
        after it."""
        known = await self.repository.recipient(session, user_id, order_id)
        if known is not None or self.directory is None:
            return known
        found = await self._from_directory(session, self.directory, user_id)
        if found is None:
            return None
        preferences = await self.repository.preferences(session, user_id)
        return Recipient(found, preferences, await self._total(session, order_id))

    async def _contact(self, session: AsyncSession, user_id: str) -> Contact | None:
        """The remembered contact; failing that, the directory's, remembered from now on."""
        known = await self.repository.contact(session, user_id)
        if known is not None or self.directory is None:
            return known
        return await self._from_directory(session, self.directory, user_id)

    async def _from_directory(
        self, session: AsyncSession, directory: ContactDirectory, user_id: str
    ) -> Contact | None:
        """Ask the directory; what it answers is remembered like a UserRegistered would be."""
        found = await directory.contact(user_id)
        if found is None or found.user_id != user_id:
            return None
        await self.repository.save_contact(session, found)
        await self.sender.address_found(session, user_id, found.email)
        return found

    async def _queue(
        self, session: AsyncSession, event: Envelope, template: str,
        user_id: str, order_id: str | None, values: dict[str, object],
    ) -> None:
        """No contact: retry while it may still be on its way, then keep the email queued."""
        if datetime.now(UTC) < event.occurred_at + self.contact_wait:
            raise ContactNotYetKnown(user_id)
        if not (await self.repository.preferences(session, user_id)).email:
            return None
        total = await self._total(session, _total_wanted(order_id, values))
        values = {**values, **_order_values(order_id, total)}
        values |= {"full_name": "customer"}
        delivery = _delivery(event, template, Channel.EMAIL, f"user:{user_id}",
                             user_id, order_id, values)
        await self.repository.record(session, delivery, Status.QUEUED)

    async def _total(self, session: AsyncSession, order_id: str | None) -> tuple[int, str] | None:
        return None if order_id is None else await self.repository.total(session, order_id)


def _total_wanted(order_id: str | None, values: dict[str, object]) -> str | None:
    """The order whose total (from OrderCreated) the message quotes: none when the event
    carries its own."""
    return None if "total" in values else order_id


def _order_values(order_id: str | None, total: tuple[int, str] | None) -> dict[str, object]:
    """The order id, and the total looked up for it (``_total_wanted``) when one was found."""
    if order_id is None:
        return {}
    return {"order_id": order_id, **({"total": format_money(*total)} if total else {})}


def _addresses(contact: Contact) -> list[tuple[Channel, str]]:
    sms = [(Channel.SMS, contact.phone)] if contact.phone else []
    return [(Channel.EMAIL, contact.email), *sms]


def _delivery(
    event: Envelope, template: str, channel: Channel, recipient: str,
    user_id: str, order_id: str | None, values: dict[str, object],
) -> Delivery:
    rendered = render(template, channel, values)
    return Delivery(
        event_id=str(event.id), channel=channel, template=rendered.template,
        template_version=rendered.version, recipient=recipient, subject=rendered.subject,
        body=rendered.body, user_id=user_id, order_id=order_id,
    )
