"""What an access token must say to be accepted: issuer, audience, algorithms, compatibility."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ASYMMETRIC_ALGORITHMS", "COMPAT_ALGORITHM", "InvalidToken", "TokenPolicy"]

# Only public-key algorithms verify through the JWKS; an HMAC alg there would let anyone who
# has the public key sign (algorithm confusion, RFC 8725 §2.1, §3.1).
ASYMMETRIC_ALGORITHMS = frozenset({"EdDSA", "RS256", "RS384", "RS512", "ES256", "ES384",
                                   "PS256", "PS384", "PS512"})
COMPAT_ALGORITHM = "HS256"


class InvalidToken(Exception):
    """A token that is malformed, forged, expired, revoked or signed with a refused algorithm."""


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    """``compat_secret`` (empty: off) accepts the seed's HS256 tokens (claims userId, email,
    fullName, no iss/aud): an explicit compatibility setting, never a default. An empty
    ``issuer`` or ``audience`` is not checked: only the gateway in front of a foreign
    supergraph may leave them out; the platform's settings always set both."""

    issuer: str
    audience: str
    algorithms: tuple[str, ...] = ("EdDSA", "RS256")
    leeway_seconds: float = 0.0
    compat_secret: str = ""

    def __post_init__(self) -> None:
        refused = [alg for alg in self.algorithms if alg not in ASYMMETRIC_ALGORITHMS]
        if refused:
            raise ValueError(f"algorithms {refused} are not public-key algorithms")

    @property
    def required_claims(self) -> list[str]:
        # nbf and iat are checked whenever present (PyJWT); users always sets them.
        return ["exp", "sub"] + ["iss"] * bool(self.issuer) + ["aud"] * bool(self.audience)
