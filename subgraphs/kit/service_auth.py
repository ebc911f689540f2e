"""Only trusted services reach ``/graphql``: the service-credential check in front of the view.

Every subgraph serves the gateway and named peer services, never clients directly (issue 15).
``ServiceAuthMiddleware`` verifies the ``x-service-token`` header of every HTTP request and
WebSocket upgrade under ``/graphql`` against the subgraph's trusted callers and puts the caller
in the ASGI scope; anything else (``/health``, ``/ready``, ``/metrics``, payments' Stripe
webhook, which proves itself with Stripe's signature) passes untouched. A refusal is a GraphQL
response with no data and one UNAUTHENTICATED error, HTTP 401 (GraphQL over HTTP §6.4.2).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from common.auth.service_keys import (
    load_private_key,
    load_public_key,
    private_key_path,
    public_key_path,
)
from common.auth.service_tokens import (
    SERVICE_TOKEN_HEADER,
    ServiceAuthError,
    ServiceCaller,
    ServiceTokenIssuer,
    TrustedCaller,
    TrustedCallers,
)
from subgraphs.kit.settings import ServiceSettings

__all__ = [
    "UNCHECKED_CALLER",
    "ServiceAuthMiddleware",
    "peer_credential",
    "service_issuer",
    "trusted_callers",
]

# With SERVICE_AUTH_REQUIRED=false (dev and test only) every caller is this one: trusted with
# every scope, as all callers were before services authenticated each other.
UNCHECKED_CALLER = ServiceCaller("unchecked (service auth off)", frozenset({"*"}))
SCOPE_KEY = "service_caller"
log = logging.getLogger("kit.service_auth")


def trusted_callers(settings: ServiceSettings) -> TrustedCallers | None:
    """The callers ``settings`` trusts, their public keys read now (None: service auth off)."""
    if not settings.service_auth_required:
        return None
    callers = {name: TrustedCaller(_public_key(settings, name), frozenset(scopes))
               for name, scopes in settings.trusted_callers.items()}
    return TrustedCallers(settings.service, callers)


def _public_key(settings: ServiceSettings, caller: str) -> Ed25519PublicKey:
    try:
        return load_public_key(public_key_path(settings.service_keys_dir, caller))
    except ValueError as exc:
        raise ValueError(f"TRUSTED_CALLERS names {caller!r}, but SERVICE_KEYS_DIR has no usable "
                         f"public key for it: {exc}") from exc


def service_issuer(settings: ServiceSettings) -> ServiceTokenIssuer | None:
    """What signs this service's own calls to its peers; None when it has no key and service
    auth is off (its peers then run with it off too)."""
    path = private_key_path(settings.service_keys_dir, settings.service)
    if not settings.service_auth_required and not path.is_file():
        return None
    try:
        key = load_private_key(path)
    except ValueError as exc:
        raise ValueError(f"SERVICE_KEYS_DIR has no usable private key for {settings.service}'s "
                         f"calls to its peers: {exc}") from exc
    return ServiceTokenIssuer(settings.service, key,
                              ttl_seconds=settings.service_token_ttl_seconds)


def peer_credential(
    settings: ServiceSettings, audience: str, scopes: Iterable[str] = ()
) -> Callable[[], dict[str, str]] | None:
    """The headers this service sends to peer ``audience`` (an EntityClient's ``credential``)."""
    issuer = service_issuer(settings)
    if issuer is None:
        return None
    return functools.partial(issuer.headers_for, audience, tuple(scopes))


class ServiceAuthMiddleware:
    """Pure ASGI: refuse ``/graphql`` requests without a trusted service credential."""

    __slots__ = ("app", "callers")

    def __init__(self, app: ASGIApp, callers: TrustedCallers | None) -> None:
        self.app, self.callers = app, callers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not scope["path"].startswith("/graphql"):
            await self.app(scope, receive, send)
            return
        if self.callers is None:
            scope[SCOPE_KEY] = UNCHECKED_CALLER
            await self.app(scope, receive, send)
            return
        try:
            scope[SCOPE_KEY] = self.callers.verify(Headers(scope=scope).get(SERVICE_TOKEN_HEADER))
        except ServiceAuthError as exc:
            log.warning("refused a %s request to %s: %s", scope["type"], scope["path"], exc)
            await _refuse(scope, send, str(exc))
            return
        await self.app(scope, receive, send)


async def _refuse(scope: Scope, send: Send, message: str) -> None:
    if scope["type"] == "websocket":
        # Closing before accepting makes the server answer the upgrade with HTTP 403.
        await send({"type": "websocket.close", "code": 4401, "reason": message[:120]})
        return
    body = orjson.dumps({"errors": [{"message": message,
                                     "extensions": {"code": "UNAUTHENTICATED"}}]})
    await send({"type": "http.response.start", "status": 401, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", b'ServiceToken header="' + SERVICE_TOKEN_HEADER.encode() + b'"'),
    ]})
    await send({"type": "http.response.body", "body": body})
