"""Delivering queued messages through providers: claim, call, settle; backoff; leases.

Each message goes ``queued`` -> ``sending`` (claimed, one attempt counted, committed *before*
the provider is called) -> ``sent`` | ``queued`` again (retryable, with a later
``next_attempt_at``) | ``failed`` (refused, or "gave up after N attempts").

SendGrid and Twilio take no idempotency keys, so a message may go out twice only when the
provider accepted it and we never learnt so: the response was lost (a read timeout after the
request went out, retried as a network error) or the process died between the call and the
settling commit. The second case leaves the row ``sending``; once its lease has passed
(longer than any provider call may take) ``reconcile`` either marks it ``failed`` with
"outcome unknown" (``interrupted="fail"``, the default: never twice) or queues it again
(``"resend"``: at least once). Never commits.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.notifications.domain.outcomes import Outcome, Provider, Verdict
from subgraphs.notifications.domain.queue import DeliveryQueue
from subgraphs.notifications.domain.records import Channel, NotificationRecord, Status

__all__ = ["INTERRUPTED", "MAX_RETRY_AFTER", "DeliveryPolicy", "DeliveryService"]

INTERRUPTED = "outcome unknown: interrupted during the provider call"
MAX_RETRY_AFTER = 3600.0  # a Retry-After beyond an hour is read as an hour
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How often and how far apart a message is tried, and what an interrupted call means."""

    max_attempts: int = 5
    backoff: float = 2.0
    backoff_cap: float = 300.0
    lease: float = 60.0
    interrupted: Literal["fail", "resend"] = "fail"

    def delay(self, attempt: int, retry_after: float | None, rand: float) -> float:
        """Exponential backoff with equal jitter after ``attempt`` (1-based), never shorter
        than the provider's Retry-After: half the step fixed, half random."""
        step = min(self.backoff_cap, self.backoff * 2 ** (attempt - 1))
        jittered = step / 2 + rand * step / 2
        return max(jittered, min(retry_after or 0.0, MAX_RETRY_AFTER))


class DeliveryService:
    """Moves queued messages to their providers, one channel each."""

    def __init__(
        self,
        providers: Mapping[Channel, Provider],
        policy: DeliveryPolicy | None = None,
        queue: DeliveryQueue | None = None,
        *,
        clock: Clock = lambda: datetime.now(UTC),
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.providers = dict(providers)
        self.policy = policy or DeliveryPolicy()
        self.queue = queue or DeliveryQueue()
        self.clock, self.rand = clock, rand

    async def claim(self, session: AsyncSession, limit: int) -> list[NotificationRecord]:
        """Claim up to ``limit`` due messages (each now ``sending``, its attempt counted)."""
        now = self.clock()
        channels = [str(c) for c in self.providers]
        claimed = [await self.queue.claim(session, i, now)
                   for i in await self.queue.due(session, now, channels, limit)]
        return [record for record in claimed if record is not None]

    async def attempt(self, record: NotificationRecord) -> Outcome:
        """One provider call; an unexpected exception counts as retryable, named by type only
        (its text might quote a request)."""
        provider = self.providers[Channel(record.channel)]
        try:
            return await provider.deliver(record)
        except Exception as exc:  # a provider bug must not leave the row sending
            return Outcome.retry(f"{provider.name}: unexpected {type(exc).__name__}")

    async def settle(
        self, session: AsyncSession, record: NotificationRecord, outcome: Outcome
    ) -> Status | None:
        """Record ``outcome`` of the attempt just made on ``record``; the resulting status, or
        None when the row was reconciled meanwhile (the outcome is then ignored)."""
        now = self.clock()
        status, values = self._result(record.attempts, outcome, now)
        applied = await self.queue.settle(session, record.id, status=status.value, **values)
        return status if applied else None

    async def reconcile(self, session: AsyncSession) -> int:
        """Settle messages left ``sending`` past their lease (see the module docstring)."""
        now = self.clock()
        stale = await self.queue.stale(session, now - timedelta(seconds=self.policy.lease))
        resend = self.policy.interrupted == "resend"
        status = Status.QUEUED if resend else Status.FAILED
        error = f"{INTERRUPTED}; {'queued again' if resend else 'not resent'}"
        for message_id in stale:
            await self.queue.settle(session, message_id, status=status.value, last_error=error,
                                    next_attempt_at=now)
        return len(stale)

    def _result(
        self, attempts: int, outcome: Outcome, now: datetime
    ) -> tuple[Status, dict[str, object]]:
        if outcome.verdict is Verdict.SENT:
            return Status.SENT, {"sent_at": now, "provider_message_id": outcome.message_id,
                                 "last_error": None}
        if outcome.verdict is Verdict.REFUSED:
            return Status.FAILED, {"last_error": outcome.error}
        if attempts >= self.policy.max_attempts:
            reason = f"gave up after {attempts} attempts; last: {outcome.error}"
            return Status.FAILED, {"last_error": reason}
        wait = self.policy.delay(attempts, outcome.retry_after, self.rand())
        return Status.QUEUED, {"last_error": outcome.error,
                               "next_attempt_at": now + timedelta(seconds=wait)}
