"""Scenarios: nested `@requires` and `@provides` with external and local fields mixed."""

from __future__ import annotations

from hypothesis import strategies as st

from .world import Graph, maybe

__all__ = ["provides", "requires"]


def _external(draw: st.DrawFn, p: float = 0.75) -> str:
    return maybe(draw, " @external", p)


@st.composite
def requires(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """`P{n}.score @requires(fields: "author { years }")`-like selections, `author` an object
    or an entity, each of its fields external or local in the requiring subgraph."""
    owner, needing = graphs[0], graphs[1]
    entity = draw(st.booleans())
    listed = draw(st.booleans())
    author = f"[A{n}]" if listed else f"A{n}"
    for graph in (owner, needing):
        if entity:
            key = f'@key(fields: "id"{maybe(draw, ", resolvable: false", 0.2)})' \
                if graph is needing else '@key(fields: "id")'
            head = f"type A{n} {key}"
        else:
            head = f"type A{n}{graph.shareable()}"
        if graph is owner:
            graph.parts.append(f"{head} {{ id: ID! name: String years: Int }}")
        else:
            fields = [f"id: ID!{_external(draw, 0.2) if entity else ''}",
                      f"years: Int{_external(draw)}", maybe(draw, f"name: String{_external(draw)}")]
            graph.parts.append(f"{head} {{ {' '.join(f for f in fields if f)} }}")
    shared = maybe(draw, owner.shareable(), 0.3)
    owner.entity(f"P{n}", f"id: ID! author: {author}{shared} other: Int{shared}")
    owner.query.append(f"p{n}: P{n}")
    selection = draw(st.sampled_from(("author { years }", "author { name years }",
                                      "author { years } other", "other", "author { id }",
                                      f"author {{ ... on A{n} {{ years }} }}")))
    body = (f"id: ID!{' @external' if needing.fed1 else ''} author: {author}{_external(draw, 0.8)}"
            f"{maybe(draw, needing.shareable(), 0.2)} other: Int{_external(draw)} "
            f'score: Int @requires(fields: "{selection}")')
    needing.entity(f"P{n}", body, extend=needing.fed1)


@st.composite
def provides(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """`@provides` on an entity's nested object field or on an interface's implementations
    (`animals { ... on Dog { name } }`), the provided fields external or not."""
    owner, giving = graphs[0], graphs[1]
    union = draw(st.booleans())
    for graph in (owner, giving):
        head = f"type Inf{n}{graph.shareable()}"
        name = f"name: String{_external(draw, 0.6) if graph is giving else ''}"
        graph.parts.append(f"{head} {{ {name} }}")
        kinds = ["Dog"] + (["Cat"] if graph is owner or draw(st.booleans()) else [])
        implements = "" if union else f" implements Animal{n}"
        for kind in kinds:
            external = _external(draw, 0.7) if graph is giving else ""
            graph.parts.append(f'type {kind}{n}{implements} @key(fields: "id") '
                               f"{{ id: ID! name: String{external} }}")
        graph.parts.append(f"union Animal{n} = {' | '.join(k + str(n) for k in kinds)}" if union
                           else f"interface Animal{n} {{ id: ID! }}")
    owner.entity(f"Pr{n}", f"id: ID! name: String info: Inf{n}")
    owner.query.append(f"pr{n}: Pr{n}")
    owner.query.append(f"all{n}: [Animal{n}]")
    selection = draw(st.sampled_from(("name", "info { name }", "name info { name }")))
    giving.entity(f"Pr{n}", f"id: ID!{' @external' if giving.fed1 else ''} "
                            f"name: String{_external(draw)} info: Inf{n}{_external(draw)}",
                  extend=giving.fed1)
    on = f"... on Dog{n} {{ name }}" + maybe(draw, f" ... on Cat{n} {{ name }}", 0.3)
    giving.parts.append(f"type Rev{n} {{ id: ID! product: Pr{n} "
                        f'@provides(fields: "{selection}") animals: [Animal{n}] '
                        f'@provides(fields: "{on}") }}')
    giving.query.append(f"rev{n}: Rev{n}")
