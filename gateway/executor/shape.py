"""Shape the merged tree into the client's response: its fields, order, aliases and nulls.

Null propagation follows the client's schema (GraphQL spec §6.4.4 "Handling Field Errors"): a
null in a non-null position makes the nearest nullable parent null. A null that no error explains
gets a field error of its own; a null that a subgraph error (at, above or below its path) or a
failed fetch explains gets none, so every nulled field has exactly the errors that caused it.

What to do at each field depends only on the operation (and the values of the variables its
``@skip``/``@include`` read), so it is worked out once into a tree of ``_FieldPlan`` kept with
the cached operation (``ShapePlans``); a request only walks its data along that tree. Response
paths are built as linked pairs ``(parent, key)`` and flattened only when an error needs one.
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
    GraphQLScalarType,
    GraphQLSchema,
    SelectionSetNode,
    is_abstract_type,
    is_leaf_type,
)

from gateway.executor.entities import runtime_typenames
from gateway.executor.fields import FieldCollector

__all__ = ["ShapePlans", "Shaper"]

Path = tuple[str | int, ...]
Linked = tuple[Any, ...]  # () or (parent: Linked, key)
_BUBBLE = object()  # "this value is null because a non-null child was null"
_HIDDEN = object()  # "the runtime type is @inaccessible: the object is null for clients"
_META_ROOT_FIELDS = ("__schema", "__type")
_JSON_SCALARS = (str, int, float, bool)
# What a built-in scalar may hold once serialised (GraphQL spec §3.5); custom scalars take any JSON.
_BUILT_IN_SCALARS: dict[str, tuple[type, ...]] = {
    "Int": (int,), "Float": (int, float), "String": (str,), "Boolean": (bool,), "ID": (str, int),
}
_PLAIN, _TYPENAME, _META, _UNKNOWN = 0, 1, 2, 3


class _Type:
    """An output type, unwrapped once: non-null, list, leaf or composite."""

    __slots__ = ("abstract", "item", "leaf", "named", "nonnull")

    def __init__(self, type_: GraphQLOutputType) -> None:
        self.nonnull = isinstance(type_, GraphQLNonNull)
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        self.item = _Type(inner.of_type) if isinstance(inner, GraphQLList) else None
        self.leaf = self.item is None and is_leaf_type(inner)
        self.named = inner
        self.abstract = self.item is None and is_abstract_type(inner)


class _FieldPlan:
    """How to complete one response key of one runtime type; ``children`` holds the plans of the
    value's own fields, per runtime type, filled on first use."""

    __slots__ = ("children", "key", "kind", "label", "name", "scalar", "sets", "type")

    def __init__(self, parent: GraphQLObjectType | None, key: str, nodes: list[FieldNode],
                 sets: list[SelectionSetNode | None] | None = None) -> None:
        self.key = key
        self.children: dict[str, list[_FieldPlan]] = {}
        self.scalar: tuple[type, ...] = ()
        self.type: _Type | None = None
        if parent is None:  # the root holder: only its selection sets matter
            self.name, self.kind, self.label, self.sets = key, _PLAIN, key, sets or []
            return
        name = nodes[0].name.value
        self.name, self.label = name, f"{parent.name}.{name}"
        self.sets = [n.selection_set for n in nodes]
        if name == "__typename":
            self.kind = _TYPENAME
            return
        self.kind = _META if name in _META_ROOT_FIELDS else _PLAIN
        definition = parent.fields.get(name) if not name.startswith("__") else None
        if definition is None:
            self.kind = self.kind if self.kind == _META else _UNKNOWN
            return
        self.type = _Type(definition.type)
        named = self.type.named
        if self.type.item is None and isinstance(named, GraphQLScalarType):
            self.scalar = _BUILT_IN_SCALARS.get(named.name, _JSON_SCALARS)


class ShapePlans:
    """The field plans of one operation, per combination of ``@skip``/``@include`` variables.

    Kept with the cached operation, so shaping plans are made once, not once per request.
    """

    __slots__ = ("_roots", "fragments", "schema", "selection_set", "variables")

    _MAX_COMBINATIONS = 64
    collector_type = FieldCollector  # a subclass may collect differently (incremental delivery)

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, Any],
                 selection_set: SelectionSetNode, variables: tuple[str, ...]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.selection_set = selection_set
        self.variables = variables  # the variables some @skip/@include reads
        self._roots: dict[tuple, tuple[FieldCollector, _FieldPlan]] = {}

    def root(self, variables: dict[str, Any]) -> tuple[FieldCollector, _FieldPlan]:
        key = tuple(variables.get(name) is True for name in self.variables)
        found = self._roots.get(key)
        if found is None:
            if len(self._roots) >= self._MAX_COMBINATIONS:
                self._roots.clear()
            collector = self.collector_type(self.schema, self.fragments,
                                       {n: v for n, v in zip(self.variables, key, strict=True)})
            found = self._roots[key] = (collector,
                                        _FieldPlan(None, "", [], [self.selection_set]))
        return found


