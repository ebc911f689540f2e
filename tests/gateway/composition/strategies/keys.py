"""Scenarios: entity keys (nested, several, not resolvable, extension keys) and value types
whose fields differ per subgraph."""

from __future__ import annotations

from hypothesis import strategies as st

from .world import Graph, maybe

__all__ = ["keys", "value_types"]

_KEYS = ('id', 'sku', 'id sku', 'sku org { code }', 'org { code }')


@st.composite
def keys(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """Entity `K{n}` keyed differently per subgraph; `Org{n}` the nested key's value type."""
    for index, graph in enumerate(graphs):
        if index and draw(st.integers(0, 5)) == 0:
            continue
        chosen = draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=2, unique=True))
        resolvable = maybe(draw, ", resolvable: false", 0.2) if index else ""
        applied = " ".join(f'@key(fields: "{k}"{resolvable})' for k in chosen)
        extend = graph.fed1 and index > 0 and draw(st.booleans())
        external = " @external" if extend else ""
        nested = any("org" in k for k in chosen)
        fields = [f"id: ID{maybe(draw, '!', 0.8)}{external if 'id' in str(chosen) else ''}",
                  f"sku: String{maybe(draw, '!', 0.5)}{external if 'sku' in str(chosen) else ''}",
                  f"org: Org{n}{external if nested else ''}" if nested or not index else "",
                  f"v{graph.name}: Int" + maybe(draw, graph.shareable(), 0.1)]
        keyword = "extend type" if extend else "type"
        graph.parts.append(f"{keyword} K{n} {applied} {{ {' '.join(f for f in fields if f)} }}")
        if nested or not index:
            graph.parts.append(f"type Org{n}{graph.shareable()} {{ code: String! }}")
        if not index:
            graph.query.append(f"k{n}: K{n}")


@st.composite
def value_types(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """Value type `V{n}` (no key) several subgraphs define with different fields, returned by
    each from its own root field; shared or not, in a union or an interface or neither."""
    shape = draw(st.sampled_from(("plain", "union", "interface")))
    for index, graph in enumerate(graphs):
        if index and draw(st.integers(0, 4)) == 0:
            continue
        fields = ["a: Int", maybe(draw, "b: String", 0.6), maybe(draw, "c: [Int!]", 0.3)]
        implements = f" implements I{n}" if shape == "interface" else ""
        graph.parts.append(f"type V{n}{implements}{maybe(draw, graph.shareable(), 0.85)} "
                           f"{{ {' '.join(f for f in fields if f)} }}")
        if shape == "union":
            graph.parts.append(f"union U{n} = V{n}")
            graph.query.append(f"u{n}{graph.name}: U{n}")
        elif shape == "interface":
            graph.parts.append(f"interface I{n} {{ a: Int }}")
            graph.query.append(f"i{n}{graph.name}: I{n}")
        else:
            graph.query.append(f"v{n}{graph.name}: V{n}")
