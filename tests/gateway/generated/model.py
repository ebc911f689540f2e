"""A generated case as data: subgraph declarations, their SDL, and the world they project."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FEDERATION_LINK",
    "PLACEHOLDER_HOST",
    "FieldDecl",
    "GeneratedCase",
    "TypeDecl",
    "World",
]

FEDERATION_LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", '
    '"@shareable", "@external", "@requires", "@provides", "@override", "@inaccessible", '
    '"@interfaceObject"])'
)
# Composition needs routing URLs; the runner swaps this host for the live subgraph server.
PLACEHOLDER_HOST = "http://subgraphs.invalid"


@dataclass
class FieldDecl:
    """One field as one subgraph declares it."""

    name: str
    type: str
    args: str = ""
    directives: list[str] = field(default_factory=list)

    def sdl(self) -> str:
        return " ".join([f"{self.name}{self.args}: {self.type}", *self.directives])


@dataclass
class TypeDecl:
    """An object type, interface or union as one subgraph declares it."""

    kind: str  # "type" | "interface" | "union"
    name: str
    directives: list[str] = field(default_factory=list)
    implements: list[str] = field(default_factory=list)
    fields: dict[str, FieldDecl] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)

    def sdl(self) -> str:
        head = " ".join([self.kind, self.name])
        if self.implements:
            head += " implements " + " & ".join(self.implements)
        head = " ".join([head, *self.directives])
        if self.kind == "union":
            return f"{head} = {' | '.join(self.members)}"
        body = "\n".join(f"  {f.sdl()}" for f in self.fields.values())
        return f"{head} {{\n{body}\n}}"


@dataclass
class World:
    """Every object of a case, by globally unique id, and what each root field returns."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    roots: dict[str, Any] = field(default_factory=dict)
    implementers: dict[str, list[str]] = field(default_factory=dict)

    def ids_of(self, type_names: set[str]) -> list[str]:
        return [i for i, o in self.objects.items() if o["__typename"] in type_names]

    def to_json(self) -> dict[str, Any]:
        return {"objects": self.objects, "roots": self.roots, "implementers": self.implementers}


@dataclass
class GeneratedCase:
    """A set of subgraphs (name -> SDL) over one world: what is composed and served."""

    name: str
    sdl: dict[str, str]
    world: World

    @classmethod
    def declared(cls, name: str, subgraphs: dict[str, dict[str, TypeDecl]],
                 world: World) -> GeneratedCase:
        def printed(types: dict[str, TypeDecl]) -> str:
            return "\n\n".join([FEDERATION_LINK, *(t.sdl() for t in types.values())]) + "\n"

        return cls(name, {n: printed(types) for n, types in subgraphs.items()}, world)

    def services(self) -> list[dict[str, str]]:
        """What the composer takes: name, placeholder routing URL, SDL."""
        return [{"name": n, "url": f"{PLACEHOLDER_HOST}/{self.name}/{n}", "sdl": sdl}
                for n, sdl in self.sdl.items()]

    def served(self) -> dict[str, Any]:
        """What `oracle/subgraphs.mjs` takes to serve this case."""
        return {"name": self.name, "world": self.world.to_json(), "subgraphs": self.sdl}

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "sdl": self.sdl, "world": self.world.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GeneratedCase:
        world = data["world"]
        return cls(data["name"], dict(data["sdl"]),
                   World(world["objects"], world["roots"], world.get("implementers", {})))
