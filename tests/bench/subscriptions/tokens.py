"""Access tokens for the fan-out benchmark: one Ed25519 key, its JWKS file, a token per client.

Tokens are signed as users signs them (``common.auth.issuer``: EdDSA, ``kid``, iss/aud/exp),
each with its own ``iat`` so no two clients hold the same token; minting 10,000 takes well
under a second. ``users_per_order`` says whose tokens an order's subscribers hold: 1 means all
are the order owner's devices (one principal), k > 1 spreads them over k distinct users.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from common.auth.issuer import AccessClaims, TokenIssuer
from common.auth.keys import SigningKey, jwks_document

__all__ = ["AUDIENCE", "ISSUER", "mint"]

ISSUER, AUDIENCE = "bench-users", "bench-gateway"


def mint(jwks_path: Path, subscribers: int, orders: int, users_per_order: int) -> list[str]:
    """A distinct token per subscriber (subscriber i follows order i % orders); writes the
    public JWKS to ``jwks_path`` for the gateway."""
    key = SigningKey.of(ed25519.Ed25519PrivateKey.generate())
    jwks_path.write_text(json.dumps(jwks_document([key])))
    issuer = TokenIssuer(key, ISSUER, AUDIENCE, ttl=timedelta(seconds=subscribers + 3600))
    start = datetime.now(UTC) - timedelta(seconds=subscribers)  # a second apart: iat differs
    tokens = []
    for index in range(subscribers):
        order, seat = index % orders, index // orders
        user = f"u{order}-{seat % users_per_order}"
        who = AccessClaims(user, f"{user}@bench.test", user, ("customer",))
        tokens.append(issuer.issue(who, start + timedelta(seconds=index))[0])
    return tokens
