"""Put a subgraph's answers to aliased fields back under the response keys the plan expects.

The planner aliases fields a subgraph could not merge under one key (GraphQL spec §5.3.2, see
``gateway.plan.nodes``); their answers belong under the original key, as if the subgraph had
answered there. Error paths from the same fetch get the same renaming.
"""

from __future__ import annotations

from typing import Any

from gateway.executor.merge import deep_merge
from gateway.plan import Rename

__all__ = ["restore_keys", "restore_path"]


def restore_keys(value: Any, renames: tuple[Rename, ...]) -> None:
    """Rename in place, through lists at any depth; an aliased answer merges into its key."""
    if type(value) is list:
        for item in value:
            restore_keys(item, renames)
        return
    if type(value) is not dict:
        return
    moved: list[tuple[str, Any]] = []
    for rename in renames:
        if rename.answer_key == rename.key:
            if rename.nested:
                restore_keys(value.get(rename.key), rename.nested)
        elif rename.answer_key in value:
            inner = value.pop(rename.answer_key)
            if rename.nested:
                restore_keys(inner, rename.nested)
            moved.append((rename.key, inner))
    # after the loop: a key's own nested renames must not touch what another alias brings in
    for key, inner in moved:
        deep_merge(value, {key: inner})


def restore_path(path: list[Any], renames: tuple[Rename, ...]) -> list[Any]:
    """A response path inside the fetch's answer, with aliased keys renamed back."""
    out: list[Any] = []
    level = renames
    for segment in path:
        if isinstance(segment, str):
            found = next((r for r in level if r.answer_key == segment), None)
            out.append(found.key if found is not None else segment)
            level = found.nested if found is not None else ()
        else:
            out.append(segment)
    return out
