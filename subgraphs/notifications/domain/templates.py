"""Versioned message templates: a subject, an email body and a short SMS text per template.

A template's ``version`` is stored with every message rendered from it, so a changed wording
(issue 9 brings richer templates) never makes old messages ambiguous. Placeholders are
``str.format`` fields filled from the event; a missing value renders as "unknown".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from subgraphs.notifications.domain.records import Channel

__all__ = ["TEMPLATES", "Rendered", "Template", "format_money", "render"]

_ZERO_DECIMAL = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "HUF"})


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    version: int
    subject: str
    email: str
    sms: str


@dataclass(frozen=True, slots=True)
class Rendered:
    template: str
    version: int
    subject: str
    body: str


TEMPLATES: Mapping[str, Template] = {
    t.name: t
    for t in (
        Template(
            "welcome", 1, "Welcome to the shop, {full_name}",
            "Hello {full_name},\n\nyour account {email} is ready. Happy shopping!",
            "Welcome to the shop, {full_name}!",
        ),
        Template(
            "order_received", 1, "We received your order {order_id}",
            "Hello {full_name},\n\nwe received order {order_id} for {total}. Its status is "
            "{status}; we will tell you when the payment went through.",
            "Order {order_id} received ({total}).",
        ),
        Template(
            "order_paid", 1, "Payment received for order {order_id}",
            "Hello {full_name},\n\nthe payment of {total} for order {order_id} succeeded. "
            "Its status is {status}; we are preparing it for shipping.",
            "Order {order_id} is paid ({total}).",
        ),
        Template(
            "payment_failed", 1, "Payment failed for order {order_id}",
            "Hello {full_name},\n\nthe payment of {total} for order {order_id} failed "
            "({reason}). Its status is {status}; nothing was charged.",
            "Payment for order {order_id} failed ({reason}).",
        ),
        Template(
            "order_cancelled", 1, "Order {order_id} was cancelled",
            "Hello {full_name},\n\norder {order_id} ({total}) was cancelled ({reason}). "
            "Its status is {status}; any payment is refunded.",
            "Order {order_id} was cancelled.",
        ),
        Template(
            "password_reset", 1, "Reset your password",
            "Hello {full_name},\n\nsomeone asked to reset the password of {email}. To choose a "
            "new one, use this token with resetPassword before {expires_at}:\n\n{token}\n\n"
            "If it was not you, ignore this message; your password is unchanged.",
            "Password reset token: {token}",
        ),
        Template(
            "verify_email", 1, "Verify your email address",
            "Hello {full_name},\n\nconfirm that {email} is yours with this token "
            "(verifyEmail, before {expires_at}):\n\n{token}",
            "Email verification token: {token}",
        ),
        Template(
            "order_shipped", 1, "Order {order_id} is on its way",
            "Hello {full_name},\n\norder {order_id} has shipped. Its status is {status}; "
            "tracking number: {tracking_number}.",
            "Order {order_id} shipped, tracking {tracking_number}.",
        ),
    )
}


def render(name: str, channel: Channel, values: Mapping[str, object]) -> Rendered:
    """The message ``name`` for ``channel``, filled from ``values``."""
    template = TEMPLATES[name]
    filled = _Filled(values)
    text = template.sms if channel is Channel.SMS else template.email
    subject = template.subject.format_map(filled)
    return Rendered(template.name, template.version, subject, text.format_map(filled))


def format_money(amount: int, currency: str) -> str:
    """Integer minor units as a display string: 3998 EUR -> "39.98 EUR"."""
    if currency in _ZERO_DECIMAL:
        return f"{amount} {currency}"
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{whole}.{cents:02d} {currency}"


class _Filled(dict[str, object]):
    """Values for ``format_map``: absent or None fields read "unknown" instead of failing."""

    def __init__(self, values: Mapping[str, object]) -> None:
        super().__init__({k: v for k, v in values.items() if v is not None})

    def __missing__(self, key: str) -> str:
        return "unknown"
