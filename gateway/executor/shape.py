"""Shape the merged tree into the client's response: its fields, order, aliases and nulls.

Null propagation follows the client's schema (GraphQL spec §6.4.4 "Handling Field Errors"): a
null in a non-null position makes the nearest nullable parent null. A null that no error explains
gets a field error of its own; a null that a subgraph error (at, above or below its path) or a
failed fetch explains gets none, so every nulled field has exactly the errors that caused it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
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
_JSON_SCALARS = (str, int, float, bool)
# What a built-in scalar may hold once serialised (GraphQL spec §3.5); custom scalars take any JSON.
_BUILT_IN_SCALARS: dict[str, tuple[type, ...]] = {
    "Int": (int,), "Float": (int, float), "String": (str,), "Boolean": (bool,), "ID": (str, int),
}


@dataclass(frozen=True, slots=True)
class _FieldPlan:
    """How to complete one response key of one runtime type (collected once per request)."""

    key: str
    name: str
    type: GraphQLOutputType | None
    sets: list[SelectionSetNode | None]
    label: str
    scalar: tuple[type, ...]  # for a scalar field: the JSON value types that pass as they are

    @classmethod
    def of(cls, parent: GraphQLObjectType, key: str, nodes: list[FieldNode]) -> _FieldPlan:
        name = nodes[0].name.value
        definition = parent.fields.get(name) if not name.startswith("__") else None
        type_ = definition.type if definition is not None else None
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        accepts = _scalar_accepts(inner) if isinstance(inner, GraphQLScalarType) else ()
        return cls(key, name, type_, [n.selection_set for n in nodes], f"{parent.name}.{name}",
                   accepts)


def _scalar_accepts(scalar: GraphQLScalarType) -> tuple[type, ...]:
    return _BUILT_IN_SCALARS.get(scalar.name, _JSON_SCALARS)


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
        self._plans: dict[tuple, list[_FieldPlan]] = {}

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
        explained = id(value) in self.failed
        for plan in self._field_plans(runtime, selection_sets):
            if plan.scalar:  # fast path: a plain scalar needs no completion (§6.4.3 CompleteValue)
                raw = value.get(plan.key)
                if type(raw) in plan.scalar:
                    out[plan.key] = raw
                    continue
            shaped = self._field(runtime, plan, value, (*path, plan.key), explained)
            if shaped is _BUBBLE:
                return _BUBBLE
            out[plan.key] = shaped
        return out

    def _field_plans(
        self, runtime: GraphQLObjectType, selection_sets: list[SelectionSetNode | None]
    ) -> list[_FieldPlan]:
        cache_key = (runtime.name, *map(id, selection_sets))
        plans = self._plans.get(cache_key)
        if plans is None:
            fields = self.collector.collect(runtime, selection_sets)
            plans = [_FieldPlan.of(runtime, key, nodes) for key, nodes in fields.items()]
            self._plans[cache_key] = plans
        return plans

    def _field(
        self, parent: GraphQLObjectType, plan: _FieldPlan, value: dict[str, Any], path: Path,
        explained: bool,
    ) -> Any:
        if plan.name == "__typename":
            return parent.name
        if plan.name in _META_ROOT_FIELDS and len(path) == 1:
            return self.introspection.get(plan.key)
        if plan.type is None:  # validation makes this impossible; never leak what is unknown
            return None
        return self._complete(plan.type, value.get(plan.key), plan.sets, path, explained,
                              plan.label)

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
        accepts = _BUILT_IN_SCALARS.get(type_.name)
        if accepts is not None and type(value) not in accepts:
            if type_.name == "Int" and type(value) is float and value.is_integer():
                return int(value)  # 3.0 from a JSON encoder is the Int 3 (§3.5.1 result coercion)
            kind = type(value).__name__
            return self._error(f"{type_.name} cannot represent a {kind} value ({label}).", path)
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
        """Record a field error; the null it causes is then explained (one error per field)."""
        self.errors.append({"message": message, "path": list(path)})
        self._exact.add(path)
        self._explained.update(path[:i] for i in range(1, len(path) + 1))


def _explained_paths(errors: list[dict[str, Any]]) -> set[Path]:
    """Every error path and every prefix of one (the paths an error explains from below)."""
    out: set[Path] = set()
    for error in errors:
        path = error.get("path")
        if isinstance(path, list):
            for i in range(1, len(path) + 1):
                out.add(tuple(path[:i]))
    return out
