"""Authenticate an HTTP request: a bad bearer token is 401 UNAUTHENTICATED, none is anonymous."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

from gateway.http.errors import HttpError
from gateway.plugins import GraphQLRequest
from gateway.plugins.auth import InvalidToken, TokenVerifier, bearer_token

__all__ = ["CLIENT_HEADER", "authenticate", "claims_of", "with_client"]

# The resolved client address travels to subgraphs in the standard header, replacing whatever
# the client sent (gateway.plugins.client_address); subgraphs believe it only from the gateway.
CLIENT_HEADER = "x-forwarded-for"

log = logging.getLogger(__name__)


async def claims_of(verifier: TokenVerifier | None, headers: dict[str, str]
                    ) -> dict[str, Any] | None:
    """The verified claims of the request's token; None without a token (or verifier)."""
    if verifier is None:
        return None
    try:
        token = bearer_token(headers)
        if token is None:
            return None
        # A token seen before (a WebSocket's connection_init, then each of its operations)
        # needs no work; a JWKS fetch or a version lookup blocks: keep those off the loop.
        claims = verifier.verified_before(token)
        if claims is not None:
            return claims
        return await asyncio.to_thread(verifier.verify, token)
    except InvalidToken as error:
        log.info("token refused: %s", error)  # the reason, never the token
        raise HttpError(401, "Invalid or expired token.", {"www-authenticate": "Bearer"},
                        code="UNAUTHENTICATED") from None


def with_client(read: Any, client: str | None) -> Any:
    """``read`` (a request or a batch) whose X-Forwarded-For is the resolved client address."""
    if isinstance(read, list):
        return [with_client(item, client) for item in read]
    assert isinstance(read, GraphQLRequest)
    headers = {k: v for k, v in read.headers.items() if k != CLIENT_HEADER}
    if client is not None:
        headers[CLIENT_HEADER] = client
    return dataclasses.replace(read, headers=headers)


def authenticate(read: Any, claims: dict[str, Any] | None) -> Any:
    """``read`` (a request or a batch) carrying ``claims``."""
    if isinstance(read, list):
        return [authenticate(item, claims) for item in read]
    assert isinstance(read, GraphQLRequest)
    return dataclasses.replace(read, claims=claims)
