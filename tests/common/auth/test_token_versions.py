"""Token versions over HTTP (dev without Redis): answers read from users, one kept-alive
connection for many lookups instead of a new client and connection per user, every lookup with
the caller's service token, many users in one request, and a clear error when users refuses."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

import httpx
import pytest

from common.auth.refreshed_versions import RefreshedVersions
from common.auth.versions import BatchUnavailable, HttpVersions, VersionLookupRefused

ODD = "oauth|team/../u1?x=1#frag 100%"  # a provider's subject: none of it may steer the URL
MINIMUMS = {"u1": 3, "u2": 0, ODD: 7}


class _Users(BaseHTTPRequestHandler):
    """users' two routes; with ``service_auth`` both want the gateway's token, as users does
    with service auth on (off: every caller is trusted)."""

    protocol_version = "HTTP/1.1"  # keep-alive, as uvicorn serves users
    connections = 0
    paths: list[str] = []
    tokens: list[str | None] = []  # the service token of each one-user lookup
    service_auth = False

    def setup(self) -> None:
        type(self).connections += 1
        super().setup()

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        type(self).tokens.append(self.headers.get("x-service-token"))
        if not self._trusted():
            self._answer(401, {"error": "this service accepts only authenticated services"})
            return
        subject = unquote(self.path.rsplit("/", 1)[-1])
        status = 200 if subject in MINIMUMS else 404
        body = json.dumps({"minimum": MINIMUMS.get(subject, 0)}).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        type(self).paths.append(f"POST {self.path}")
        subjects = json.loads(self.rfile.read(int(self.headers["content-length"])))["subjects"]
        if not self._trusted():
            self._answer(401, {"error": "this service accepts only authenticated services"})
            return
        self._answer(200, {"minimums": {s: MINIMUMS.get(s, 0) for s in subjects}})

    def _trusted(self) -> bool:
        return not self.service_auth or self.headers.get("x-service-token") == "gateway-token"

    def _answer(self, status: int, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def users() -> Iterator[str]:
    _Users.connections, _Users.paths, _Users.tokens, _Users.service_auth = 0, [], [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Users)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/auth/token-versions"
    server.shutdown()
    server.server_close()


@pytest.mark.timeout(30)
def test_lookups_read_each_users_minimum_over_one_kept_alive_connection(users: str) -> None:
    versions = HttpVersions(users)
    try:
        answers = [versions.minimum(subject) for subject in ["u1", "u2"] * 25]
    finally:
        versions.close()
    assert answers == [3, 0] * 25
    assert _Users.connections == 1


@pytest.mark.timeout(30)
def test_an_unknown_user_is_an_error_for_the_cache_to_handle(users: str) -> None:
    versions = HttpVersions(users)
    try:
        with pytest.raises(httpx.HTTPStatusError):
            versions.minimum("nobody")
    finally:
        versions.close()


@pytest.mark.timeout(30)
def test_a_subject_with_url_syntax_is_sent_as_one_quoted_path_segment(users: str) -> None:
    # Unquoted, "/../u1?x=1#frag" asked for u1's minimum (or another route) instead.
    versions = HttpVersions(users)
    try:
        answer = versions.minimum(ODD)
    finally:
        versions.close()
    assert answer == 7
    assert _Users.paths == ["/auth/token-versions/" + quote(ODD, safe="")]


def _credential(token: str):  # type: ignore[no-untyped-def]
    return lambda: {"x-service-token": token}


@pytest.mark.timeout(30)
def test_many_users_are_read_in_one_request_with_the_service_token(users: str) -> None:
    _Users.service_auth = True
    versions = HttpVersions(users, credential=_credential("gateway-token"))
    try:
        answers = versions.minimums(["u1", "u2", ODD, "never-bumped"])
    finally:
        versions.close()
    assert answers == {"u1": 3, "u2": 0, ODD: 7, "never-bumped": 0}
    assert _Users.paths == ["POST /auth/token-versions"]


@pytest.mark.timeout(30)
def test_a_one_user_lookup_carries_the_service_token(users: str) -> None:
    # given users requiring a service token, and a caller holding the one it accepts
    _Users.service_auth = True
    versions = HttpVersions(users, credential=_credential("gateway-token"))
    # when one user's minimum is read
    try:
        answer = versions.minimum("u1")
    finally:
        versions.close()
    # then users was asked with the token, and answered
    assert (answer, _Users.tokens) == (3, ["gateway-token"])


@pytest.mark.timeout(30)
@pytest.mark.parametrize("credential", [None, _credential("stranger")],
                         ids=["no credential", "refused credential"])
def test_without_an_accepted_service_token_users_refuses_and_the_batch_is_asked_once(
        users: str, credential) -> None:  # type: ignore[no-untyped-def]
    # given users requiring a service token, and a caller without one it accepts
    _Users.service_auth = True
    versions = HttpVersions(users, credential=credential)
    try:
        # when it asks for many users, three times, then for one
        for _ in range(3):  # asked once; then refused without a request
            with pytest.raises(BatchUnavailable):
                versions.minimums(["u1", ODD])
        with pytest.raises(VersionLookupRefused) as refused:
            versions.minimum("u1")
    finally:
        versions.close()
    # then the one-user lookup fails saying what users answered and what to fix
    assert "HTTP 401" in str(refused.value)
    assert "accepts only authenticated services" in str(refused.value)
    assert "TRUSTED_CALLERS" in str(refused.value)
    assert _Users.paths == ["POST /auth/token-versions", "/auth/token-versions/u1"]


@pytest.mark.timeout(30)
def test_a_refused_lookup_fails_open_and_is_logged_not_raised(
        users: str, caplog: pytest.LogCaptureFixture) -> None:
    # given a verifier's cache over users that refuses this caller (no credential)
    _Users.service_auth = True
    versions = RefreshedVersions(HttpVersions(users), 5.0, background=False)
    # when a user's minimum is looked up
    try:
        with caplog.at_level(logging.WARNING, logger="common.auth.refreshed_versions"):
            minimum = versions.minimum("u1")
    finally:
        versions.close()
    # then the lookup answers (0: never read), and the log says users refused it
    assert minimum == 0
    assert any("users refused" in r.getMessage() for r in caplog.records)
