"""The answer a case's world implies for an operation: the spec's answer, gateway-free.

Every subgraph answers from one world (see `oracle/subgraphs.mjs`), so what a correct gateway
returns is what executing the operation against the API schema over that world returns: each
field's world value (with its arguments shown), a `@requires` field as the string built from
the required values, and abstract lists holding only the members the resolving subgraph knows.
The references are compared against it too; where they disagree, it says which one is right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    execute,
    get_named_type,
    is_list_type,
    parse,
)
from graphql.language import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    InlineFragmentNode,
    SelectionSetNode,
    StringValueNode,
    UnionTypeDefinitionNode,
)
from graphql.utilities import value_from_ast_untyped

from .api_schema import api_schema
from .model import World

__all__ = ["Expectation"]


def _directives(node: Any, name: str) -> list[dict[str, Any]]:
    found = []
    for d in getattr(node, "directives", None) or ():
        if d.name.value == name:
            found.append({a.name.value: a.value.value if isinstance(
                a.value, StringValueNode | EnumValueNode) else value_from_ast_untyped(a.value)
                for a in d.arguments or ()})
    return found


def with_arguments(value: Any, args: dict[str, Any]) -> Any:
    """As the subgraphs do: "v(x=2)" for strings, v + 1000 * x for numbers."""
    if not args or value is None:
        return value
    entries = sorted(args.items())
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 1000 * sum(int(v) for _, v in entries)
    shown = ",".join(f"{k}={json.dumps(v, separators=(',', ':'))}" for k, v in entries)
    return f"{value}({shown})"


def _js(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass
class _Supergraph:
    """What the expectation needs from the supergraph's join directives."""

    requires: dict[tuple[str, str], SelectionSetNode] = field(default_factory=dict)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, field) -> graph
    types_of: dict[str, list[str]] = field(default_factory=dict)  # type -> graphs
    members: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (graph, abstract)
    object_in: set[tuple[str, str]] = field(default_factory=set)  # (graph, interface object)

    @classmethod
    def read(cls, document: DocumentNode) -> _Supergraph:
        s = cls()
        for d in document.definitions:
            name = getattr(getattr(d, "name", None), "value", None)
            if name is None:
                continue
            for jt in _directives(d, "join__type"):
                s.types_of.setdefault(name, []).append(jt["graph"])
                if jt.get("isInterfaceObject"):
                    s.object_in.add((jt["graph"], name))
            for ji in _directives(d, "join__implements"):
                s.members.setdefault((ji["graph"], ji["interface"]), set()).add(name)
            if isinstance(d, UnionTypeDefinitionNode):
                for m in _directives(d, "join__unionMember"):
                    s.members.setdefault((m["graph"], name), set()).add(m["member"])
            for f in getattr(d, "fields", None) or ():
                for jf in _directives(f, "join__field"):
                    key = (name, f.name.value)
                    if jf.get("requires"):
                        s.requires[key] = parse(f"{{ {jf['requires']} }}").definitions[0]\
                            .selection_set
                    if not jf.get("external") and not jf.get("usedOverridden") and "graph" in jf:
                        s.owner.setdefault(key, jf["graph"])
        return s

    def graph_of(self, type_name: str, field_name: str) -> str | None:
        return self.owner.get((type_name, field_name)) or next(
            iter(self.types_of.get(type_name, [])), None)


class Expectation:
    """Executes operations against the API schema over the world."""

    def __init__(self, supergraph_sdl: str, world: World) -> None:
        self.schema: GraphQLSchema = api_schema(supergraph_sdl)
        self.world = world
        self.supergraph = _Supergraph.read(parse(supergraph_sdl))

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        result = execute(self.schema, parse(body["query"]), root_value={},
                         variable_values=body.get("variables") or {},
                         field_resolver=self._resolve, type_resolver=self._type)
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        return out

    @staticmethod
    def _type(value: Any, *_: Any) -> str:
        return value["__typename"]

    def _objects(self, value: Any, type_name: str, graph: str | None) -> Any:
        if isinstance(value, list):
            found = (self._objects(v, type_name, graph) for v in value)
            return [v for v in found if v is not None]
        obj = self.world.objects.get(value) if isinstance(value, str) else None
        if obj is None:
            return None
        named = self.schema.get_type(type_name)
        if isinstance(named, GraphQLObjectType):
            return obj if obj["__typename"] == type_name else None
        if graph is None or (graph, type_name) in self.supergraph.object_in:
            return obj  # an interface object: the gateway finds the concrete type elsewhere
        known = self.supergraph.members.get((graph, type_name), set())
        return obj if obj["__typename"] in known else None

    def _resolve(self, source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
        parent, name = info.parent_type.name, info.field_name
        named = get_named_type(info.return_type)
        composite = isinstance(named, GraphQLObjectType | GraphQLInterfaceType |
                               GraphQLUnionType) and named.name != "Loc"
        if parent == self.schema.query_type.name:  # type: ignore[union-attr]
            value = args.pop("id") if "id" in args else self.world.roots.get(name)
            graph = self.supergraph.graph_of(parent, name)
            return self._objects(value, named.name, graph)
        requires = self.supergraph.requires.get((parent, name))
        if requires is not None:
            return f"{name}<-{_js(self._required(source, requires))}"
        value = source.get(name) if isinstance(source, dict) else None
        if composite:
            graph = self.supergraph.graph_of(parent, name)
            value = self._objects(value, named.name, graph)
            return value if value is not None or not is_list_type(info.return_type) else None
        return with_arguments(value, args)

    def _required(self, value: Any, selections: SelectionSetNode) -> Any:
        """The required values, as the subgraph reads them from the representation."""
        if value is None:
            return None
        if isinstance(value, list):
            return [self._required(v, selections) for v in value]
        out = []
        for s in selections.selections:
            if isinstance(s, InlineFragmentNode):
                if s.type_condition is not None and value.get(
                        "__typename") == s.type_condition.name.value:
                    out.append(self._required(value, s.selection_set))
                continue
            assert isinstance(s, FieldNode)
            raw = value.get(s.name.value)
            if s.selection_set is not None:
                nested = [self.world.objects.get(i) for i in raw] if isinstance(raw, list) \
                    else self.world.objects.get(raw) if isinstance(raw, str) else raw
                out.append(self._required(nested, s.selection_set))
            else:
                args = {a.name.value: value_from_ast_untyped(a.value) for a in s.arguments or ()}
                out.append(with_arguments(raw, args))
        return out

