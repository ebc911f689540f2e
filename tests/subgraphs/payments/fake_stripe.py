"""A local fake of Stripe's v1 API over real HTTP: PaymentIntents, Refunds, errors, idempotency.

Speaks the documented shapes (https://docs.stripe.com/api): form-encoded requests with
``Authorization: Bearer <key>``; JSON objects with ``id``/``object``; errors as
``{"error": {"type", "code", "decline_code", "message", "payment_intent"}}`` with 402 for card
errors. An ``Idempotency-Key`` replays the first response (``Idempotent-Replayed: true``) and
refuses other parameters with ``idempotency_error``. Every request is recorded.

Test payment methods: ``pm_card_visa``/``pm_card_mastercard`` succeed; ``pm_card_chargeDeclined``
(generic_decline), ``pm_card_visa_chargeDeclinedInsufficientFunds`` (insufficient_funds),
``pm_card_chargeDeclinedExpiredCard`` (expired_card) are declined; ``pm_card_threeDSecure2Required``
ends ``requires_action`` and ``pm_card_fakeProcessing`` (fake-only) ``processing``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl

__all__ = ["FakeStripe", "Recorded"]

Failure = Literal["500", "drop", "drop_after"]
DECLINES = {
    "pm_card_chargeDeclined": ("card_declined", "generic_decline", "Your card was declined."),
    "pm_card_visa_chargeDeclinedInsufficientFunds": (
        "card_declined", "insufficient_funds", "Your card has insufficient funds."),
    "pm_card_chargeDeclinedExpiredCard": ("expired_card", "expired_card", "Your card has expired."),
}
REUSED_KEY = ("Keys for idempotent requests can only be used with the same parameters they "
              "were first used with.")
SUCCEEDS = frozenset({"pm_card_visa", "pm_card_mastercard"})
PENDING = {"pm_card_threeDSecure2Required": "requires_action",
           "pm_card_fakeProcessing": "processing"}


@dataclass(frozen=True)
class Recorded:
    """One request as the fake received it; ``form`` keeps Stripe's bracketed keys flat."""

    method: str
    path: str
    authorization: str | None
    idempotency_key: str | None
    form: dict[str, str]


