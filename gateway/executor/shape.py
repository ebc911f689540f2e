"""Shape the merged tree into the client's response: its fields, order, aliases and nulls.

Null propagation follows the client's schema (GraphQL spec §6.4.4 "Handling Field Errors"): a
null in a non-null position makes the nearest nullable parent null. A null that no error explains
gets a field error of its own; a null that a subgraph error (at, above or below its path) or a
failed fetch explains gets none, so every nulled field has exactly the errors that caused it.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    SelectionSetNode,
    is_abstract_type,
    is_leaf_type,
)

from gateway.executor.entities import runtime_typenames
from gateway.executor.fields import FieldCollector

__all__ = ["Shaper"]

Path = tuple[str | int, ...]
_BUBBLE = object()  # "this value is null because a non-null child was null"
_META_ROOT_FIELDS = ("__schema", "__type")


class Shaper:
    """Shape one response; collects the errors it finds in ``errors``."""

    def __init__(
        self,
        schema: GraphQLSchema,
        collector: FieldCollector,
        errors: list[dict[str, Any]],
        failed: set[int],
        introspection: dict[str, Any] | None = None,
    ) -> None:
        self.schema = schema
        self.collector = collector
        self.errors = errors
        self.failed = failed
        self.introspection = introspection or {}
        self._explained = _explained_paths(errors)
        self._exact = {tuple(e["path"]) for e in errors if isinstance(e.get("path"), list)}

    def root(
        self, root_type: GraphQLObjectType, selection_set: SelectionSetNode, data: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The ``data`` entry: None when a non-null root field is null (§6.4.4)."""
        shaped = self._object(root_type, data, [selection_set], ())
        return None if shaped is _BUBBLE else shaped

    def _object(
        self,
        runtime: GraphQLObjectType,
        value: dict[str, Any],
        selection_sets: list[SelectionSetNode | None],
        path: Path,
    ) -> Any:
        out: dict[str, Any] = {}
        for key, nodes in self.collector.collect(runtime, selection_sets).items():
            shaped = self._field(runtime, value, key, nodes, (*path, key))
            if shaped is _BUBBLE:
                return _BUBBLE
            out[key] = shaped
        return out

    def _field(
        self, parent: GraphQLObjectType, value: dict[str, Any], key: str, nodes: list[FieldNode],
        path: Path,
    ) -> Any:
        name = nodes[0].name.value
        if name == "__typename":
            return parent.name
        if name in _META_ROOT_FIELDS and len(path) == 1:
            return self.introspection.get(key)
        definition = parent.fields.get(name)
        if definition is None:  # validation makes this impossible; never leak what is unknown
            return None
        sets = [node.selection_set for node in nodes]
        explained = id(value) in self.failed
        return self._complete(definition.type, value.get(key), sets, path, explained,
                              f"{parent.name}.{name}")

    def _complete(
        self, type_: GraphQLOutputType, value: Any, sets: list, path: Path, explained: bool,
        label: str,
    ) -> Any:
        if isinstance(type_, GraphQLNonNull):
            shaped = self._nullable(type_.of_type, value, sets, path, label)
            if shaped is None:
                if not (explained or self._is_explained(path)):
                    self._error(f"Cannot return null for non-nullable field {label}.", path)
                return _BUBBLE
            return shaped
        shaped = self._nullable(type_, value, sets, path, label)
        return None if shaped is _BUBBLE else shaped

    def _nullable(self, type_: Any, value: Any, sets: list, path: Path, label: str) -> Any:
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            return self._list(type_, value, sets, path, label)
        if is_leaf_type(type_):
            return self._leaf(type_, value, path, label)
        if not isinstance(value, dict):
            return self._error(f"Expected an object for {label}.", path)
        runtime = self._runtime_type(type_, value)
        if runtime is None:
            return self._error(f"Could not resolve the runtime type of {label}.", path)
        return self._object(runtime, value, sets, path)

    def _list(self, type_: GraphQLList, value: Any, sets: list, path: Path, label: str) -> Any:
        if not isinstance(value, list):
            return self._error(f"Expected a list for {label}.", path)
        items = []
        for index, item in enumerate(value):
            shaped = self._complete(type_.of_type, item, sets, (*path, index), False, label)
            if shaped is _BUBBLE:
                return _BUBBLE
            items.append(shaped)
        return items

    def _leaf(self, type_: Any, value: Any, path: Path, label: str) -> Any:
        # An enum value the API schema hides (@inaccessible) must not reach the client.
        if isinstance(type_, GraphQLEnumType) and value not in type_.values:
            return self._error(f"Enum {type_.name} cannot represent value {value!r}.", path)
        return value

    def _runtime_type(self, type_: Any, value: dict[str, Any]) -> Any:
        if not is_abstract_type(type_):
            return type_
        for name in runtime_typenames(value):
            candidate = self.schema.get_type(name)
            if isinstance(candidate, GraphQLObjectType) and self.schema.is_sub_type(
                type_, candidate
            ):
                return candidate
        # An @interfaceObject subgraph knows only the interface; when the client asks nothing
        # type-specific the planner fetches no concrete __typename, and interface fields suffice.
        if isinstance(type_, GraphQLInterfaceType):
            return type_
        return None

    def _is_explained(self, path: Path) -> bool:
        """An error at or below ``path``, or at one of its ancestors."""
        if path in self._explained:
            return True
        return any(path[:i] in self._exact for i in range(len(path)))

    def _error(self, message: str, path: Path) -> None:
        self.errors.append({"message": message, "path": list(path)})


def _explained_paths(errors: list[dict[str, Any]]) -> set[Path]:
    """Every error path and every prefix of one (the paths an error explains from below)."""
    out: set[Path] = set()
    for error in errors:
        path = error.get("path")
        if isinstance(path, list):
            for i in range(1, len(path) + 1):
                out.add(tuple(path[:i]))
    return out
