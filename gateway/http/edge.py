"""The edge checks a GraphQL HTTP request passes before the pipeline: CSRF, token, rate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from common.auth.proxies import TrustedProxies
from gateway.http.auth import authenticate, claims_of, with_client
from gateway.http.csrf import check_csrf
from gateway.http.rate_limit import check_rate, key_of
from gateway.plugins.auth import TokenVerifier
from gateway.plugins.rate_limit import Buckets

__all__ = ["Edge"]


@dataclass(frozen=True)
class Edge:
    """What guards the door; every part is optional (None / False: not checked)."""

    verifier: TokenVerifier | None = None
    buckets: Buckets | None = None
    csrf_prevention: bool = False
    proxies: TrustedProxies = field(default_factory=lambda: TrustedProxies(()))

    def check_csrf(self, request: Request) -> None:
        """Before the body is read (HttpError 400)."""
        if self.csrf_prevention:
            check_csrf(request.headers)

    def check_csrf_headers(self, headers: Mapping[str, str]) -> None:
        """``check_csrf`` on the request's headers (names lower-case)."""
        if self.csrf_prevention:
            check_csrf(headers)

    async def admit(self, request: Request, read: Any) -> Any:
        """``read`` with the verified claims; HttpError 401 or 429 when refused."""
        headers = dict(request.headers)
        claims = await claims_of(self.verifier, headers)
        client = self.client(headers, request.client.host if request.client else None)
        await check_rate(self.buckets, key_of(client, claims))
        return with_client(authenticate(read, claims), client)

    def client(self, headers: Mapping[str, str], host: str | None) -> str | None:
        """The client's address: X-Forwarded-For only through the trusted proxies."""
        if host is None:
            return None
        return self.proxies.client(host, headers.get("x-forwarded-for"))

    async def claims(self, headers: dict[str, str], host: str | None) -> dict[str, Any] | None:
        """The verified claims (None: anonymous) of a request from ``host`` once its token and
        rate are checked; HttpError 401 or 429 when refused."""
        claims = await claims_of(self.verifier, headers) if self.verifier is not None else None
        if self.buckets is not None:
            await check_rate(self.buckets, key_of(self.client(headers, host), claims))
        return claims
