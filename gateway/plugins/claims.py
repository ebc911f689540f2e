"""Forward verified claims to subgraphs in one HMAC-signed header, so they need not re-parse JWTs.

The header value is ``<base64url(JSON claims)>.<base64url(HMAC-SHA256(key, first part))>``;
a subgraph checks the MAC with the shared ``auth.claims_secret`` and trusts the claims.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from gateway.plugins.hooks import Plugin
from gateway.plugins.request import GraphQLRequest

__all__ = ["ForwardClaims", "read_signed_claims", "sign_claims"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_claims(claims: dict[str, Any], secret: bytes) -> str:
    """The header value carrying ``claims``."""
    body = _b64(json.dumps(claims, sort_keys=True, separators=(",", ":")).encode())
    mac = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def read_signed_claims(value: str, secret: bytes) -> dict[str, Any] | None:
    """The claims in a header value, or None when the signature does not match."""
    body, _, mac = value.partition(".")
    expected = hmac.new(secret, body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _unb64(mac)):
            return None
        return json.loads(_unb64(body))
    except ValueError:
        return None


class ForwardClaims(Plugin):
    """Add the signed claims header to every subgraph request of an authenticated caller."""

    def __init__(self, header: str, secret: bytes) -> None:
        self.header = header.lower()
        self.secret = secret

    def on_subgraph_headers(
        self, subgraph: str, headers: dict[str, str], request: GraphQLRequest
    ) -> dict[str, str]:
        # Always drop a client-sent copy: only the gateway may set this header.
        headers = {k: v for k, v in headers.items() if k.lower() != self.header}
        if request.claims is None:
            return headers
        return {**headers, self.header: sign_claims(request.claims, self.secret)}
