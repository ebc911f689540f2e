"""Collect the objects at a Flatten path and build their deduplicated representations.

This runs for every Flatten of every request, so the hot paths are flat loops: objects are
collected without their response paths, which are found again only when an error needs one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from gateway.plan import KeyField, KeyFragment, Representation

__all__ = ["Batch", "Origin", "build_batch", "objects_at", "origins_at", "runtime_typenames"]

Path = tuple[str | int, ...]
Origin = tuple[dict[str, Any], Path]
_MISSING = object()


def objects_at(tree: Any, path: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every object found at ``path``; ``@`` walks every list element.

    A list reached by a plain key is walked just the same (``@`` only names the list level), and
    a type condition segment (``... on T``, Apollo's form) keeps the objects of that type.
    """
    level: list[Any] = [tree]
    for segment in path:
        found: list[Any] = []
        if segment == "@":
            for value in level:
                if type(value) is list:
                    found.extend(value)
        elif segment.startswith(("... on ", "|[")):
            for value in _flat_objects(level):
                if _condition_matches(segment, value):
                    found.append(value)
        else:
            for value in level:
                if type(value) is dict:
                    found.append(value.get(segment))
                elif type(value) is list:
                    found.extend(item.get(segment) for item in _flat_objects(value))
        level = found
    if all(type(value) is dict for value in level):
        return level
    return list(_flat_objects(level))


def _flat_objects(values: list[Any]) -> Iterator[dict[str, Any]]:
    """The objects among ``values``, lists flattened at any depth, nulls and scalars dropped."""
    for value in values:
        if type(value) is dict:
            yield value
        elif type(value) is list:
            yield from _flat_objects(value)


def origins_at(tree: Any, path: tuple[str, ...]) -> list[Origin]:
    """``objects_at`` with each object's response path (only for errors: slower)."""
    return list(_walk(tree, path, 0, ()))


def _walk(value: Any, path: tuple[str, ...], depth: int, at: Path) -> Iterator[Origin]:
    if value is None:
        return
    if isinstance(value, list):
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
    if segment.startswith(("... on ", "|[")):
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

    __slots__ = ("_index", "representations", "sources")

    def __init__(self) -> None:
        self.representations: list[dict[str, Any]] = []
        self.sources: list[list[dict[str, Any]]] = []  # i-th: the objects behind representation i
        self._index: dict[Any, int] = {}  # representation key -> its position

    @property
    def objects(self) -> list[dict[str, Any]]:
        return [obj for objects in self.sources for obj in objects]

    def paths(self, tree: Any, paths: tuple[tuple[str, ...], ...]) -> list[list[Path]]:
        """The response paths of each representation's objects, found again in ``tree`` along
        the plan ``paths`` the batch was collected from.

        An object a later merge replaced is no longer in the tree: it simply has no path.
        """
        where: dict[int, list[Path]] = {}
        for path in paths:
            for obj, at in origins_at(tree, path):
                where.setdefault(id(obj), []).append(at)
        # One object can be reached twice (a shared answer merged at two places): once is enough.
        return [[at for ident in dict.fromkeys(map(id, objects)) for at in where.get(ident, ())]
                for objects in self.sources]


class _Matcher:
    """Which representation an object gets, by type name: the first shape that matches it."""

    __slots__ = ("by_name", "shapes")

    def __init__(self, shapes: tuple[Representation, ...]) -> None:
        self.shapes = shapes
        self.by_name: dict[str, Representation] = {}
        for shape in shapes:
            for name in (shape.type_name, *shape.match_types):
                self.by_name.setdefault(name, shape)


_matchers: dict[int, _Matcher] = {}


def _matcher(shapes: tuple[Representation, ...]) -> _Matcher:
    # Keyed by identity (a plan's tuples live as long as the cached plan); checked, since an id
    # can be reused once a plan is gone. Bounded: plans come and go with the plan cache.
    matcher = _matchers.get(id(shapes))
    if matcher is None or matcher.shapes is not shapes:
        if len(_matchers) > 4096:
            _matchers.clear()
        matcher = _matchers[id(shapes)] = _Matcher(shapes)
    return matcher


def build_batch(objects: list[dict[str, Any]], shapes: tuple[Representation, ...]) -> Batch:
    """Representations for every object a shape matches; skip objects lacking a key value."""
    batch = Batch()
    by_name = _matcher(shapes).by_name
    representations, sources, seen = batch.representations, batch.sources, batch._index
    for obj in objects:
        name = obj.get("__typename")
        shape = by_name.get(name) if type(name) is str else None
        if shape is None:
            name = obj.get("__internal_typename")
            shape = by_name.get(name) if type(name) is str else None
            if shape is None:
                continue
        fields = _copy_fields(obj, shape.fields)
        if fields is None:
            continue
        key: Any = tuple(fields.items())
        for _, value in key:
            if type(value) is not str:  # 1 == True == 1.0 in a tuple: such keys compare as JSON
                key = orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
                break
        key = (shape.type_name, key)
        index = seen.get(key)  # Batch.add, inlined: this loop runs for every object
        if index is None:
            seen[key] = len(representations)
            representations.append({"__typename": shape.type_name, **fields})
            sources.append([obj])
        else:
            sources[index].append(obj)
    return batch


def _copy_fields(obj: dict[str, Any], fields: tuple[KeyField | KeyFragment, ...],
                 out: dict[str, Any] | None = None) -> dict[str, Any] | None:
    out = {} if out is None else out
    for key in fields:
        if type(key) is KeyFragment:
            # GraphQL spec §6.3.2 DoesFragmentTypeApply: only objects of the fragment's types
            if _is_one_of(obj, key.types) and _copy_fields(obj, key.selections, out) is None:
                return None
            continue
        value = obj.get(key.response_key, _MISSING)
        if value is _MISSING:
            return None
        if key.selections and value is not None:
            value = _copy_nested(value, key.selections)
            if value is _MISSING:
                return None
        if key.name in out:  # selected again inside a fragment: the two halves merge
            value = _combine(out[key.name], value)
        out[key.name] = value
    return out


def _is_one_of(obj: dict[str, Any], types: tuple[str, ...]) -> bool:
    return any(name in types for name in runtime_typenames(obj))


def _combine(left: Any, right: Any) -> Any:
    if type(left) is dict and type(right) is dict:
        merged = dict(left)
        for name, value in right.items():
            merged[name] = _combine(merged[name], value) if name in merged else value
        return merged
    if type(left) is list and type(right) is list and len(left) == len(right):
        return [_combine(a, b) for a, b in zip(left, right, strict=True)]
    return right


def _copy_nested(value: Any, fields: tuple[KeyField | KeyFragment, ...]) -> Any:
    if isinstance(value, list):
        items = [_copy_nested(item, fields) if item is not None else None for item in value]
        return _MISSING if any(item is _MISSING for item in items) else items
    if isinstance(value, dict):
        copied = _copy_fields(value, fields)
        return _MISSING if copied is None else copied
    return value
