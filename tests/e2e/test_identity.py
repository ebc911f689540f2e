"""Through the gateway: the login + refresh flow, refresh replay, and a password change that
stops the old access token within the documented window (token version)."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.e2e.conftest import Client
from tests.e2e.platform import Platform

# The first test to run also starts the platform (session fixture): generous timeouts.
pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(600)]

SESSION = "token refreshToken user { id }"
REGISTER = f"mutation($i: RegisterInput!) {{ register(input: $i) {{ {SESSION} }} }}"
REFRESH = f"mutation($r: String!) {{ refreshToken(refreshToken: $r) {{ {SESSION} }} }}"
PASSWORD = "e2e-pass-123"


def registered(anonymous: Client) -> dict:
    email = f"e2e-id-{uuid.uuid4().hex[:8]}@example.com"
    return anonymous.data(REGISTER, i={"email": email, "password": PASSWORD,
                                       "fullName": "Identity"})["register"]


def code(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


def test_refresh_rotates_and_a_replay_ends_the_session(anonymous: Client) -> None:
    # given a session refreshed once through the gateway
    first = registered(anonymous)
    second = anonymous.data(REFRESH, r=first["refreshToken"])["refreshToken"]
    me = Client(anonymous.url, second["token"]).data("{ me { id } }")["me"]
    assert me["id"] == first["user"]["id"]
    # when the spent refresh token is replayed, then the whole family is gone
    assert code(anonymous(REFRESH, r=first["refreshToken"])) == "UNAUTHENTICATED"
    assert code(anonymous(REFRESH, r=second["refreshToken"])) == "UNAUTHENTICATED"


def test_a_password_change_stops_the_old_access_token(platform: Platform,
                                                      anonymous: Client) -> None:
    # given a session whose access token the gateway has already verified
    session = registered(anonymous)
    old = Client(anonymous.url, session["token"])
    assert old.data("{ me { id } }")["me"]["id"] == session["user"]["id"]
    # when the password changes
    change = (f'mutation {{ changePassword(currentPassword: "{PASSWORD}", '
              f'newPassword: "e2e-new-pass-456") {{ token }} }}')
    fresh = old.data(change)["changePassword"]["token"]
    # then within the version cache's window (5 s, polled up to 60 s) the old token is 401
    status = _poll_until_refused(platform.gateway_url, session["token"], deadline=60)
    assert status == 401
    assert Client(anonymous.url, fresh).data("{ me { id } }")["me"]["id"] == session["user"]["id"]


def test_users_answers_the_gateways_token_version_lookups(platform: Platform,
                                                         anonymous: Client) -> None:
    # given a new user's first request through the gateway: it reads their minimum from users
    # (one-user route), then keeps it fresh in batches (both service-only routes)
    session = registered(anonymous)
    me = Client(anonymous.url, session["token"])
    for _ in range(3):
        assert me.data("{ me { id } }")["me"]["id"] == session["user"]["id"]
        time.sleep(2)  # a batch refresh every half TTL (2.5 s)
    # then users refused none of the gateway's lookups (a refusal fails open, logged)
    assert "users refused" not in (platform.logs / "gateway.log").read_text(errors="replace")


def test_the_gateway_refuses_an_unsigned_token(platform: Platform) -> None:
    unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4IiwiZXhwIjo5OTk5OTk5OTk5fQ."
    response = httpx.post(platform.gateway_url, json={"query": "{ me { id } }"},
                          headers={"authorization": f"Bearer {unsigned}"}, timeout=30)
    assert response.status_code == 401


def _poll_until_refused(url: str, token: str, deadline: float) -> int:
    stop = time.monotonic() + deadline
    while True:
        response = httpx.post(url, json={"query": "{ me { id } }"},
                              headers={"authorization": f"Bearer {token}"}, timeout=30)
        if response.status_code == 401 or time.monotonic() > stop:
            return response.status_code
        time.sleep(0.5)
