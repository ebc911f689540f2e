"""Stripe keys come from the environment only, select Stripe, are refused in production when they
look like placeholders, and never show in logs, exception texts or GraphQL answers."""

from __future__ import annotations

import logging

import pytest
from pydantic import ValidationError

from common.telemetry.logs import JsonFormatter
from subgraphs.kit.settings import load_settings
from subgraphs.payments.app import build_provider
from subgraphs.payments.config import PaymentsSettings
from subgraphs.payments.domain.provider import ProviderUnavailable
from subgraphs.payments.domain.sandbox import SandboxProvider
from subgraphs.payments.domain.stripe_provider import StripeProvider
from tests.subgraphs.payments.fake_stripe import FakeStripe
from tests.subgraphs.payments.harness import Harness, reserved
from tests.subgraphs.payments.stripe_harness import WEBHOOK_SECRET, post_webhook, sign
from tests.subgraphs.payments.test_federation import ORDER_PAYMENT

LIVE_KEY = "sk_live_51HqLyjWDarjtT1zdp7dcXGR3Dp4oK0GheUKnDYhvCrwtH4mc"
LIVE_HOOK = "whsec_3bF9kL2mN8pQ4rS6tU1vW7xY0zA5cD9e"
PRODUCTION_JWT = "a-production-jwt-secret-of-at-least-32-characters"


def settings(**values: str) -> PaymentsSettings:
    return load_settings(PaymentsSettings, "payments", database_url="sqlite+aiosqlite://",
                         **values)


def production(**values: str) -> PaymentsSettings:
    return settings(environment="production", jwt_secret=PRODUCTION_JWT,
                    service_auth_required="true", **values)


def test_the_sandbox_stays_the_default_without_a_key() -> None:
    chosen = settings()
    assert chosen.payment_provider == "sandbox"
    assert isinstance(build_provider(chosen, None), SandboxProvider)  # type: ignore[arg-type]


@pytest.mark.parametrize("variable", ["STRIPE_API_KEY", "PAYMENTS_STRIPE_API_KEY"])
def test_a_key_in_the_environment_selects_stripe(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "sk_test_from_env_123")
    chosen = settings()
    assert chosen.payment_provider == "stripe"
    assert chosen.stripe_api_key.get_secret_value() == "sk_test_from_env_123"
    assert isinstance(build_provider(chosen, None), StripeProvider)  # type: ignore[arg-type]


def test_an_explicit_sandbox_wins_over_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_from_env_123")
    monkeypatch.setenv("PAYMENT_PROVIDER", "sandbox")
    assert settings().payment_provider == "sandbox"


def test_a_live_key_and_signing_secret_start_in_production() -> None:
    chosen = production(stripe_api_key=LIVE_KEY, stripe_webhook_secret=LIVE_HOOK)
    assert chosen.payment_provider == "stripe"


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"stripe_api_key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"}, "live key"),
        ({"stripe_api_key": "sk_live_placeholder"}, "live key"),
        ({"stripe_api_key": "sk_live_changeme_xxx"}, "live key"),
        ({"stripe_api_key": "pk_live_51Hq"}, "secret or restricted key"),
        ({"payment_provider": "stripe"}, "secret or restricted key"),
        ({"stripe_api_key": LIVE_KEY}, "STRIPE_WEBHOOK_SECRET"),
        ({"stripe_api_key": LIVE_KEY, "stripe_webhook_secret": "whsec_placeholder"},
         "STRIPE_WEBHOOK_SECRET"),
    ],
)
def test_production_refuses_to_start_with_placeholder_or_test_secrets(
    values: dict[str, str], complaint: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        production(**values)
    assert complaint in str(refused.value)
    for secret in values.values():  # the refusal names the option, never the value
        assert secret == "stripe" or secret not in str(refused.value)


def test_production_refuses_the_sdks_console_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STRIPE_LOG", "debug")
    with pytest.raises(ValidationError, match="STRIPE_LOG"):
        production(stripe_api_key=LIVE_KEY, stripe_webhook_secret=LIVE_HOOK)


def test_dev_accepts_a_test_key_without_a_webhook_secret() -> None:
    assert settings(stripe_api_key="sk_test_fake_0123").payment_provider == "stripe"


def test_settings_never_print_the_secrets() -> None:
    chosen = production(stripe_api_key=LIVE_KEY, stripe_webhook_secret=LIVE_HOOK)
    shown = f"{chosen!r} {chosen} {chosen.model_dump()} {chosen.model_dump_json()}"
    assert LIVE_KEY not in shown and LIVE_HOOK not in shown


async def test_a_rejected_key_raises_without_quoting_it(fake_stripe: FakeStripe) -> None:
    wrong = "sk_test_wrong_0123456789abcdef"
    provider = StripeProvider(wrong, api_base=fake_stripe.url, max_network_retries=0)
    try:
        with pytest.raises(ProviderUnavailable) as failed:
            await provider.charge("o-1", 100, "EUR", "pm_card_visa", "o-1")
    finally:
        await provider.close()
    assert "AuthenticationError" in str(failed.value) and wrong not in str(failed.value)
    assert failed.value.__cause__ is None and failed.value.__suppress_context__


async def test_nothing_logged_while_charging_declining_retrying_or_refusing_webhooks_leaks(
    stripe_app: Harness, fake_stripe: FakeStripe, caplog: pytest.LogCaptureFixture
) -> None:
    # given every logger at DEBUG, rendered by the service's JSON formatter
    caplog.set_level(logging.DEBUG)
    # when payments charges, is declined, retries a 500 and refuses a badly signed webhook
    await stripe_app.deliver(reserved())
    await stripe_app.deliver(reserved(payment_method="pm_card_chargeDeclined"))
    fake_stripe.fail(1, "500")
    await stripe_app.deliver(reserved())
    await post_webhook(stripe_app, {}, body=b"{}", signature=sign(b"{}", "whsec_wrong"))
    # then no line carries the API key, the webhook secret or a PaymentIntent client secret
    formatter = JsonFormatter("payments")
    text = "\n".join(formatter.format(record) for record in caplog.records)
    assert fake_stripe.api_key not in text and WEBHOOK_SECRET not in text
    assert "Bearer" not in text and "client_secret" not in text
    assert not [r for r in caplog.records if r.name.startswith("stripe")]


async def test_graphql_shows_the_decline_code_and_nothing_of_the_provider_exchange(
    stripe_app: Harness, fake_stripe: FakeStripe
) -> None:
    event = reserved(user_id="owner", payment_method="pm_card_visa_chargeDeclinedInsufficientFunds")
    await stripe_app.deliver(event)

    representation = {"__typename": "Order", "id": event.payload.order_id}
    answer = await stripe_app.gql(ORDER_PAYMENT, {"r": [representation]},
                                  token=stripe_app.token("owner"))

    payment = answer["data"]["_entities"][0]["payment"]
    assert payment["status"] == "FAILED" and payment["failureReason"] == "insufficient_funds"
    assert fake_stripe.api_key not in str(answer) and "errors" not in answer
