"""Build operations valid against an API schema: fields, nested selections, fragments on abstract
types, aliases, variables and `@include`/`@skip`, with ids taken from the case's world."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    NoUnusedVariablesRule,
    OverlappingFieldsCanBeMergedRule,
    get_named_type,
    is_leaf_type,
    parse,
    validate,
)

from .choices import Choices
from .model import World

__all__ = ["GeneratedOperation", "build_operation", "is_valid"]

MAX_DEPTH = 3


@dataclass
class GeneratedOperation:
    """A document and its variables."""

    document: str
    variables: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"query": self.document, "variables": self.variables}


class _Writer:
    """Writes one operation; collects variable definitions and named fragments as it goes."""

    def __init__(self, c: Choices, schema: GraphQLSchema, world: World) -> None:
        self.c = c
        self.schema = schema
        self.world = world
        self.var_defs: list[str] = []
        self.variables: dict[str, Any] = {}
        self.fragments: list[str] = []
        self.aliases = 0

    def variable(self, gql_type: str, value: Any) -> str:
        name = f"v{len(self.var_defs)}"
        self.var_defs.append(f"${name}: {gql_type}")
        self.variables[name] = value
        return f"${name}"

    def condition(self) -> str:
        if not self.c.chance(0.12):
            return ""
        which = self.c.pick(["include", "skip"])
        value = self.c.chance(0.5)
        arg = self.variable("Boolean!", value) if self.c.chance(0.5) else str(value).lower()
        return f" @{which}(if: {arg})"

    def ids_for(self, type_name: str) -> list[str]:
        named = self.schema.get_type(type_name)
        if isinstance(named, GraphQLObjectType):
            return self.world.ids_of({type_name})
        return self.world.ids_of({t.name for t in self.schema.get_possible_types(named)})

    def arguments(self, gql_field: GraphQLField, type_name: str) -> str:
        parts = []
        for name, arg in gql_field.args.items():
            if name == "id":
                ids = self.ids_for(type_name) or ["none"]
                value = self.c.pick(ids) if not self.c.chance(0.1) else "missing-0"
                literal = self.variable("ID!", value) if self.c.chance(0.3) else f'"{value}"'
                parts.append(f"{name}: {literal}")
            elif self.c.chance(0.6):
                value = self.c.integer(0, 3)
                literal = self.variable(str(arg.type), value) if self.c.chance(0.3) else str(value)
                parts.append(f"{name}: {literal}")
        return f"({', '.join(parts)})" if parts else ""

    def field(self, name: str, gql_field: GraphQLField, depth: int) -> str | None:
        named = get_named_type(gql_field.type)
        text = name
        if self.c.chance(0.15):
            self.aliases += 1
            text = f"a{self.aliases}: {name}"
        text += self.arguments(gql_field, named.name) + self.condition()
        if is_leaf_type(named):
            return text
        if depth >= MAX_DEPTH:
            return None
        return f"{text} {self.selection(named, depth + 1)}"

    def selection(self, parent: Any, depth: int) -> str:
        if isinstance(parent, GraphQLUnionType | GraphQLInterfaceType):
            return self.abstract(parent, depth)
        return "{ " + " ".join(self.fields(parent, depth)) + " }"

    def fields(self, parent: GraphQLObjectType | GraphQLInterfaceType, depth: int) -> list[str]:
        chosen = [s for n, f in parent.fields.items() if self.c.chance(0.45)
                  and (s := self.field(n, f, depth)) is not None]
        if self.c.chance(0.15) or not chosen:
            chosen.insert(self.c.integer(0, len(chosen)), "__typename")
        if self.c.chance(0.1):  # the same field twice: the gateway merges them
            chosen.append(chosen[0])
        return chosen

    def abstract(self, parent: GraphQLUnionType | GraphQLInterfaceType, depth: int) -> str:
        parts = self.fields(parent, depth) if isinstance(parent, GraphQLInterfaceType) else []
        for member in self.c.subset(list(self.schema.get_possible_types(parent)), 0.6):
            body = " ".join(self.fields(member, depth))
            if self.c.chance(0.25):
                name = f"F{len(self.fragments)}"
                self.fragments.append(f"fragment {name} on {member.name} {{ {body} }}")
                parts.append(f"...{name}")
            else:
                parts.append(f"... on {member.name}{self.condition()} {{ {body} }}")
        if not parts or self.c.chance(0.2):
            parts.insert(0, "__typename")
        return "{ " + " ".join(parts) + " }"

    def operation(self) -> GeneratedOperation:
        query = self.schema.query_type
        assert query is not None
        roots = list(query.fields.items())
        picked = [self.field(n, f, 1) for n, f in self.c.subset(roots, 0.35)
                  or [self.c.pick(roots)]]
        body = " ".join(p for p in picked if p is not None) or "__typename"
        head = f"query Q({', '.join(self.var_defs)})" if self.var_defs else "query Q"
        document = "\n".join([f"{head} {{ {body} }}", *self.fragments])
        return GeneratedOperation(document, self.variables)


def build_operation(c: Choices, schema: GraphQLSchema, world: World) -> GeneratedOperation:
    """One query against `schema`; may be invalid (conflicting fields): see `is_valid`."""
    return _Writer(c, schema, world).operation()


# Every other rule holds by construction (fields, arguments, fragments and variables are taken
# from the schema); only overlapping response names can break an operation.
RULES = (OverlappingFieldsCanBeMergedRule, NoUnusedVariablesRule)


def is_valid(schema: GraphQLSchema, op: GeneratedOperation) -> bool:
    """Whether `op` is valid against `schema` (the rules generation does not guarantee)."""
    return not validate(schema, parse(op.document), rules=RULES)

