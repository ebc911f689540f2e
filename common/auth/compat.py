"""The seed's token contract (HS256 shared secret, 24 h, claims userId/email/fullName), kept
only behind an explicit compatibility setting; claims come out in the current shape."""

from __future__ import annotations

from typing import Any

import jwt

__all__ = ["COMPAT_TTL_SECONDS", "decode_compat", "encode_compat"]

COMPAT_TTL_SECONDS = 24 * 3600


def encode_compat(claims: dict[str, Any], secret: str) -> str:
    """The seed's token for current-shape ``claims`` (sub, email, name, roles, iat, exp)."""
    seed = {"userId": claims["sub"], "email": claims["email"], "fullName": claims["name"],
            "roles": claims["roles"], "iat": claims["iat"], "exp": claims["exp"]}
    return jwt.encode(seed, secret, algorithm="HS256")


def decode_compat(token: str, secret: str) -> dict[str, Any]:
    claims = jwt.decode(token, secret, algorithms=["HS256"],
                        options={"require": ["exp", "userId", "email"]})
    return {"sub": str(claims["userId"]), "email": claims["email"],
            "name": claims.get("fullName", ""), "roles": claims.get("roles", ["customer"]),
            "exp": claims["exp"], "iat": claims.get("iat", 0), "ver": claims.get("ver", 0)}
