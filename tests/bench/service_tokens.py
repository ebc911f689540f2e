"""What service credentials cost per request: the caller's cached token, the callee's check.

    .venv/bin/python tests/bench/service_tokens.py

Prints microseconds per call (median of 5 runs of 20k calls): signing a new token, reusing the
cached one (what the gateway does per subgraph request), a full Ed25519 verification (a
subgraph's first sight of a token) and a cached verification (every later request with it).
"""

from __future__ import annotations

import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common.auth.service_tokens import (
    ServiceTokenIssuer,
    TrustedCaller,
    TrustedCallers,
)

CALLS = 20_000


def per_call_us(fn) -> float:  # type: ignore[no-untyped-def]
    runs = timeit.repeat(fn, number=CALLS, repeat=5)
    return round(statistics.median(runs) / CALLS * 1e6, 2)


def main() -> None:
    key = Ed25519PrivateKey.generate()
    issuer = ServiceTokenIssuer("gateway", key)
    trusted = {"gateway": TrustedCaller(key.public_key(), frozenset())}
    token = issuer.token_for("users")
    callers = TrustedCallers("users", trusted)
    callers.verify(token)
    fresh = TrustedCallers("users", trusted)
    results = {
        "sign (new token)": per_call_us(lambda: issuer._sign("users", (), 1_700_000_000)),
        "token_for (cached)": per_call_us(lambda: issuer.token_for("users")),
        "verify (full Ed25519)": per_call_us(lambda: fresh._decode(token)),
        "verify (cached)": per_call_us(lambda: callers.verify(token)),
    }
    for name, value in results.items():
        print(f"{name:24} {value:8.2f} us")


if __name__ == "__main__":
    main()
