"""Refusing to start with unusable provider secrets (STYLE.md habit 6, issue 9 part 3).

Checked when the services are built, outside pydantic: a pydantic model error would quote the
whole input, keys included. Messages name the variables, never their values.

- Every environment: a Twilio pair must be whole (Account SID and auth token both set or both
  empty) and a configured Twilio needs a sender (from number or messaging service SID); the
  delivery lease must exceed the provider call timeout.
- ``ENVIRONMENT=production``: a configured key must not look like a placeholder (shorter than
  16 characters, or starting with placeholder, changeme, change-me, change_me, test, dummy,
  example, xxx, your), and provider base URLs must be https.
"""

from __future__ import annotations

from subgraphs.notifications.config import NotificationsSettings

__all__ = ["InsecureSettings", "check_settings", "looks_like_placeholder"]

PLACEHOLDER_PREFIXES = ("placeholder", "changeme", "change-me", "change_me", "test", "dummy",
                        "example", "xxx", "your")
MIN_KEY_LENGTH = 16


class InsecureSettings(RuntimeError):
    """The service refuses to start; the message names variables only."""


def looks_like_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return len(lowered) < MIN_KEY_LENGTH or lowered.startswith(PLACEHOLDER_PREFIXES)


def check_settings(settings: NotificationsSettings) -> None:
    """Raise InsecureSettings listing every problem; nothing when all is well."""
    problems = _pairs(settings)
    if settings.environment == "production":
        problems += _placeholders(settings) + _plain_http(settings)
    if problems:
        raise InsecureSettings("refusing to start: " + "; ".join(problems))


def _keys(settings: NotificationsSettings) -> dict[str, str]:
    return {
        "SENDGRID_API_KEY": settings.sendgrid_api_key.get_secret_value(),
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token.get_secret_value(),
    }


def _pairs(settings: NotificationsSettings) -> list[str]:
    keys = _keys(settings)
    sid, token = keys["TWILIO_ACCOUNT_SID"], keys["TWILIO_AUTH_TOKEN"]
    problems = []
    if bool(sid) != bool(token):
        problems.append("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together")
    sender = settings.twilio_from_number or settings.twilio_messaging_service_sid
    if sid and token and not sender:
        problems.append("Twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
    if settings.delivery_lease_seconds <= settings.delivery_timeout_seconds:
        problems.append("DELIVERY_LEASE_SECONDS must exceed DELIVERY_TIMEOUT_SECONDS")
    return problems


def _placeholders(settings: NotificationsSettings) -> list[str]:
    return [f"{name} looks like a placeholder" for name, value in _keys(settings).items()
            if value and looks_like_placeholder(value)]


def _plain_http(settings: NotificationsSettings) -> list[str]:
    bases = {"SENDGRID_BASE_URL": settings.sendgrid_base_url,
             "TWILIO_BASE_URL": settings.twilio_base_url}
    return [f"{name} must be https in production" for name, url in bases.items()
            if not url.startswith("https://")]
