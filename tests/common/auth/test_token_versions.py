"""Token versions over HTTP (dev without Redis): answers read from users, one kept-alive
connection for many lookups instead of a new client and connection per user, and many users in
one request when users accepts the caller's service token."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

import httpx
import pytest

from common.auth.versions import BatchUnavailable, HttpVersions

ODD = "oauth|team/../u1?x=1#frag 100%"  # a provider's subject: none of it may steer the URL
MINIMUMS = {"u1": 3, "u2": 0, ODD: 7}


class _Users(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as uvicorn serves users
    connections = 0
    paths: list[str] = []

    def setup(self) -> None:
        type(self).connections += 1
        super().setup()

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
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
        if self.headers.get("x-service-token") != "gateway-token":
            self._answer(401, {"error": "this service accepts only authenticated services"})
            return
        self._answer(200, {"minimums": {s: MINIMUMS.get(s, 0) for s in subjects}})

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
    _Users.connections, _Users.paths = 0, []
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
    versions = HttpVersions(users, credential=_credential("gateway-token"))
    try:
        answers = versions.minimums(["u1", "u2", ODD, "never-bumped"])
    finally:
        versions.close()
    assert answers == {"u1": 3, "u2": 0, ODD: 7, "never-bumped": 0}
    assert _Users.paths == ["POST /auth/token-versions"]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("credential", [None, _credential("stranger")],
                         ids=["no credential", "refused credential"])
def test_without_an_accepted_service_token_the_batch_is_unavailable_and_asked_once(
        users: str, credential) -> None:  # type: ignore[no-untyped-def]
    versions = HttpVersions(users, credential=credential)
    try:
        for _ in range(3):  # asked once; then refused without a request
            with pytest.raises(BatchUnavailable):
                versions.minimums(["u1", ODD])
        one = versions.minimum("u1")  # one subject at a time still works
    finally:
        versions.close()
    assert one == 3
    assert _Users.paths == ["POST /auth/token-versions", "/auth/token-versions/u1"]
