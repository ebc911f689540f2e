"""A large generated supergraph composes quickly, and as the Guild composes it."""

from __future__ import annotations

import time

import pytest

from gateway.composition import SubgraphSource, compose

from .harness import normalise, oracle

_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])'  # noqa: E501


def _subgraphs(graphs: int = 6, types: int = 150) -> list[SubgraphSource]:
    """Every subgraph shares every entity and adds one field of its own to each."""
    sources = []
    for g in range(graphs):
        lines = [_LINK, "type Query { " + " ".join(
            f"q{g}_{t}: E{t}" for t in range(0, types, 10)) + " }"]
        lines += [f'type E{t} @key(fields: "id") {{ id: ID! f{g}: Int label: String @shareable '
                  f"next: E{(t + 1) % types} @shareable }}" for t in range(types)]
        sources.append(SubgraphSource(f"g{g}", f"http://g{g}", "\n".join(lines)))
    return sources


def test_large_supergraph_composes_in_seconds() -> None:
    started = time.perf_counter()
    result = compose(_subgraphs())
    assert result.supergraph is not None
    assert time.perf_counter() - started < 120  # quadratic blow-ups take hours


@pytest.mark.differential
def test_large_supergraph_matches_the_guild(js_oracle: None) -> None:
    sources = _subgraphs()
    ours, theirs = compose(sources), oracle(sources)
    assert ours.supergraph is not None and "supergraph" in theirs
    assert normalise(ours.supergraph) == normalise(theirs["supergraph"])
