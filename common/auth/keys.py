"""Signing keys of access tokens: PEM files (Ed25519 or RSA), their key ids, the public JWKS."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

__all__ = ["SigningKey", "ensure_key_file", "jwks_document", "load_signing_key", "public_jwk"]

PrivateKey = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True, slots=True)
class SigningKey:
    """One private key with its RFC 7638 thumbprint as ``kid`` and its JWS ``alg``."""

    kid: str
    private_key: PrivateKey
    algorithm: str

    @classmethod
    def of(cls, private_key: PrivateKey) -> SigningKey:
        alg = "EdDSA" if isinstance(private_key, ed25519.Ed25519PrivateKey) else "RS256"
        return cls(_thumbprint(_public_members(private_key)), private_key, alg)


def load_signing_key(source: Path | str) -> SigningKey:
    """The key in a PEM file, or PEM text itself (a key passed through the environment);
    ValueError for anything but an Ed25519 or RSA (2048+) key."""
    inline = isinstance(source, str) and source.lstrip().startswith("-----BEGIN")
    name = "inline PEM" if inline else str(source)
    pem = str(source).encode() if inline else Path(source).read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 2048:
        raise ValueError(f"{name}: RSA keys must be at least 2048 bits")
    if not isinstance(key, ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey):
        raise ValueError(f"{name}: only Ed25519 and RSA signing keys are supported")
    return SigningKey.of(key)


def ensure_key_file(path: Path) -> Path:
    """Create an Ed25519 PEM at ``path`` unless one exists (owner-only, written atomically so
    processes starting together agree on one key)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(pem)
    temporary.chmod(0o600)
    try:
        os.link(temporary, path)  # fails if another process won the race: keep theirs
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path


def public_jwk(key: SigningKey) -> dict[str, Any]:
    """The public half as a JWK (RFC 7517/8037) with ``kid``, ``alg`` and ``use: sig``."""
    return {**_public_members(key.private_key), "kid": key.kid, "alg": key.algorithm,
            "use": "sig"}


def jwks_document(keys: list[SigningKey]) -> dict[str, Any]:
    """``{"keys": [...]}``: what ``/.well-known/jwks.json`` serves."""
    return {"keys": [public_jwk(key) for key in keys]}


def _public_members(private_key: PrivateKey) -> dict[str, str]:
    public = private_key.public_key()
    if isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"crv": "Ed25519", "kty": "OKP", "x": _b64(raw)}
    numbers = public.public_numbers()
    return {"e": _b64(_int_bytes(numbers.e)), "kty": "RSA", "n": _b64(_int_bytes(numbers.n))}


def _thumbprint(members: dict[str, str]) -> str:
    # RFC 7638 §3: the required members, sorted, no whitespace, SHA-256, base64url.
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    return _b64(hashlib.sha256(canonical).digest())


def _int_bytes(value: int) -> bytes:
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
