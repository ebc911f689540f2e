"""Decide, after each fetch, which parts are complete, and shape them into payloads.

Two formats: ``deferSpec=20220824`` (Apollo Client 3.7+, Apollo iOS and Apollo Kotlin):
``{data, errors?, hasNext}`` first, then ``{incremental: [{data, path, label?, errors?}],
hasNext}``; and ``incrementalSpec=v0.2`` (graphql-js 17.0.0-alpha.9, Apollo Client 4's
``GraphQL17Alpha9Handler``): each deferred fragment at each object is announced in ``pending``
(``{id, path, label?}``) with the payload that delivers its parent, its fields come in
``incremental`` (``{id, data, errors?}``) and its end in ``completed`` (``{id, errors?}``, the
errors when its data is null).

Each part is shaped from its own selections (``PartShapes``), so null propagation stops at a
defer boundary; an error belongs to the part that selects the deepest prefix of its path, and
travels with that part's payload (a path-less error with the next payload sent).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, is_abstract_type

from gateway.executor.entities import runtime_typenames
from gateway.executor.incremental.operation import IncrementalOperation
from gateway.executor.incremental.parts import DeferredPart, Step
from gateway.executor.incremental.streams import cut_streams
from gateway.executor.merge import deep_merge
from gateway.executor.shape import Shaper
from gateway.executor.state import Execution

__all__ = ["Delivery"]

Emit = Callable[[dict[str, Any]], None]
Path = tuple[str | int, ...]
_WAITING, _SENT, _DROPPED = 0, 1, 2


class Delivery:
    """The parts of one request and what has been sent of them."""

    def __init__(self, ex: Execution, incremental: IncrementalOperation,
                 parts: list[DeferredPart], variables: dict[str, Any],
                 introspection: dict[str, Any] | None, spec: str = "20220824") -> None:
        self.ex = ex
        self.incremental = incremental
        self.schema: GraphQLSchema = incremental.operation.schema
        self.parts = parts
        self.variables = variables
        self.introspection = introspection
        self.state = [_WAITING] * len(parts)
        self.pending = [{i for i, paths in enumerate(incremental.written) if paths & part.paths}
                        for part in parts]
        self.view: dict[str, Any] = {}  # the client's data so far, payloads merged
        self.taken: set[int] = set()  # indices of ex.errors already sent
        self.open = False  # a payload said hasNext: true and no later one closed it
        self.v02 = spec == "v0.2"
        self.anchors: dict[int, list[tuple[Path, dict[str, Any], dict[str, Any]]]] = {}
        self.ids: dict[tuple[int, Path], str] = {}
        self.announced: list[dict[str, Any]] = []  # pending entries of the payload being made
        self.streamed: list[dict[str, Any]] = []  # streamed items for the next payload

    def fetched(self, leaf: int, emit: Emit) -> None:
        """Leaf ``leaf`` of the plan finished (or will never run): send what is complete."""
        for pending in self.pending:
            pending.discard(leaf)
        self.flush(emit)

    def finish(self, emit: Emit) -> None:
        """The plan is done: everything still waiting is complete."""
        for pending in self.pending:
            pending.clear()
        self.flush(emit)

    def flush(self, emit: Emit) -> None:
        initial = None
        if self.state[0] == _WAITING:
            if self.pending[0]:
                return
            initial = self._initial()
        if initial is not None and self.announced:
            initial["pending"], self.announced = self.announced, []
        delivered = self._ready_items()
        delivered += self.streamed
        self.streamed = []
        has_next = _WAITING in self.state
        if initial is not None:  # parts complete with it follow at once, in the next payload
            emit({**initial, "hasNext": has_next or bool(delivered)})
            self.open = has_next
        if delivered:
            emit({**self._format(delivered), "hasNext": has_next})
            self.open = has_next
        elif self.open and not has_next:
            late = self._errors_for(None, None)
            emit({"hasNext": False, **({"errors": late} if late else {})})
            self.open = False

    def _initial(self) -> dict[str, Any]:
        errors = self._errors_for(0, None)
        shaper = Shaper(self.schema, self.incremental.primary, self.variables, errors,
                        self.ex.failed, self.introspection)
        data = shaper.root(self.incremental.operation.root_type, self.ex.data)
        self.state[0] = _SENT
        if data is not None:
            cut_streams(self, 0, ((), data, self.ex.data), errors)
        self._settle_streams(0)
        self.view = copy.deepcopy(data) if data is not None else {}  # payloads stay as sent
        self._announce(0)
        payload: dict[str, Any] = {"data": data}
        if errors:
            payload["errors"] = errors
        return payload

    def _announce(self, number: int) -> None:
        """Part ``number`` went out: find where its deferred children will be delivered."""
        for part in self.parts:
            if part.parent != number or self.state[part.number] != _WAITING \
                    or part.stream is not None:
                continue
            found = self.anchors[part.number] = self._objects(part)
            if not found:
                self._drop(part.number)
            for path, _, _ in found if self.v02 else ():
                entry: dict[str, Any] = {"id": str(len(self.ids)), "path": list(path)}
                if part.label is not None:
                    entry["label"] = part.label
                self.ids[part.number, path] = entry["id"]
                self.announced.append(entry)

    def _settle_streams(self, number: int) -> None:
        """Part ``number`` went out: what its lists stream is queued (``cut_streams``)."""
        for part in self.parts:
            if part.parent == number and part.stream is not None:
                self.state[part.number] = _SENT

    def _drop(self, number: int) -> None:
        """Not delivered (no object to deliver it on), nor any part inside it."""
        self.state[number] = _DROPPED
        for part in self.parts:
            if part.parent == number and self.state[part.number] == _WAITING:
                self._drop(part.number)

    def _ready_items(self) -> list[dict[str, Any]]:
        delivered: list[dict[str, Any]] = []
        progress = True
        while progress:  # a nested part can follow its parent in the same payload
            progress = False
            for part in self.parts[1:]:
                if self.state[part.number] != _WAITING or self.pending[part.number] \
                        or self.state[part.parent] != _SENT or part.stream is not None:
                    continue
                progress = True
                self.state[part.number] = _SENT
                delivered.extend(self._item(part, path, view, raw)
                                 for path, view, raw in self.anchors.pop(part.number, []))
                self._settle_streams(part.number)
                self._announce(part.number)
        sent = [item for item in delivered if "skip" not in item]
        loose = self._errors_for(None, None) if sent else []  # no path: with the first item
        if loose:
            sent[0]["errors"] = sent[0].get("errors", []) + loose
        return delivered

    def _format(self, delivered: list[dict[str, Any]]) -> dict[str, Any]:
        if not self.v02:
            return {"incremental": [{k: v for k, v in item.items() if k != "id"}
                                    for item in delivered if "skip" not in item]}
        payload: dict[str, Any] = {}
        if self.announced:
            payload["pending"], self.announced = self.announced, []
        incremental, completed = [], []
        for item in delivered:
            done = {"id": item["id"]}
            if "items" in item or item.get("data") is not None:
                key = "items" if "items" in item else "data"
                entry = {"id": item["id"], key: item[key]}
                if item.get("errors"):
                    entry["errors"] = item["errors"]
                incremental.append(entry)
            elif item.get("errors"):
                done["errors"] = item["errors"]
            completed.append(done)
        if incremental:
            payload["incremental"] = incremental
        payload["completed"] = completed
        return payload

    def _item(self, part: DeferredPart, path: Path, view: dict[str, Any],
              raw: dict[str, Any]) -> dict[str, Any]:
        item_id = self.ids.get((part.number, path))
        if not self._satisfies(raw, part.conditions):  # its type became known since: not it
            return {"id": item_id, "skip": True}
        errors = [{**e, "path": e["path"][len(path):]} for e in self._errors_for(part.number, path)]
        runtime = self._runtime(part, raw)
        shaper = Shaper(self.schema, self.incremental.shapes_of(part), self.variables, errors,
                        self.ex.failed, self.introspection)
        data = shaper.root(runtime, raw) if runtime is not None else None
        item: dict[str, Any] = {"id": item_id, "data": data, "path": list(path)}
        if part.label is not None:
            item["label"] = part.label
        if errors:
            item["errors"] = [{**e, "path": [*path, *e["path"]]} if "path" in e else e
                              for e in errors]
        if data is not None:  # before the view keeps a copy: the client has the kept items
            cut_streams(self, part.number, (path, data, raw), item.setdefault("errors", []))
            deep_merge(view, copy.deepcopy(data))  # the item stays as sent
        if not item.get("errors"):
            item.pop("errors", None)
        return item

    def _objects(self, part: DeferredPart) -> list[tuple[Path, dict[str, Any], dict[str, Any]]]:
        """Where the part is delivered: every object at its steps that the client has."""
        return self.walk([((), self.view, self.ex.data)], part.steps, part.conditions)

    def walk(self, found: list[tuple[Path, Any, Any]], steps: tuple[Step, ...],
             conditions: tuple[str, ...]) -> list[tuple[Path, dict[str, Any], dict[str, Any]]]:
        """The objects reached from ``found`` along ``steps`` (shaped and raw side by side)."""
        for step in steps:
            found = [hit for path, view, raw in found if self._satisfies(raw, step.conditions)
                     for hit in _below((*path, step.key), view.get(step.key),
                                       raw.get(step.key) if type(raw) is dict else None)]
        return [(path, view, raw) for path, view, raw in found
                if type(raw) is dict and self._satisfies(raw, conditions)]

    def _satisfies(self, raw: Any, conditions: tuple[str, ...]) -> bool:
        if not conditions or type(raw) is not dict:
            return True
        runtime = self._concrete(raw)
        if runtime is None:
            return True  # no type name known: a concrete field type, nothing to narrow
        for condition in conditions:
            wanted = self.schema.get_type(condition)
            if wanted is None:
                return False
            if wanted is not runtime and not (is_abstract_type(wanted)
                                              and self.schema.is_sub_type(wanted, runtime)):
                return False
        return True

    def _concrete(self, raw: dict[str, Any]) -> GraphQLObjectType | None:
        for name in runtime_typenames(raw):
            found = self.schema.get_type(name)
            if isinstance(found, GraphQLObjectType):
                return found
        return None

    def _runtime(self, part: DeferredPart, raw: dict[str, Any]) -> GraphQLObjectType | None:
        if isinstance(part.type, GraphQLObjectType):
            return part.type
        return self._concrete(raw)

    def _errors_for(self, number: int | None, path: Path | None) -> list[dict[str, Any]]:
        """The unsent errors of part ``number`` (under ``path``); ``None``: path-less ones."""
        out = []
        for index, error in enumerate(self.ex.errors):
            if index in self.taken:
                continue
            where = error.get("path")
            if not isinstance(where, list) or not where:
                if number is None or number == 0:
                    out.append(error)
                    self.taken.add(index)
                continue
            owner = self._owner(where)
            if number is None and self.state[owner] == _SENT:  # late: its part went out
                out.append(error)
                self.taken.add(index)
                continue
            if self.state[owner] == _DROPPED:
                self.taken.add(index)  # its part is not delivered: its parent's null says why
                continue
            if owner == number and (path is None or tuple(where[:len(path)]) == path):
                out.append(error)
                self.taken.add(index)
        return out

    def _owner(self, path: list[Any]) -> int:
        keys = tuple(k for k in path if isinstance(k, str))
        for end in range(len(keys), 0, -1):
            prefix = keys[:end]
            for part in self.parts:
                if prefix in part.paths and self.state[part.number] != _DROPPED:
                    return part.number
        return 0


def _below(path: Path, view: Any, raw: Any) -> list[tuple[Path, Any, Any]]:
    """The objects at ``path``, lists walked element by element (the client's and ours agree)."""
    if type(view) is dict:
        return [(path, view, raw)]
    if type(view) is list and type(raw) is list and len(raw) >= len(view):  # longer: streamed
        return [hit for index, (v, r) in enumerate(zip(view, raw, strict=False))
                for hit in _below((*path, index), v, r)]
    return []
