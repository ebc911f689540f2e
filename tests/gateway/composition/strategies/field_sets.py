"""Scenarios: nested `@requires` and `@provides` with external and local fields mixed.

The selection is drawn first; the fields it names are then mostly `@external` at the level the
rule asks for (a leaf, or a field above it), sometimes one level off or not at all, and a field
it does not name is now and then `@external` too (EXTERNAL_UNUSED).
"""

from __future__ import annotations

from hypothesis import strategies as st

from .world import Graph, maybe

__all__ = ["provides", "requires"]

_REQUIRED = ("author { years }", "author { name years }", "author { years } other", "other",
             "author { id }", "author { ... on A%d { years } }")


def _external(draw: st.DrawFn, named: bool, p: float = 0.85) -> str:
    """` @external` for a field the selection names (usually), or rarely for one it does not."""
    return maybe(draw, " @external", p if named else 0.08)


def _local_or_external(draw: st.DrawFn, graph: Graph, field: str, named: bool) -> str:
    """An external field, or a local one, then usually shared (the owner resolves it too)."""
    external = _external(draw, named, 0.9)
    return field + (external or maybe(draw, graph.shareable(), 0.85))


@st.composite
def requires(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """`P{n}.score @requires(fields: "author { years }")`-like selections, `author` an object
    or an entity, external itself or local with external fields below it."""
    owner, needing = graphs[0], graphs[1]
    entity, listed = draw(st.booleans()), draw(st.booleans())
    author = f"[A{n}]" if listed else f"A{n}"
    selection = draw(st.sampled_from(_REQUIRED)).replace("%d", str(n))
    nested = "{" in selection
    author_external = nested and draw(st.booleans())  # external here, or its fields below
    key = '@key(fields: "id")'
    owner.parts.append(f"type A{n} {key if entity else owner.shareable().strip()} "
                       "{ id: ID! name: String years: Int }")
    below = [f"id: ID!{_external(draw, 'id' in selection and not author_external)}",
             f"years: Int{_external(draw, 'years' in selection and not author_external)}",
             maybe(draw, f"name: String{_external(draw, 'name' in selection)}",
                   0.9 if "name" in selection else 0.3)]
    resolvable = maybe(draw, ", resolvable: false", 0.3)
    head = f'@key(fields: "id"{resolvable})' if entity else needing.shareable().strip()
    needing.parts.append(f"type A{n} {head} {{ {' '.join(f for f in below if f)} }}")
    shared = maybe(draw, owner.shareable(), 0.85)
    owner.entity(f"P{n}", f"id: ID! author: {author}{shared} other: Int{shared}")
    owner.query.append(f"p{n}: P{n}")
    author_field = _local_or_external(draw, needing, f"author: {author}", author_external) \
        if nested or draw(st.booleans()) else ""
    other = _local_or_external(draw, needing, "other: Int", "other" in selection)
    body = (f"id: ID!{' @external' if needing.fed1 else ''} {author_field} {other} "
            f'score: Int @requires(fields: "{selection}")')
    needing.entity(f"P{n}", body, extend=needing.fed1)


def _animals(draw: st.DrawFn, graph: Graph, n: int, union: bool, kinds: list[str],
             provided: list[str] | None) -> None:
    """`Dog{n}`, `Cat{n}` and `Animal{n}`; `provided` lists the kinds the providing subgraph
    names in its `@provides` (None in the owner)."""
    implements = "" if union else f" implements Animal{n}"
    for kind in kinds:
        # the owner shares what the other subgraph provides (or refuses: INVALID_FIELD_SHARING)
        name = "name: String" + maybe(draw, graph.shareable(), 0.85) if provided is None \
            else _local_or_external(draw, graph, "name: String", kind in provided)
        graph.parts.append(f'type {kind}{n}{implements} @key(fields: "id") {{ id: ID! {name} }}')
    graph.parts.append(f"union Animal{n} = {' | '.join(k + str(n) for k in kinds)}" if union
                       else f"interface Animal{n} {{ id: ID! }}")


@st.composite
def provides(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """`@provides` on an entity's nested object field or on an interface's (or union's)
    implementations (`animals { ... on Dog { name } }`), the provided fields external or not."""
    owner, giving = graphs[0], graphs[1]
    union = draw(st.booleans())
    selection = draw(st.sampled_from(("name", "info { name }", "name info { name }")))
    info_external = "info" in selection and draw(st.booleans())
    cat = draw(st.booleans())
    on = f"... on Dog{n} {{ name }}" + (f" ... on Cat{n} {{ name }}" if cat else "")
    for graph in (owner, giving):
        named = graph is giving and "info" in selection and not info_external
        graph.parts.append(f"type Inf{n}{graph.shareable()} "
                           f"{{ name: String{_external(draw, named) if graph is giving else ''} }}")
        kinds = ["Dog", "Cat"] if graph is owner or cat or draw(st.integers(0, 4)) == 0 \
            else ["Dog"]
        _animals(draw, graph, n, union, kinds,
                 None if graph is owner else ["Dog", "Cat"] if cat else ["Dog"])
    owner.entity(f"Pr{n}", f"id: ID! name: String{maybe(draw, owner.shareable(), 0.85)} "
                           f"info: Inf{n}{maybe(draw, owner.shareable(), 0.85)}")
    owner.query.append(f"pr{n}: Pr{n}")
    owner.query.append(f"all{n}: [Animal{n}]")
    name = _local_or_external(draw, giving, "name: String", selection.startswith("name"))
    info = _local_or_external(draw, giving, f"info: Inf{n}", info_external)
    giving.entity(f"Pr{n}", f"id: ID!{' @external' if giving.fed1 else ''} {name} {info}",
                  extend=giving.fed1)
    giving.parts.append(f"type Rev{n} {{ id: ID! product: Pr{n} "
                        f'@provides(fields: "{selection}") animals: [Animal{n}] '
                        f'@provides(fields: "{on}") }}')
    giving.query.append(f"rev{n}: Rev{n}")
