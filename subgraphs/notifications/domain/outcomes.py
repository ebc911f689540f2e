"""What a provider answered for one message, and the ``Provider`` seam the worker calls.

Providers (SendGrid, Twilio; ``providers/``) turn their HTTP answers into an ``Outcome``:
``sent`` (accepted, with the provider's message id), ``retry`` (429, 5xx, a network error;
optionally the provider's Retry-After) or ``refused`` (any other 4xx: retrying cannot help).
Errors are short texts already free of credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from subgraphs.notifications.domain.records import NotificationRecord

__all__ = ["Outcome", "Provider", "Verdict"]


class Verdict(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Outcome:
    verdict: Verdict
    message_id: str | None = None
    error: str | None = None
    retry_after: float | None = None

    @classmethod
    def sent(cls, message_id: str | None) -> Outcome:
        return cls(Verdict.SENT, message_id=message_id)

    @classmethod
    def retry(cls, error: str, retry_after: float | None = None) -> Outcome:
        return cls(Verdict.RETRY, error=error, retry_after=retry_after)

    @classmethod
    def refused(cls, error: str) -> Outcome:
        return cls(Verdict.REFUSED, error=error)


class Provider(Protocol):
    """Hands one stored message to an external service; never raises for HTTP failures."""

    name: str

    async def deliver(self, message: NotificationRecord) -> Outcome: ...
