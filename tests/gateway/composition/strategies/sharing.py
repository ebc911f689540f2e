"""Scenario: one entity field declared by several subgraphs with @shareable, @external,
@requires, @provides, @override and @interfaceObject combined."""

from __future__ import annotations

from hypothesis import strategies as st

from .world import Graph, maybe

__all__ = ["sharing"]

_FED2_ROLES = ("plain", "shareable", "shareable", "external", "required", "provided",
               "override", "override_label", "absent")
_FED1_ROLES = ("plain", "external", "required", "provided", "absent")


def _role(draw: st.DrawFn, graph: Graph, others: list[Graph], n: int) -> tuple[str, str]:
    """The field `f` as one subgraph declares it, and any field using it there."""
    role = draw(st.sampled_from(_FED1_ROLES if graph.fed1 else _FED2_ROLES))
    source = draw(st.sampled_from([o.name for o in others]))
    expected = "Int" + maybe(draw, "!", 0.15)  # an external copy's type may disagree
    return {
        "plain": ("f: Int", ""),
        "shareable": ("f: Int @shareable", ""),
        "external": (f"f: {expected} @external", ""),
        "required": (f"f: {expected} @external", 'g: Int @requires(fields: "f")'),
        "provided": ("f: Int @external", ""),
        "override": (f'f: Int @override(from: "{source}")', ""),
        "override_label": (f'f: Int @override(from: "{source}", label: "percent(50)")' +
                           maybe(draw, " @shareable", 0.3), ""),
        "absent": ("", ""),
    }[role] if role != "provided" else _provided(graph, n)


def _provided(graph: Graph, n: int) -> tuple[str, str]:
    graph.parts.append(f'type Box{n}{graph.name} {{ s: S{n} @provides(fields: "f") }}')
    graph.query.append(f"box{n}{graph.name}: Box{n}{graph.name}")
    return "f: Int @external", ""


@st.composite
def sharing(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """Entity `S{n}` (or interface `S{n}` with an `@interfaceObject` stand-in) and its `f`."""
    interface = draw(st.integers(0, 3)) == 0 and not graphs[1].fed1
    for index, graph in enumerate(graphs):
        others = [g for g in graphs if g is not graph]
        field, user = _role(draw, graph, others, n) if index else (
            "f: Int" + maybe(draw, graph.shareable(), 0.6), "")
        type_shareable = maybe(draw, graph.shareable(), 0.15)
        body = " ".join(p for p in ("id: ID!" + (" @external" if graph.fed1 and index else ""),
                                    field, user) if p)
        if interface and index == 0:
            declared = field.replace(" @shareable", "")  # not allowed on interface fields
            graph.parts.append(f'interface S{n} @key(fields: "id") {{ id: ID! {declared} }}')
            graph.parts.append(f'type SO{n} implements S{n} @key(fields: "id") '
                               f"{{ id: ID! {field} }}")
        elif interface and not graph.fed1:
            graph.entity(f"S{n}", body, extra=" @interfaceObject")
        elif not interface:
            graph.entity(f"S{n}", body, extend=graph.fed1 and index > 0, extra=type_shareable)
    graphs[0].query.append(f"s{n}: S{n}")
