"""Read a GraphQL request from an HTTP request (GraphQL over HTTP §5: GET and POST)."""

from __future__ import annotations

from collections.abc import AsyncIterable, Mapping
from typing import Any

import orjson
from starlette.requests import Request

from gateway.http.errors import HttpError
from gateway.plugins import GraphQLRequest

__all__ = [
    "check_content_type", "from_body", "from_query_params", "read_body", "read_request",
]


async def read_request(
    request: Request, max_body_bytes: int, max_batch: int = 0
) -> GraphQLRequest | list[GraphQLRequest]:
    """The GraphQL request in ``request`` (a list for a batch); HttpError for anything malformed.

    A batch is a JSON array of requests (Apollo's batching), accepted only when ``max_batch`` > 0.
    """
    headers = dict(request.headers)
    if request.method in ("GET", "HEAD"):
        return from_query_params(request.query_params, headers)
    check_content_type(headers)
    body = await read_body(request.stream(), headers, max_body_bytes)
    return from_body(body, headers, max_batch)


def from_query_params(params: Mapping[str, str], headers: dict[str, str]) -> GraphQLRequest:
    """A GET request's parameters (§5.2: variables and extensions JSON-encoded)."""
    return _from_params(dict(params), headers, decode_json=True)


def from_body(body: bytes, headers: dict[str, str], max_batch: int = 0
              ) -> GraphQLRequest | list[GraphQLRequest]:
    """A POST body's request, or its batch; HttpError 400 when malformed."""
    try:
        params = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise HttpError(400, f"Malformed JSON body: {error.msg}.") from None
    if isinstance(params, list):
        return [_from_object(item, headers) for item in _batch(params, max_batch)]
    return _from_object(params, headers)


def _batch(items: list[Any], max_batch: int) -> list[Any]:
    if max_batch <= 0:
        raise HttpError(400, "Batched requests (a JSON array) are not enabled.")
    if not items or len(items) > max_batch:
        raise HttpError(400, f"A batch holds 1 to {max_batch} requests; this one {len(items)}.")
    return items


def _from_object(params: Any, headers: dict[str, str]) -> GraphQLRequest:
    if not isinstance(params, dict):
        raise HttpError(400, "The JSON body must be an object with a `query` string.")
    return _from_params(params, headers, decode_json=False)


_JSON_TYPES = frozenset(("application/json", "application/graphql-request+json"))


def check_content_type(headers: Mapping[str, str]) -> None:
    """§5.3: a POST body is application/json; anything else is 415 Unsupported Media Type."""
    content_type = headers.get("content-type", "")
    if content_type in _JSON_TYPES:
        return
    media = content_type.split(";")[0].strip().lower()
    if media not in _JSON_TYPES:
        raise HttpError(415, "POST requests must have Content-Type: application/json.")


async def read_body(chunks: AsyncIterable[bytes], headers: Mapping[str, str], limit: int
                    ) -> bytes:
    """The whole body; HttpError 413 beyond ``limit`` bytes (declared or received)."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HttpError(413, f"Request body is larger than {limit} bytes.")
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise HttpError(413, f"Request body is larger than {limit} bytes.")
        parts.append(chunk)
    return b"".join(parts)


def _from_params(
    params: Mapping[str, Any], headers: dict[str, str], decode_json: bool
) -> GraphQLRequest:
    extensions = _object_param(params, "extensions", decode_json)
    query = params.get("query")
    document_id = params.get("documentId")
    if document_id is not None and not isinstance(document_id, str):
        raise HttpError(400, "`documentId` must be a string.")
    if query is None and (document_id or "persistedQuery" in extensions):
        query = ""  # APQ or a trusted document: the pipeline looks the document up
    elif not isinstance(query, str) or not query.strip():
        raise HttpError(400, "The request must have a non-empty `query` string.")
    name = params.get("operationName")
    if name is not None and not isinstance(name, str):
        raise HttpError(400, "`operationName` must be a string or null.")
    variables = _object_param(params, "variables", decode_json)
    return GraphQLRequest(query, name or None, variables, extensions, headers,
                          document_id=document_id or None)


def _object_param(params: Mapping[str, Any], key: str, decode_json: bool) -> dict[str, Any]:
    value = params.get(key)
    if decode_json and isinstance(value, str):  # GET: §5.2 JSON-encoded in the query string
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            raise HttpError(400, f"`{key}` is not valid JSON.") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise HttpError(400, f"`{key}` must be a JSON object or null.")
    return value
