"""Scenario: one enum whose values, `@inaccessible` values and uses differ per subgraph."""

from __future__ import annotations

from hypothesis import strategies as st

from .world import Graph

__all__ = ["enums"]

_VALUES = ("A", "B", "C")


@st.composite
def enums(draw: st.DrawFn, graphs: list[Graph], n: int) -> None:
    """Enum `E{n}` used as an output (`e{n}`), an input (`q{n}(e:)`) or both, per subgraph."""
    declaring = [g for g in graphs if draw(st.integers(0, 5))] or graphs[:1]
    for graph in declaring:
        values = draw(st.lists(st.sampled_from(_VALUES), min_size=1, max_size=3, unique=True))
        hidden = set() if graph.fed1 else set(draw(st.lists(st.sampled_from(values),
                                                            max_size=1)))
        printed = [v + (" @inaccessible" if v in hidden else "") for v in sorted(values)]
        graph.parts.append(f"enum E{n} {{ {' '.join(printed)} }}")
        use = draw(st.sampled_from(("output", "input", "both", "both")))
        if use in ("output", "both"):
            graph.query.append(f"e{n}: E{n}{graph.shareable()}")
        if use in ("input", "both"):
            graph.query.append(f"q{n}{graph.name}(e: E{n}): Int")
