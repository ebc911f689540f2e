"""Choose the response media type and status (GraphQL over HTTP §6, "watershed" rules)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

__all__ = ["GRAPHQL_RESPONSE", "JSON", "graphql_response", "negotiate"]

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def negotiate(accept: str | None) -> str | None:
    """The media type to answer with, or None when the client accepts neither (406).

    No Accept header is treated as ``application/json`` (§6.1, legacy clients).
    """
    if not accept or not accept.strip():
        return JSON
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, _, params = part.strip().partition(";")
        quality = _quality(params)
        if quality > 0:
            ranked.append((-quality, position, media.strip().lower()))
    for _, _, media in sorted(ranked):
        if media == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if media in (JSON, "application/*", "*/*"):
            return JSON
    return None


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def graphql_response(
    body: dict[str, Any], media_type: str, request_error_status: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """200 for an executed operation; a request error's status under the new media type.

    Under ``application/json`` a request error is still 200 (§6.4.1) unless it is the server's
    own fault (5xx) or a wrong method (405).
    """
    status = 200
    if request_error_status is not None:
        if media_type == GRAPHQL_RESPONSE or request_error_status >= 405:
            status = request_error_status
    content = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)
    return Response(content, status, headers, media_type=_with_charset(media_type))


def _with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"
