"""What one subgraph declares, with federation directives resolved to their canonical names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from graphql import DirectiveNode, ValueNode

__all__ = ["Arg", "Element", "EnumValue", "Field", "Key", "Subgraph", "TypeDef", "TypeKind"]

TypeKind = Literal["object", "interface", "union", "enum", "input", "scalar"]
Args = dict[str, ValueNode]


@dataclass
class Element:
    """A schema element: its description, federation directives and other directives."""

    name: str
    description: str | None = None
    fed: dict[str, list[Args]] = field(default_factory=dict)  # canonical name -> applications
    other: list[DirectiveNode] = field(default_factory=list)

    def has(self, directive: str) -> bool:
        """True when the canonical federation directive is applied here."""
        return directive in self.fed

    def arg(self, directive: str, name: str) -> ValueNode | None:
        """The argument of the first application of a federation directive."""
        applications = self.fed.get(directive) or [{}]
        return applications[0].get(name)


@dataclass
class Arg(Element):
    """A field argument or an input field."""

    type: str = ""
    default: str | None = None


@dataclass
class Field(Element):
    """A field of an object or interface type."""

    type: str = ""
    args: dict[str, Arg] = field(default_factory=dict)

    def string(self, directive: str, name: str = "fields") -> str | None:
        """A string argument (`@requires(fields:)`, `@override(from:)`) or None."""
        value = self.arg(directive, name)
        return getattr(value, "value", None) if value is not None else None


@dataclass
class EnumValue(Element):
    """A value of an enum type."""


@dataclass(frozen=True)
class Key:
    """One `@key(fields:, resolvable:)` of an entity."""

    fields: str
    resolvable: bool = True


@dataclass
class TypeDef(Element):
    """A named type as one subgraph defines it."""

    kind: TypeKind = "object"
    extension: bool = False
    defined: bool = False  # declared at least once with `type` (not only `extend type`)
    fields: dict[str, Field] = field(default_factory=dict)
    inputs: dict[str, Arg] = field(default_factory=dict)
    values: dict[str, EnumValue] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)


@dataclass
class Subgraph:
    """A parsed subgraph: name, routing URL, federation version and its types."""

    name: str
    url: str
    version: str = "v1.0"
    types: dict[str, TypeDef] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)  # operation -> type name
    directive_defs: dict[str, object] = field(default_factory=dict)  # name -> definition node
    composed: list[str] = field(default_factory=list)  # names from @composeDirective
    links: list[tuple[str, list]] = field(default_factory=list)
    imported: dict[str, str] = field(default_factory=dict)  # `import:`: local -> canonical
    used: dict[str, str] = field(default_factory=dict)  # applied: local name -> canonical
