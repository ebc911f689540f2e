"""How a consumer retries a failing handler: which errors are transient, delays, giving up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import InterfaceError, OperationalError

from streaming.handlers import TransientError

__all__ = ["TRANSIENT", "HandlerTimeoutError", "RetryPolicy"]


TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionError,
    TimeoutError,
    OperationalError,  # database down, SQLite busy: the infrastructure, not the message
    InterfaceError,
)


class HandlerTimeoutError(Exception):
    """A handler attempt ran longer than ``KafkaSettings.handler_timeout_ms`` and was cancelled.

    A failed attempt like any other error (retried, then dead-lettered); deliberately not a
    ``TimeoutError``, which counts as transient and would be retried without limit.
    """


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a failing handler is retried: doubling delays, then the dead-letter topic.

    Errors of a ``transient`` type are retried without limit (a database or provider outage
    must not flood the dead-letter topic); the partition waits meanwhile, keeping its order.
    """

    attempts: int = 5
    initial_backoff: float = 0.1
    max_backoff: float = 5.0
    transient: tuple[type[BaseException], ...] = TRANSIENT

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return min(self.initial_backoff * 2 ** (attempt - 1), self.max_backoff)

    def gives_up(self, error: BaseException, attempt: int) -> bool:
        """True when the record should go to the dead-letter topic now."""
        return attempt >= self.attempts and not isinstance(error, self.transient)
