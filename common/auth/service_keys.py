"""Ed25519 key files of the service credentials: ``<name>.key`` (private) and ``<name>.pub``."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "generate_key_pair",
    "load_private_key",
    "load_public_key",
    "private_key_path",
    "public_key_path",
]


def private_key_path(directory: Path, name: str) -> Path:
    """Where service ``name`` keeps the key it signs its calls with."""
    return directory / f"{name}.key"


def public_key_path(directory: Path, name: str) -> Path:
    """Where the services ``name`` calls find the key its credentials are checked with."""
    return directory / f"{name}.pub"


def generate_key_pair(directory: Path, name: str) -> Ed25519PrivateKey:
    """Write a fresh pair for ``name`` into ``directory`` (private key readable by owner only)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path = private_key_path(directory, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(private)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    public_key_path(directory, name).write_bytes(public)
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in PEM file ``path``; ValueError naming the file otherwise."""
    key = serialization.load_pem_private_key(_read(path, "private"), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"service key {path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The Ed25519 public key in PEM file ``path``; ValueError naming the file otherwise."""
    key = serialization.load_pem_public_key(_read(path, "public"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"service key {path} is not an Ed25519 public key")
    return key


def _read(path: Path, kind: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the {kind} service key {path}: {exc.strerror}") from exc
