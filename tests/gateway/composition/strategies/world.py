"""The subgraphs a generated set is built into: name, federation version, SDL parts."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from gateway.composition import SubgraphSource

__all__ = ["FED1", "Graph", "draw_graphs", "maybe", "render"]

FED1 = "v1.0"  # a Federation 1 subgraph: no @link, every field shareable, `extend type` keys
_FED2 = ("v2.3", "v2.5", "v2.9")
_IMPORTS = ('["@key", "@shareable", "@external", "@provides", "@requires", "@override", '
            '"@inaccessible", "@tag", "@interfaceObject", "@extends"]')


@dataclass
class Graph:
    """One subgraph under construction; Query fields are gathered into one `type Query`."""

    name: str
    version: str
    parts: list[str] = field(default_factory=list)
    query: list[str] = field(default_factory=list)

    @property
    def fed1(self) -> bool:
        return self.version == FED1

    def shareable(self, on: bool = True) -> str:
        """` @shareable` where Federation 2 needs it (Federation 1 shares every field)."""
        return " @shareable" if on and not self.fed1 else ""

    def entity(self, name: str, body: str, *, extend: bool = False, extra: str = "") -> None:
        """An entity keyed by `id`: `extend type` with an external key in Federation 1 style."""
        keyword = "extend type" if extend else "type"
        self.parts.append(f'{keyword} {name} @key(fields: "id"){extra} {{ {body} }}')


def draw_graphs(draw: st.DrawFn) -> list[Graph]:
    """Two or three subgraphs, each Federation 2 or (one in four) Federation 1."""
    count = draw(st.integers(2, 3))
    versions = draw(st.lists(st.sampled_from((*_FED2, FED1, *_FED2)), min_size=count,
                             max_size=count))
    return [Graph(name, version) for name, version in zip("abc", versions, strict=False)]


def maybe(draw: st.DrawFn, text: str, p: float = 0.5) -> str:
    """`text` with probability about `p`; hypothesis's simplest draw (0) gives the likelier
    outcome, so small, often repeated examples stay the usual case."""
    roll = draw(st.integers(0, 99))
    present = roll < p * 100 if p >= 0.5 else roll >= 100 - p * 100
    return text if present else ""


def render(graphs: list[Graph]) -> list[SubgraphSource]:
    """SDL per subgraph; a subgraph with nothing in it is left out of the set."""
    sources = []
    for graph in graphs:
        parts = list(graph.parts)
        if graph.query:
            parts.append("type Query { " + " ".join(graph.query) + " }")
        if not parts:
            continue
        header = "" if graph.fed1 else (
            f'extend schema @link(url: "https://specs.apollo.dev/federation/{graph.version}", '
            f"import: {_IMPORTS})\n")
        sources.append(SubgraphSource(graph.name, f"http://{graph.name}:4000/graphql",
                                      header + "\n".join(parts) + "\n"))
    return sources
