"""Read incremental responses as a client does: multipart parts, SSE events, merged results."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import orjson

__all__ = ["ACCEPT_DEFER", "ACCEPT_V02", "merged", "merged_v02", "multipart_payloads",
           "post_deferred"]

ACCEPT_DEFER = "multipart/mixed;deferSpec=20220824,application/json"
ACCEPT_V02 = "multipart/mixed;incrementalSpec=v0.2,application/json"


def multipart_payloads(body: bytes, boundary: str = "graphql") -> list[dict[str, Any]]:
    """The JSON bodies of a ``multipart/mixed`` response, in order."""
    payloads = []
    for chunk in body.split(b"\r\n--" + boundary.encode()):
        _head, sep, rest = chunk.partition(b"\r\n\r\n")
        if sep and rest.strip():
            payloads.append(orjson.loads(rest.strip()))
    return payloads


def merged(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """The final result a client builds: incremental data merged at its paths, errors joined."""
    result = copy.deepcopy({k: v for k, v in payloads[0].items() if k != "hasNext"})
    errors = list(result.pop("errors", []))
    for payload in payloads[1:]:
        errors += payload.get("errors", [])
        for item in payload.get("incremental", []):
            errors += item.get("errors", [])
            if "items" in item:  # @stream: the items from the index the path ends with
                target = result["data"]
                for key in item["path"][:-1]:
                    target = target[key]
                assert len(target) == item["path"][-1], "streamed items out of order"
                target.extend(item["items"])
                continue
            if item.get("data") is None:
                continue
            target = result["data"]
            for key in item["path"]:
                target = target[key]
            _merge(target, item["data"])
    if errors:
        result["errors"] = errors
    return result


def merged_v02(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """``merged`` for ``incrementalSpec=v0.2``: data at the path its ``pending`` id announced;
    every announced id must be completed by the last payload."""
    result = copy.deepcopy({k: v for k, v in payloads[0].items()
                            if k not in ("hasNext", "pending")})
    errors = list(result.pop("errors", []))
    paths: dict[str, list[Any]] = {}
    for payload in payloads:
        paths.update({entry["id"]: entry["path"] for entry in payload.get("pending", [])})
        for item in payload.get("incremental", []):
            errors += item.get("errors", [])
            target = result["data"]
            for key in [*paths[item["id"]], *item.get("subPath", [])]:
                target = target[key]
            if "items" in item:
                target.extend(item["items"])
            else:
                _merge(target, item["data"])
        for done in payload.get("completed", []):
            errors += done.get("errors", [])
            paths.pop(done["id"])
    assert not paths, f"announced but never completed: {paths}"
    if errors:
        result["errors"] = errors
    return result


def _merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            for mine, theirs in zip(target[key], value, strict=True):
                if isinstance(mine, dict) and isinstance(theirs, dict):
                    _merge(mine, theirs)
        else:
            target[key] = value


async def post_deferred(client: httpx.AsyncClient, body: dict[str, Any],
                        accept: str = ACCEPT_DEFER) -> tuple[httpx.Response, list[dict[str, Any]]]:
    """POST ``body`` asking for multipart; the response and its payloads."""
    response = await client.post("/graphql", json=body, headers={"accept": accept})
    return response, multipart_payloads(response.content)
