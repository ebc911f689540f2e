"""A delivery provider behind a circuit breaker: while SendGrid or Twilio keeps failing, messages
are put back for a later attempt at once instead of each waiting out a timeout.

The httpx client of each provider already bounds every call (``delivery_timeout_seconds``).
"""

from __future__ import annotations

from common.resilience import BreakerOpen, CircuitBreaker
from subgraphs.notifications.domain.outcomes import Outcome, Provider, Verdict
from subgraphs.notifications.domain.records import NotificationRecord

__all__ = ["GuardedProvider"]


class GuardedProvider:
    """A ``Provider`` forwarding to ``inner`` through ``breaker``; a retry verdict (429, 5xx,
    network) counts as a failure, sent and refused as answers."""

    def __init__(self, inner: Provider, breaker: CircuitBreaker) -> None:
        self.inner, self.breaker = inner, breaker
        self.name = inner.name

    async def deliver(self, message: NotificationRecord) -> Outcome:
        try:
            self.breaker.check()
        except BreakerOpen as error:
            return Outcome.retry(f"{self.name}: {error}", error.retry_in)
        outcome = await self.inner.deliver(message)
        if outcome.verdict == Verdict.RETRY:
            self.breaker.failure()
        else:
            self.breaker.success()
        return outcome
