"""Hypothesis strategies generating subgraph sets that stress Federation v2 composition rules."""

from __future__ import annotations

from hypothesis import strategies as st

from gateway.composition import SubgraphSource

from .enums import enums
from .field_sets import provides, requires
from .field_types import field_types
from .keys import keys, value_types
from .sharing import sharing
from .world import draw_graphs, render

__all__ = ["SCENARIOS", "subgraph_sets"]

SCENARIOS = {"field_types": field_types, "enums": enums, "requires": requires,
             "provides": provides, "sharing": sharing, "keys": keys,
             "value_types": value_types}


@st.composite
def subgraph_sets(draw: st.DrawFn) -> list[SubgraphSource]:
    """Two or three subgraphs (Federation 1 and 2 mixed) holding one or two scenarios."""
    graphs = draw_graphs(draw)
    chosen = draw(st.lists(st.sampled_from(sorted(SCENARIOS)), min_size=1, max_size=2,
                           unique=True))
    for n, name in enumerate(chosen):
        draw(SCENARIOS[name](graphs, n))
    return render(graphs)