@dataclass
class FakeStripe:
    """State of the fake; ``url`` is what the SDK's API base is pointed at."""

    api_key: str = "sk_test_fake_0123456789"
    requests: list[Recorded] = field(default_factory=list)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    replies: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, times: int, how: Failure = "500") -> None:
        """The next ``times`` requests fail: HTTP 500, or the connection dropped before
        (``drop``) or after (``drop_after``) the request was carried out."""
        self.failures.extend([how] * times)

    def posted(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def handle(self, method: str, path: str, headers: Any, body: str) -> tuple[int, dict] | None:
        """The response to one request; None means the connection must be dropped."""
        form = dict(parse_qsl(body, keep_blank_values=True))
        key = headers.get("Idempotency-Key")
        with self.lock:
            self.requests.append(Recorded(method, path, headers.get("Authorization"), key, form))
            failure = self.failures.pop(0) if self.failures else None
            if failure == "drop":
                return None
            if failure == "500":
                return 500, _error("api_error", None, "Something went wrong on Stripe's end.")
            reply = self._answer(method, path, headers, form, key)
            return None if failure == "drop_after" else reply

    def _answer(self, method: str, path: str, headers: Any, form: dict[str, str],
                key: str | None) -> tuple[int, dict]:
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, _error("invalid_request_error", None, "Invalid API Key provided.")
        if method == "GET":
            return self._retrieve(path)
        request = json.dumps([path, sorted(form.items())])
        if key is not None and key in self.replies:
            first, status, reply = self.replies[key]
            if first != request:
                return 400, _error("idempotency_error", None, REUSED_KEY)
            return status, reply
        status, reply = self._route(path, form)
        if key is not None:
            self.replies[key] = (request, status, reply)
        return status, reply

    def _route(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        if path == "/v1/payment_intents":
            return self._create_intent(form)
        if path == "/v1/refunds":
            return self._create_refund(form)
        return 404, _error("invalid_request_error", "resource_missing", f"Unrecognized {path}")

    def _retrieve(self, path: str) -> tuple[int, dict]:
        intent = self.intents.get(path.removeprefix("/v1/payment_intents/"))
        if intent is None:
            return 404, _error("invalid_request_error", "resource_missing", "No such intent")
        return 200, intent

    def _create_intent(self, form: dict[str, str]) -> tuple[int, dict]:
        method = form.get("payment_method", "")
        known = SUCCEEDS | DECLINES.keys() | PENDING.keys()
        if method not in known:
            return 400, _error("invalid_request_error", "resource_missing",
                               f"No such PaymentMethod: '{method}'")
        intent = self._new_intent(form, method)
        if method in DECLINES:
            code, decline, message = DECLINES[method]
            intent["last_payment_error"] = {"type": "card_error", "code": code,
                                            "decline_code": decline, "message": message}
            return 402, _error("card_error", code, message, decline_code=decline,
                               payment_intent=intent)
        return 200, intent

    def _new_intent(self, form: dict[str, str], method: str) -> dict[str, Any]:
        status = "succeeded" if method in SUCCEEDS else PENDING.get(method, "canceled")
        intent = {
            "id": _id("pi"), "object": "payment_intent", "amount": int(form["amount"]),
            "amount_received": int(form["amount"]) if status == "succeeded" else 0,
            "currency": form["currency"], "status": status, "payment_method": method,
            "payment_method_types": [v for k, v in form.items() if k.startswith("payment_method_")
                                     and k != "payment_method"],
            "confirmation_method": "automatic", "capture_method": "automatic",
            "latest_charge": _id("ch") if status == "succeeded" else None,
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "last_payment_error": None, "livemode": False, "created": int(time.time()),
            "next_action": {"type": "use_stripe_sdk"} if status == "requires_action" else None,
        }
        self.intents[intent["id"]] = intent
        return intent

    def _create_refund(self, form: dict[str, str]) -> tuple[int, dict]:
        intent = self.intents.get(form.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return 400, _error("invalid_request_error", "resource_missing", "No such charge")
        if any(r["payment_intent"] == intent["id"] for r in self.refunds.values()):
            return 400, _error("invalid_request_error", "charge_already_refunded",
                               "Charge has already been refunded.")
        amount = int(form.get("amount", intent["amount"]))
        refund = {"id": _id("re"), "object": "refund", "amount": amount,
                  "currency": intent["currency"], "payment_intent": intent["id"],
                  "charge": intent["latest_charge"], "status": "succeeded",
                  "created": int(time.time()), "metadata": {}}
        self.refunds[refund["id"]] = refund
        return 200, refund

    def settle(self, intent_id: str, status: Literal["succeeded", "failed"],
               *, created: int | None = None) -> dict[str, Any]:
        """Finish a pending intent as Stripe would after 3DS; the webhook event announcing it."""
        intent = self.intents[intent_id]
        if status == "succeeded":
            intent.update(status="succeeded", amount_received=intent["amount"],
                          latest_charge=_id("ch"), next_action=None)
        else:
            intent.update(status="requires_payment_method", next_action=None,
                          last_payment_error={"type": "card_error", "code": "card_declined",
                                              "decline_code": "authentication_required"})
        kind = f"payment_intent.{'succeeded' if status == 'succeeded' else 'payment_failed'}"
        return self.event(kind, dict(intent), created=created)

    def event(self, kind: str, obj: dict[str, Any], *, created: int | None = None) -> dict:
        """A v1 snapshot event (https://docs.stripe.com/api/events/object)."""
        return {"id": _id("evt"), "object": "event", "api_version": "2026-10-28.endive",
                "type": kind, "created": created or int(time.time()), "livemode": False,
                "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                "data": {"object": obj}}


def _error(kind: str, code: str | None, message: str, **extra: Any) -> dict[str, Any]:
    body = {"type": kind, "message": message, **({"code": code} if code else {}), **extra}
    return {"error": body}


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def serve(fake: FakeStripe) -> ThreadingHTTPServer:
    """Serve ``fake`` on 127.0.0.1 on a free port, in a daemon thread; sets ``fake.url``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    return server


def _handler(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._reply("GET")

        def do_POST(self) -> None:
            self._reply("POST")

        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            answer = fake.handle(method, self.path, self.headers, body)
            if answer is None:  # a lost connection: no status line, nothing
                self.close_connection = True
                self.connection.close()
                return
            payload = json.dumps(answer[1]).encode()
            self.send_response(answer[0])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", _id("req"))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: Any) -> None:  # keep test output clean
            pass

    return Handler
