"""What must never reach a log line: bearer tokens, JWTs and secret-named fields."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["REDACTED", "redact_fields", "redact_text"]

REDACTED = "[redacted]"
_SECRET_KEYS = ("password", "token", "authorization", "card", "secret", "cookie", "api_key")
# RFC 6750 bearer credentials, and anything shaped like a JWS compact serialisation (RFC 7515
# §7.1: three base64url parts, the header starting with '{"' = "eyJ").
_TOKENS = re.compile(r"(?i)\b(bearer|basic)\s+[\w\-.~+/=]+|\beyJ[\w-]*\.[\w-]+\.[\w-]*")


def redact_text(text: str) -> str:
    """``text`` with credentials replaced (a message that quotes a header or a token)."""
    if "eyJ" not in text and "earer" not in text and "asic" not in text:
        return text  # the common case, without running the expression
    return _TOKENS.sub(lambda m: f"{m.group(1)} {REDACTED}" if m.group(1) else REDACTED, text)


def redact_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Structured extras with secret-named keys replaced."""
    return {key: REDACTED if any(word in key.lower() for word in _SECRET_KEYS) else value
            for key, value in fields.items()}
