"""``@stream``: a list keeps its first ``initialCount`` items in its part's payload; the rest
follow in the next payload (``{items, path: [..., list, index]}``, or ``{id, items}`` for
``incrementalSpec=v0.2``), with the errors found under them.

A subgraph answers a list whole, so the remaining items are ready with the part that holds the
list; they come right after it (the RFC lets a server send streamed items in any grouping).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gateway.executor.incremental.parts import DeferredPart

if TYPE_CHECKING:
    from gateway.executor.incremental.delivery import Delivery

__all__ = ["cut_streams"]

Path = tuple[str | int, ...]


def cut_streams(delivery: Delivery, number: int, start: tuple[Path, Any, Any],
                errors: list[dict[str, Any]]) -> None:
    """Part ``number`` is being sent (``start``: its path, shaped data, raw object): cut the
    lists it streams, queue their remaining items, move their errors along."""
    parent = delivery.parts[number]
    for stream in delivery.parts:
        if stream.parent != number or stream.stream is None:
            continue
        holders = delivery.walk([start], stream.steps[len(parent.steps):], stream.conditions)
        for path, shaped, _ in holders:
            _cut(delivery, stream, path, shaped, errors)


def _cut(delivery: Delivery, stream: DeferredPart, path: Path, holder: Any,
         errors: list[dict[str, Any]]) -> None:
    items = holder.get(stream.key) if type(holder) is dict else None
    count = stream.stream or 0
    if type(items) is not list or len(items) <= count:
        return
    rest = items[count:]
    del items[count:]
    at = (*path, stream.key)
    moved = [e for e in errors if _under(e, at, count)]
    errors[:] = [e for e in errors if not _under(e, at, count)]
    entry: dict[str, Any] = {"items": rest, "path": [*at, count]}
    if stream.label is not None:
        entry["label"] = stream.label
    if moved:
        entry["errors"] = moved
    if delivery.v02:
        announced = {"id": str(len(delivery.ids)), "path": list(at)}
        if stream.label is not None:
            announced["label"] = stream.label
        delivery.ids[stream.number, at] = announced["id"]
        delivery.announced.append(announced)
        entry["id"] = announced["id"]
    delivery.streamed.append(entry)


def _under(error: dict[str, Any], at: Path, count: int) -> bool:
    path = error.get("path")
    if not isinstance(path, list) or len(path) <= len(at) or tuple(path[:len(at)]) != at:
        return False
    index = path[len(at)]
    return type(index) is int and index >= count
