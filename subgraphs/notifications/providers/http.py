"""What the providers share: HTTP answers and network errors as outcomes, Retry-After, and
error texts scrubbed of credentials.

Retryable: 429 and 5xx (with the provider's Retry-After) and any transport error (connect,
read, timeout). Any other non-2xx is refused: retrying the same request cannot help.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from subgraphs.notifications.domain.outcomes import Outcome

__all__ = ["MAX_ERROR", "Scrubber", "http_outcome", "network_outcome", "retry_after"]

MAX_ERROR = 500


class Scrubber:
    """Replaces every credential (and its HTTP basic-auth form) in a text with [redacted]."""

    def __init__(self, secrets: Iterable[str], basic: tuple[str, str] | None = None) -> None:
        values = [s for s in secrets if s]
        if basic is not None and all(basic):
            values.append(base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode())
        self.secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text[:MAX_ERROR]


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from ``Retry-After`` (RFC 9110 10.2.3: delay-seconds or an HTTP-date)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def http_outcome(name: str, response: httpx.Response, detail: str, scrub: Scrubber) -> Outcome:
    """A non-2xx answer: retry on 429/5xx (honouring Retry-After), refused otherwise."""
    error = scrub(f"{name}: HTTP {response.status_code}: {detail}")
    if response.status_code == 429 or response.status_code >= 500:
        return Outcome.retry(error, retry_after(response))
    return Outcome.refused(error)


def network_outcome(name: str, exc: httpx.HTTPError, scrub: Scrubber) -> Outcome:
    """A transport error: retryable (the request may or may not have reached the provider)."""
    return Outcome.retry(scrub(f"{name}: {type(exc).__name__}: {exc}"))
