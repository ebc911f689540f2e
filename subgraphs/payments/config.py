"""Payments settings: the kit's options plus the payment provider and its sandbox ledger."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from sqlalchemy.engine import make_url

from subgraphs.kit.settings import ServiceSettings
from subgraphs.payments.stripe_secrets import check_stripe_secrets

__all__ = ["CONSUMER_GROUP", "MIGRATIONS_DIR", "PORT", "SERVICE", "PaymentsSettings"]

SERVICE = "payments"
PORT = 5005
CONSUMER_GROUP = "payments"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


class PaymentsSettings(ServiceSettings):
    """Read from ``PAYMENTS_<OPTION>`` then ``<OPTION>``."""

    # A refused setting must not echo its input: pydantic would print the Stripe key.
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    payment_provider: Literal["sandbox", "stripe"] = Field(
        "sandbox",
        description="Who charges cards. Becomes `stripe` when STRIPE_API_KEY is set and this "
        "option is not; `sandbox` set explicitly keeps the sandbox even with a key.",
    )
    stripe_api_key: SecretStr = Field(
        SecretStr(""), description="Stripe secret key (sk_live_/rk_live_ in production)."
    )
    stripe_webhook_secret: SecretStr = Field(
        SecretStr(""), description="Signing secret (whsec_...) of the /webhooks/stripe endpoint."
    )
    stripe_api_base: str = Field(
        "https://api.stripe.com", description="Stripe's API base URL (a local fake in tests)."
    )
    stripe_max_network_retries: int = Field(
        2, ge=0, le=10, description="Retries the Stripe SDK makes itself, with the same key."
    )
    stripe_timeout_seconds: float = Field(
        30.0, gt=0, le=120, description="Timeout of one Stripe API request."
    )
    provider_call_timeout_seconds: float = Field(
        25.0, gt=0, le=600, description="Deadline of one charge or refund, SDK retries "
        "included; below the consumer's handler timeout (KAFKA_HANDLER_TIMEOUT_MS, 30 s), so "
        "a slow provider is an outage retried later with the same idempotency key."
    )
    provider_breaker_failures: int = Field(
        5, ge=0, description="Consecutive provider failures (outage, 5xx, timeout) that open "
        "its circuit breaker: charges then fail fast and stay queued (0: no breaker)."
    )
    provider_breaker_reset_seconds: float = Field(
        15.0, gt=0, description="How long the open breaker fails fast before one probe call."
    )
    stripe_webhook_tolerance_seconds: int = Field(
        300, gt=0, le=3600, description="Oldest Stripe-Signature timestamp accepted."
    )
    sandbox_ledger_url: str = Field(
        "",
        description="Database of the sandbox provider's ledger (what it charged and refunded). "
        "Empty: the payments database on PostgreSQL; a sibling file `<name>-sandbox.db` beside "
        "a SQLite one, because SQLite has one writer and the ledger commits apart from "
        "payments' own transactions, as a real provider would.",
    )
    allow_sandbox_in_production: bool = Field(
        False, description="Let ENVIRONMENT=production run on the sandbox provider, where orders "
        "become PAID with no money moving (a staging deployment); refused otherwise."
    )
    sandbox_fail_refunds: bool = Field(
        False, description="Make every sandbox refund fail (to exercise the dead-letter path)."
    )

    subscription_poll_seconds: float = Field(
        0.5, gt=0, le=60, description="How often a paymentStatusChanged subscription looks."
    )

    @model_validator(mode="after")
    def _ledger_default(self) -> Self:
        if not self.sandbox_ledger_url:
            self.sandbox_ledger_url = sandbox_ledger_default(self.database_url)
        return self

    @model_validator(mode="after")
    def _stripe_when_keyed(self) -> Self:
        key = self.stripe_api_key.get_secret_value()
        if key and "payment_provider" not in self.model_fields_set:
            self.payment_provider = "stripe"
        if self.payment_provider == "stripe":
            check_stripe_secrets(
                key, self.stripe_webhook_secret.get_secret_value(),
                production=self.environment == "production",
                console_log=os.environ.get("STRIPE_LOG", ""),
            )
        elif self.environment == "production" and not self.allow_sandbox_in_production:
            raise ValueError("PAYMENT_PROVIDER=sandbox is refused in production (orders would "
                             "be PAID with no money moving): set STRIPE_API_KEY, or "
                             "ALLOW_SANDBOX_IN_PRODUCTION=true for a staging deployment")
        return self


def sandbox_ledger_default(database_url: str) -> str:
    """The payments database itself, or a sibling SQLite file (see ``sandbox_ledger_url``)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return database_url
    path = Path(url.database)
    sibling = path.with_name(f"{path.stem}-sandbox{path.suffix}")
    return url.set(database=str(sibling)).render_as_string(hide_password=False)
