"""Collect the objects at a Flatten path and build their deduplicated representations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from gateway.plan import KeyField, Representation

__all__ = ["Batch", "Origin", "build_batch", "objects_at", "runtime_typenames"]

Path = tuple[str | int, ...]
Origin = tuple[dict[str, Any], Path]
_MISSING = object()


def objects_at(tree: Any, path: tuple[str, ...]) -> list[Origin]:
    """Every object found at ``path`` with its response path; ``@`` walks every list element."""
    return list(_walk(tree, path, 0, ()))


def _walk(value: Any, path: tuple[str, ...], depth: int, at: Path) -> Iterator[Origin]:
    if value is None:
        return
    if isinstance(value, list):
        # ``@`` names the list level; a list reached by a plain key is walked just the same.
        step = 1 if depth < len(path) and path[depth] == "@" else 0
        for index, item in enumerate(value):
            yield from _walk(item, path, depth + step, (*at, index))
        return
    if not isinstance(value, dict):
        return
    if depth == len(path):
        yield value, at
        return
    segment = path[depth]
    if segment.startswith(("... on ", "|[")):  # a type condition on the path (Apollo's form)
        if _condition_matches(segment, value):
            yield from _walk(value, path, depth + 1, at)
        return
    yield from _walk(value.get(segment), path, depth + 1, (*at, segment))


def _condition_matches(segment: str, value: dict[str, Any]) -> bool:
    names = segment.removeprefix("... on ").strip("|[]").split(",")
    return any(name.strip() in names for name in runtime_typenames(value))


def runtime_typenames(value: dict[str, Any]) -> list[str]:
    """The type names an object claims, concrete first, then the planner's internal alias."""
    names = [value.get("__typename"), value.get("__internal_typename")]
    return [name for name in names if isinstance(name, str)]


class Batch:
    """The representations of one ``_entities`` call and the objects each one came from."""

    def __init__(self) -> None:
        self.representations: list[dict[str, Any]] = []
        self.origins: list[list[Origin]] = []
        self._index: dict[bytes, int] = {}

    def add(self, representation: dict[str, Any], origin: Origin) -> None:
        key = orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.representations)
            self.representations.append(representation)
            self.origins.append([])
        self.origins[index].append(origin)

    @property
    def objects(self) -> list[dict[str, Any]]:
        return [obj for origins in self.origins for obj, _ in origins]


def build_batch(origins: list[Origin], shapes: tuple[Representation, ...]) -> Batch:
    """Representations for every object a shape matches; skip objects lacking a key value."""
    batch = Batch()
    for obj, path in origins:
        shape = _shape_for(obj, shapes)
        if shape is None:
            continue
        fields = _copy_fields(obj, shape.fields)
        if fields is not None:
            batch.add({"__typename": shape.type_name, **fields}, (obj, path))
    return batch


def _shape_for(obj: dict[str, Any], shapes: tuple[Representation, ...]) -> Representation | None:
    names = runtime_typenames(obj)
    return next((s for name in names for s in shapes if s.matches(name)), None)


def _copy_fields(obj: dict[str, Any], fields: tuple[KeyField, ...]) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for key in fields:
        value = obj.get(key.response_key, _MISSING)
        if value is _MISSING:
            return None
        if key.selections and value is not None:
            value = _copy_nested(value, key.selections)
            if value is _MISSING:
                return None
        out[key.name] = value
    return out


def _copy_nested(value: Any, fields: tuple[KeyField, ...]) -> Any:
    if isinstance(value, list):
        items = [_copy_nested(item, fields) if item is not None else None for item in value]
        return _MISSING if any(item is _MISSING for item in items) else items
    if isinstance(value, dict):
        copied = _copy_fields(value, fields)
        return _MISSING if copied is None else copied
    return value
