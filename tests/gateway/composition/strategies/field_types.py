"""Scenario: one field typed differently per subgraph (nullability, lists, subtypes, inputs)."""

from __future__ import annotations

from hypothesis import strategies as st

from .world import Graph, maybe

__all__ = ["field_types"]


def _wrap(draw: st.DrawFn, base: str, listed: bool) -> str:
    """`base` with random nullability, in a list (random item and list nullability) or not."""
    inner = base + maybe(draw, "!")
    return f"[{inner}]" + maybe(draw, "!") if listed else inner


def _input_type(draw: st.DrawFn, n: int) -> str:
    return draw(st.sampled_from(("Int", "Int!", "[Int]", "[Int!]", "[Int]!", f"In{n}",
                                 f"In{n}!")))


def _argument(draw: st.DrawFn, n: int, shape: str) -> str:
    """`(x: ...)` shaped alike in most subgraphs, sometimes otherwise, sometimes absent."""
    if draw(st.integers(0, 9)) == 0:
        return ""
    kind = shape if draw(st.integers(0, 3)) else _input_type(draw, n)
    default = maybe(draw, " = 1", 0.3) if kind.startswith("Int") else ""
    return f"(x: {kind}{default})"


def _input(draw: st.DrawFn, graph: Graph, n: int) -> None:
    fields = [f"v: Int{maybe(draw, '!', 0.3)}{maybe(draw, ' = 2', 0.2)}",
              maybe(draw, f"w: {draw(st.sampled_from(('Int', '[Int]', '[Int!]', 'Int!')))}",
                    0.7)]
    graph.parts.append(f"input In{n} {{ {' '.join(f for f in fields if f)} }}")


def _abstract_types(draw: st.DrawFn, graph: Graph, n: int) -> None:
    """`Node{n}` implemented by value type `Item{n}`, which is also the member of `U{n}`."""
    graph.parts.append(f"interface Node{n} {{ id: ID! }}")
    graph.parts.append(f"type Item{n} implements Node{n}{graph.shareable()} {{ id: ID! }}")
    graph.parts.append(f"union U{n} = Item{n}")


@st.composite
def field_types(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """Entity `T{n}` whose field `f` (and key `id`) each subgraph types its own way."""
    declaring = [g for g in graphs if draw(st.integers(0, 4))] or graphs[:2]
    abstract = draw(st.booleans())
    listed = draw(st.booleans())
    shape = _input_type(draw, n)
    for index, graph in enumerate(declaring):
        base = draw(st.sampled_from((f"Node{n}", f"Item{n}", f"U{n}"))) if abstract else \
            draw(st.sampled_from(("Int", "Int", "Int", "String")))
        if abstract:
            _abstract_types(draw, graph, n)
        if draw(st.booleans()) or not listed:
            listed_here = listed
        else:
            listed_here = not listed
        argument = _argument(draw, n, shape)
        if f"In{n}" in argument:
            _input(draw, graph, n)
        ftype = _wrap(draw, base, listed_here)
        shared = graph.shareable(draw(st.integers(0, 5)) > 0)
        key_type = "ID" + maybe(draw, "!", 0.7)
        if graph.fed1 and index:
            graph.entity(f"T{n}", f"id: {key_type} @external f{argument}: {ftype}", extend=True)
        else:
            graph.entity(f"T{n}", f"id: {key_type}{maybe(draw, graph.shareable(), 0.2)} "
                                  f"f{argument}: {ftype}{shared}")
        if index == 0 or draw(st.integers(0, 3)) == 0:
            root = f"T{n}" + maybe(draw, "!", 0.3)
            graph.query.append(f"t{n}: {root}{graph.shareable()}")
