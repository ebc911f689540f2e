"""Request ids: keep a client's ``x-request-id`` (if sane) or make one, echo it on the response."""

from __future__ import annotations

import re
from random import getrandbits

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.plugins.request_id import REQUEST_ID

__all__ = ["RequestIdMiddleware", "new_request_id", "sane_request_id"]

_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")  # nothing that could forge a log line


class RequestIdMiddleware:
    """Pure ASGI middleware (no body buffering, so streaming responses pass through)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _incoming(scope) or new_request_id()
        token = REQUEST_ID.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


def _incoming(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            return sane_request_id(value.decode("latin-1"))
    return None


def sane_request_id(value: str | None) -> str | None:
    """The client's request id when it is safe to log and echo, else None."""
    return value if value is not None and _SANE.match(value) else None


def new_request_id() -> str:
    """A fresh id: 32 random hex digits, like a UUID4's hex.

    An id needs to be unique, not secret: the process's PRNG (reseeded in forked workers)
    costs no system call, unlike ``uuid4``/``os.urandom``.
    """
    return f"{getrandbits(128):032x}"