class Shaper:
    """Shape one response; collects the errors it finds in ``errors``."""

    def __init__(
        self,
        schema: GraphQLSchema,
        plans: ShapePlans,
        variables: dict[str, Any],
        errors: list[dict[str, Any]],
        failed: set[int],
        introspection: dict[str, Any] | None = None,
    ) -> None:
        self.schema = schema
        self.collector, self._root = plans.root(variables)
        self.errors = errors
        self.failed = failed
        self.introspection = introspection or {}
        self._explained = _explained_paths(errors)
        self._exact = {tuple(e["path"]) for e in errors if isinstance(e.get("path"), list)}

    def root(self, root_type: GraphQLObjectType, data: dict[str, Any]) -> dict[str, Any] | None:
        """The ``data`` entry: None when a non-null root field is null (§6.4.4)."""
        shaped = self._object(root_type, data, self._root, ())
        return None if shaped is _BUBBLE else shaped

    def _object(
        self, runtime: GraphQLObjectType, value: dict[str, Any], holder: _FieldPlan, path: Linked
    ) -> Any:
        plans = holder.children.get(runtime.name)
        if plans is None:
            plans = self._field_plans(runtime, holder)
        out: dict[str, Any] = {}
        explained = bool(self.failed) and id(value) in self.failed
        for plan in plans:
            key = plan.key
            if plan.scalar:  # a plain scalar needs no completion (§6.4.3 CompleteValue)
                raw = value.get(key)
                if type(raw) in plan.scalar:
                    out[key] = raw
                    continue
            elif plan.kind == _TYPENAME:
                out[key] = runtime.name
                continue
            if plan.kind == _PLAIN and plan.type is not None:
                shaped = self._complete(plan.type, value.get(key), plan, (path, key), explained)
            else:
                shaped = self._field(plan, value, (path, key), explained)
            if shaped is _BUBBLE:
                return _BUBBLE
            out[key] = shaped
        return out

    def _field_plans(self, runtime: GraphQLObjectType, holder: _FieldPlan) -> list[_FieldPlan]:
        fields = self.collector.collect(runtime, holder.sets)
        plans = [_FieldPlan(runtime, key, nodes) for key, nodes in fields.items()]
        holder.children[runtime.name] = plans
        return plans

    def _field(self, plan: _FieldPlan, value: dict[str, Any], path: Linked,
               explained: bool) -> Any:
        if plan.kind == _META:
            return self.introspection.get(plan.key) if path[0] == () else None
        if plan.type is None:  # validation makes this impossible; never leak what is unknown
            return None
        return self._complete(plan.type, value.get(plan.key), plan, path, explained)

    def _complete(self, type_: _Type, value: Any, plan: _FieldPlan, path: Linked,
                  explained: bool) -> Any:
        if value is None:
            shaped = None
        elif type_.item is not None:
            shaped = self._list(type_.item, value, plan, path)
        elif type_.leaf:
            shaped = self._leaf(type_.named, value, path, plan.label)
        elif type(value) is not dict:
            shaped = self._error(f"Expected an object for {plan.label}.", path)
        else:
            runtime = self._runtime_type(type_, value) if type_.abstract else type_.named
            if runtime is _HIDDEN:
                shaped = None  # an @inaccessible type: clients never see such an object
            elif runtime is None:
                shaped = self._error(f"Could not resolve the runtime type of {plan.label}.", path)
            else:
                shaped = self._object(runtime, value, plan, path)
        if type_.nonnull:
            if shaped is None:
                if not (explained or self._is_explained(path)):
                    self._error(f"Cannot return null for non-nullable field {plan.label}.", path)
                return _BUBBLE
            return shaped
        return None if shaped is _BUBBLE else shaped

    def _list(self, item: _Type, value: Any, plan: _FieldPlan, path: Linked) -> Any:
        if type(value) is not list:
            return self._error(f"Expected a list for {plan.label}.", path)
        items = []
        for index, element in enumerate(value):
            shaped = self._complete(item, element, plan, (path, index), False)
            if shaped is _BUBBLE:
                return _BUBBLE
            items.append(shaped)
        return items

    def _leaf(self, type_: Any, value: Any, path: Linked, label: str) -> Any:
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

    def _runtime_type(self, type_: _Type, value: dict[str, Any]) -> Any:
        named = type_.named
        names = runtime_typenames(value)
        for name in names:
            candidate = self.schema.get_type(name)
            if isinstance(candidate, GraphQLObjectType) and self.schema.is_sub_type(
                named, candidate
            ):
                return candidate
        if names and all(self.schema.get_type(name) is None for name in names):
            # Federation @inaccessible: the type exists in the subgraphs but not in the API
            # schema; the object is null for clients, as the reference gateways answer.
            return _HIDDEN
        # An @interfaceObject subgraph knows only the interface; when the client asks nothing
        # type-specific the planner fetches no concrete __typename, and interface fields suffice.
        if isinstance(named, GraphQLInterfaceType):
            return named
        return None

    def _is_explained(self, linked: Linked) -> bool:
        """An error at or below ``path``, or at one of its ancestors."""
        path = _flat(linked)
        if path in self._explained:
            return True
        return any(path[:i] in self._exact for i in range(len(path)))

    def _error(self, message: str, linked: Linked) -> None:
        """Record a field error; the null it causes is then explained (one error per field)."""
        path = _flat(linked)
        self.errors.append({"message": message, "path": list(path)})
        self._exact.add(path)
        self._explained.update(path[:i] for i in range(1, len(path) + 1))


def _flat(linked: Linked) -> Path:
    keys = []
    while linked:
        linked, key = linked
        keys.append(key)
    keys.reverse()
    return tuple(keys)


def _explained_paths(errors: list[dict[str, Any]]) -> set[Path]:
    """Every error path and every prefix of one (the paths an error explains from below)."""
    out: set[Path] = set()
    for error in errors:
        path = error.get("path")
        if isinstance(path, list):
            for i in range(1, len(path) + 1):
                out.add(tuple(path[:i]))
    return out
