"""Local fakes of SendGrid (Mail Send v3) and Twilio (Messages) over real HTTP.

Each is a Starlette app served by uvicorn on a free port in a thread of its own, and records
every request (method, path, Authorization, content type, raw body, arrival time). They speak
the documented shapes: SendGrid ``POST /v3/mail/send`` with ``Authorization: Bearer <key>``
and a JSON body, 202 with an empty body and ``X-Message-Id``, errors as
``{"errors": [{"message", "field", "help"}]}``; Twilio
``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` form-encoded with basic auth, 201 with
the Message resource (``sid`` SM + 32 hex), errors as ``{"code", "message", "more_info",
"status"}``. ``script`` queues canned answers (a status, a slow answer, a callable) that are
used, one per request, before the normal behaviour.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

__all__ = ["Canned", "FakeSendGrid", "FakeTwilio", "Recorded", "Slow"]


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    authorization: str | None
    content_type: str | None
    body: bytes
    at: float  # time.monotonic() on arrival

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))


@dataclass(frozen=True)
class Canned:
    """A fixed answer: status, headers and JSON body (None = empty)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Slow:
    """Answer normally, but only after ``seconds`` (past the client's timeout: a read error)."""

    seconds: float


Script = Canned | Slow | Callable[[Recorded], Canned]


class _Served:
    """A Starlette app on uvicorn in a daemon thread; ``url`` once started."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: list[Script] = []
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def routes(self) -> list[Route]:
        raise NotImplementedError

    def __enter__(self):  # type: ignore[no-untyped-def]
        port = _free_port()
        config = uvicorn.Config(Starlette(routes=self.routes()), host="127.0.0.1", port=port,
                                log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert time.monotonic() < deadline, "fake provider did not start"
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)

    async def _record(self, request: Request) -> tuple[Recorded, Script | None]:
        recorded = Recorded(request.method, request.url.path,
                            request.headers.get("authorization"),
                            request.headers.get("content-type"), await request.body(),
                            time.monotonic())
        self.requests.append(recorded)
        return recorded, (self.script.pop(0) if self.script else None)

    async def _scripted(self, recorded: Recorded, step: Script | None) -> Response | None:
        """The canned answer for this request, or None to behave normally."""
        if isinstance(step, Slow):
            await asyncio.sleep(step.seconds)
            return None
        canned = step(recorded) if callable(step) else step
        if canned is None:
            return None
        content = b"" if canned.body is None else json.dumps(canned.body).encode()
        return Response(content, canned.status, canned.headers, media_type="application/json")


class FakeSendGrid(_Served):
    def __init__(self, api_key: str = "SG.fake-key.0123456789abcdefghijklmnop") -> None:
        super().__init__()
        self.api_key = api_key

    def routes(self) -> list[Route]:
        return [Route("/v3/mail/send", self._send, methods=["POST"])]

    async def _send(self, request: Request) -> Response:
        recorded, step = await self._record(request)
        if (scripted := await self._scripted(recorded, step)) is not None:
            return scripted
        if recorded.authorization != f"Bearer {self.api_key}":
            return _sendgrid_error(401, "The provided authorization grant is invalid, expired, "
                                   "or revoked")
        if problem := _mail_problem(recorded.json()):
            return _sendgrid_error(400, problem)
        message_id = secrets.token_urlsafe(16)
        return Response(b"", 202, {"X-Message-Id": message_id})


class FakeTwilio(_Served):
    def __init__(self, account_sid: str = "AC" + "0123456789abcdef" * 2,
                 auth_token: str = "fake-twilio-token-0123456789abcd") -> None:
        super().__init__()
        self.account_sid, self.auth_token = account_sid, auth_token

    def routes(self) -> list[Route]:
        path = "/2010-04-01/Accounts/{sid}/Messages.json"
        return [Route(path, self._create, methods=["POST"])]

    async def _create(self, request: Request) -> Response:
        recorded, step = await self._record(request)
        if (scripted := await self._scripted(recorded, step)) is not None:
            return scripted
        basic = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if (recorded.authorization != f"Basic {basic}"
                or request.path_params["sid"] != self.account_sid):
            return _twilio_error(401, 20003, "Authenticate")
        form = recorded.form()
        if not form.get("To") or not form.get("Body"):
            return _twilio_error(400, 21604, "A 'To' phone number and a 'Body' are required.")
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return _twilio_error(400, 21603, "A 'From' or 'MessagingServiceSid' is required.")
        return JSONResponse(self._message(form), 201)

    def _message(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "SM" + secrets.token_hex(16)
        return {"sid": sid, "account_sid": self.account_sid, "to": form["To"],
                "from": form.get("From"), "body": form["Body"], "status": "queued",
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "api_version": "2010-04-01", "error_code": None, "error_message": None,
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}


def _mail_problem(body: dict[str, Any]) -> str | None:
    personalizations = body.get("personalizations") or []
    if not personalizations or not all(p.get("to") for p in personalizations):
        return "The personalizations field is required and must have at least one to."
    if not (body.get("from") or {}).get("email"):
        return "The from object must be provided for every email send."
    if not body.get("template_id") and not body.get("content"):
        return "Unless a valid template_id is provided, the content parameter is required."
    return None


def _sendgrid_error(status: int, message: str) -> Response:
    return JSONResponse({"errors": [{"message": message, "field": None, "help": None}]}, status)


def _twilio_error(status: int, code: int, message: str) -> Response:
    body = {"code": code, "message": message, "status": status,
            "more_info": f"https://www.twilio.com/docs/errors/{code}"}
    return JSONResponse(body, status)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
