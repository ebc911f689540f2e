"""Deep-merge a subgraph's answer into the response tree built so far."""

from __future__ import annotations

from typing import Any

__all__ = ["deep_merge"]

_TYPENAME_KEYS = ("__typename", "__internal_typename")


def deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge ``source`` into ``target`` in place.

    Objects merge key by key and lists of equal length element by element. An existing
    ``__typename`` is never overwritten: an ``@interfaceObject`` subgraph answers with the
    interface name where the tree already holds the concrete type.
    """
    for key, value in source.items():
        current = target.get(key)
        if current is None:  # the common case: a field this answer adds
            target[key] = value
        elif key in _TYPENAME_KEYS:
            continue
        elif type(current) is dict and type(value) is dict:
            deep_merge(current, value)
        elif type(current) is list and type(value) is list and len(current) == len(value):
            _merge_lists(current, value)
        else:
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any]) -> None:
    for index, (mine, theirs) in enumerate(zip(target, source, strict=True)):
        if isinstance(mine, dict) and isinstance(theirs, dict):
            deep_merge(mine, theirs)
        elif isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
            _merge_lists(mine, theirs)
        elif mine is None or not isinstance(theirs, dict | list):
            target[index] = theirs
