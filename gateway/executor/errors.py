"""Subgraph errors as the client sees them: client paths, ``extensions.serviceName``."""

from __future__ import annotations

from typing import Any

from gateway.executor.entities import Path
from gateway.executor.renames import restore_path
from gateway.fetch import SubgraphFetchError
from gateway.plan import Rename

__all__ = ["entity_errors", "fetch_failed", "root_errors"]

_NEVER_FORWARDED = ("exception", "stacktrace")


def _client_error(error: Any, subgraph: str, path: list[Any] | None) -> dict[str, Any]:
    """Keep message and extensions; drop locations (they point into the gateway's document)."""
    if not isinstance(error, dict):
        error = {"message": str(error)}
    out: dict[str, Any] = {"message": str(error.get("message", "subgraph error"))}
    if path is not None and all(isinstance(p, str | int) for p in path):
        out["path"] = path
    extensions = error.get("extensions")
    extensions = dict(extensions) if isinstance(extensions, dict) else {}
    for key in _NEVER_FORWARDED:  # stack traces stay inside (DESIGN.md: errors leak none)
        extensions.pop(key, None)
    extensions.setdefault("serviceName", subgraph)
    out["extensions"] = extensions
    return out


def root_errors(
    errors: Any, subgraph: str, renames: tuple[Rename, ...] = ()
) -> list[dict[str, Any]]:
    """Errors of a root fetch: its response paths are client paths, once aliases the planner
    added for the subgraph are renamed back."""
    out = []
    for error in _as_list(errors):
        path = error.get("path") if isinstance(error, dict) else None
        path = restore_path(path, renames) if isinstance(path, list) else None
        out.append(_client_error(error, subgraph, path))
    return out


def entity_errors(
    errors: Any, subgraph: str, paths: list[list[Path]], renames: tuple[Rename, ...] = ()
) -> list[dict[str, Any]]:
    """``["_entities", i, *rest]`` becomes ``[*path of each object behind i, *rest]``.

    ``paths[i]`` are the response paths of the objects behind representation ``i``; ``rest``
    has the fetch's aliases renamed back.
    """
    out = []
    for error in _as_list(errors):
        path = error.get("path") if isinstance(error, dict) else None
        index = _entity_index(path, len(paths))
        if index is None:
            out.append(_client_error(error, subgraph, None))
            continue
        rest = restore_path(list(path[2:]), renames)  # type: ignore[index]
        if not paths[index]:  # its objects left the tree: the error still reaches the client
            out.append(_client_error(error, subgraph, None))
        for at in paths[index]:
            out.append(_client_error(error, subgraph, [*at, *rest]))
    return out


def _as_list(errors: Any) -> list[Any]:
    """A malformed ``errors`` entry is still an error the client must see."""
    if isinstance(errors, list):
        return errors
    return [errors] if errors else []


def _entity_index(path: Any, count: int) -> int | None:
    if not isinstance(path, list) or len(path) < 2 or path[0] != "_entities":
        return None
    index = path[1]
    return index if isinstance(index, int) and 0 <= index < count else None


def fetch_failed(error: SubgraphFetchError, path: list[Any] | None = None) -> dict[str, Any]:
    """One error for a fetch that produced no GraphQL response."""
    out: dict[str, Any] = {"message": error.message}
    if path is not None:
        out["path"] = path
    out["extensions"] = {"code": error.code, "serviceName": error.subgraph}
    return out
