"""Provider secrets: refused when unusable, never in logs, errors, GraphQL or settings' repr."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import pytest

from common.telemetry.logs import JsonFormatter
from subgraphs.kit.settings import load_settings
from subgraphs.notifications.app import build_services
from subgraphs.notifications.config import NotificationsSettings
from subgraphs.notifications.config_check import InsecureSettings
from tests.service_trust import generated_keys
from tests.subgraphs.notifications.fake_providers import Canned, FakeSendGrid, FakeTwilio, Recorded
from tests.subgraphs.notifications.harness import registered
from tests.subgraphs.notifications.provider_harness import MESSAGE_FIELDS, open_providers, settle

PRODUCTION_JWT = "a-production-jwt-secret-of-enough-length-0123456789"
GOOD = {
    "sendgrid_api_key": "SG.live-looking-key.abcdefghijklmnopqrstuvwxyz012345",
    "twilio_account_sid": "AC" + "9f" * 16,
    "twilio_auth_token": "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "twilio_from_number": "+15005550006",
}


KEYS = generated_keys(Path(tempfile.mkdtemp(prefix="notifications-keys-")))


def settings(environment: str = "production", **values: Any) -> NotificationsSettings:
    return load_settings(NotificationsSettings, "notifications", environment=environment,
                         jwt_secret=PRODUCTION_JWT, database_url="sqlite+aiosqlite://",
                         service_auth_required=True, service_keys_dir=KEYS, **(GOOD | values))


def refusal(config: NotificationsSettings) -> str:
    with pytest.raises(InsecureSettings) as raised:
        build_services(config, consume=False)
    return str(raised.value)


async def test_production_starts_with_real_looking_keys() -> None:
    services = build_services(settings(), consume=False)
    assert set(services.providers.by_channel) == {"email", "sms"}
    await services.providers.aclose()
    await services.database.dispose()


@pytest.mark.parametrize(("option", "value", "variable"), [
    ("sendgrid_api_key", "placeholder-sendgrid-key-0123456789", "SENDGRID_API_KEY"),
    ("sendgrid_api_key", "changeme", "SENDGRID_API_KEY"),
    ("sendgrid_api_key", "test-key-0123456789abcdefghijkl", "SENDGRID_API_KEY"),
    ("sendgrid_api_key", "SG.too-short", "SENDGRID_API_KEY"),
    ("twilio_auth_token", "CHANGEME-0123456789abcdef0123456", "TWILIO_AUTH_TOKEN"),
    ("twilio_account_sid", "your-account-sid-goes-here", "TWILIO_ACCOUNT_SID"),
])
def test_production_refuses_placeholder_keys_naming_the_variable_only(
    option: str, value: str, variable: str
) -> None:
    message = refusal(settings(**{option: value}))
    assert f"{variable} looks like a placeholder" in message
    assert value not in message


@pytest.mark.parametrize("environment", ["dev", "test"])
async def test_placeholders_are_allowed_outside_production(environment: str) -> None:
    services = build_services(settings(environment, sendgrid_api_key="placeholder"),
                              consume=False)
    await services.providers.aclose()
    await services.database.dispose()


@pytest.mark.parametrize("environment", ["dev", "production"])
@pytest.mark.parametrize("missing", ["twilio_account_sid", "twilio_auth_token"])
def test_half_a_twilio_pair_is_refused_everywhere(environment: str, missing: str) -> None:
    message = refusal(settings(environment, **{missing: ""}))
    assert "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together" in message
    assert GOOD["twilio_auth_token"] not in message and GOOD["twilio_account_sid"] not in message


def test_twilio_without_a_sender_and_plain_http_in_production_are_refused() -> None:
    message = refusal(settings(twilio_from_number="", sendgrid_base_url="http://sendgrid.local"))
    assert "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID" in message
    assert "SENDGRID_BASE_URL must be https in production" in message


def test_settings_never_print_the_keys() -> None:
    config = settings()
    for text in (repr(config), str(config), config.model_dump_json()):
        assert GOOD["sendgrid_api_key"] not in text and GOOD["twilio_auth_token"] not in text


def echo_credentials(request: Recorded) -> Canned:
    """A provider error that quotes the request's credentials back (the worst case)."""
    return Canned(400, {"errors": [{"message": f"bad request with {request.authorization}"}],
                        "code": 21211, "message": f"bad request with {request.authorization}"})


async def test_keys_never_reach_logs_errors_or_graphql(
    database_url: str, sendgrid: FakeSendGrid, twilio: FakeTwilio,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given both providers answering with errors that quote the credentials they received
    sendgrid.script.append(echo_credentials)
    twilio.script.append(echo_credentials)
    caplog.set_level(logging.DEBUG)  # httpx and httpcore included
    async with open_providers(database_url, sendgrid, twilio) as app:
        await app.deliver(registered("user-1"))
        messages = await settle(app)
        query = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on User { "
                 f"notifications {{ edges {{ node {{ {MESSAGE_FIELDS} }} }} }} }} }} }}")
        result = await app.gql(query, {"r": [{"__typename": "User", "id": "user-1"}]},
                               token=app.token("user-1"))
    # then the stored errors are redacted, and no key appears anywhere we emit text
    assert [m.status for m in messages] == ["failed", "failed"]
    assert all("[redacted]" in (m.last_error or "") for m in messages)
    formatter = JsonFormatter("notifications")
    emitted = [caplog.text, str(result), *(m.last_error or "" for m in messages),
               *(formatter.format(r) for r in caplog.records)]
    assert caplog.records, "the worker logs its outcomes"
    for secret in (sendgrid.api_key, twilio.auth_token, twilio.requests[0].authorization or "-"):
        assert all(secret not in text for text in emitted)


def test_a_settings_error_never_quotes_the_keys() -> None:
    # given production with the development JWT secret (the kit refuses it) and real keys
    with pytest.raises(ValueError) as raised:
        load_settings(NotificationsSettings, "notifications", environment="production",
                      database_url="sqlite+aiosqlite://", **GOOD)
    # then the error names the problem without echoing any input
    assert "JWT_SECRET" in str(raised.value)
    for value in GOOD.values():
        assert value not in str(raised.value) and value[-12:] not in str(raised.value)
