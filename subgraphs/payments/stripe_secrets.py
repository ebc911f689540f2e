"""Which Stripe secrets payments accepts, so a placeholder never reaches production.

Policy (checked when the Stripe provider is selected; messages never quote a secret):

- any environment: the API key is a secret or restricted key (``sk_`` / ``rk_``, test or live);
  a publishable ``pk_`` key, or anything else, is refused.
- production: the key is live (``sk_live_`` / ``rk_live_``): a test key there would take orders
  and move no money. Neither the key nor the webhook secret may look like a placeholder
  (``placeholder``, ``changeme``, ``example``, ``dummy``, ``your_``, ``xxx``, ``fake``), and the
  webhook secret is required (``whsec_...``): without it no asynchronous payment ever settles.
  ``STRIPE_LOG=debug|info`` is refused too: the SDK then prints request and response bodies
  (PaymentIntent ``client_secret`` included) to stderr, past our JSON formatter. The SDK's
  ``stripe`` logger is held at WARNING by the provider for the same reason.
- dev and test: test keys are fine and the webhook secret may be empty (``/webhooks/stripe``
  then answers 503 and changes nothing).
"""

from __future__ import annotations

__all__ = ["PLACEHOLDER_MARKS", "check_stripe_secrets"]

PLACEHOLDER_MARKS = ("placeholder", "changeme", "change_me", "example", "dummy", "your_",
                     "xxx", "fake", "todo")
KEY_PREFIXES = ("sk_test_", "sk_live_", "rk_test_", "rk_live_")
LIVE_PREFIXES = ("sk_live_", "rk_live_")


def check_stripe_secrets(
    api_key: str, webhook_secret: str, *, production: bool, console_log: str = ""
) -> None:
    """Raise ValueError naming the option (never its value) when the pair is not acceptable."""
    if not api_key.startswith(KEY_PREFIXES):
        raise ValueError("STRIPE_API_KEY must be a Stripe secret or restricted key (sk_/rk_)")
    if not production:
        return
    if not api_key.startswith(LIVE_PREFIXES) or _placeholder(api_key):
        raise ValueError("STRIPE_API_KEY must be a live key in production, not a test key "
                         "or a placeholder")
    if not webhook_secret.startswith("whsec_") or _placeholder(webhook_secret):
        raise ValueError("STRIPE_WEBHOOK_SECRET must be set to the endpoint's signing secret "
                         "(whsec_...) in production")
    if console_log.lower() in ("debug", "info"):
        raise ValueError("STRIPE_LOG must be unset in production (it prints request bodies)")


def _placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(mark in lowered for mark in PLACEHOLDER_MARKS)
