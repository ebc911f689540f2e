"""The gateway samples' checked-in supergraphs (composed by The Guild) are what we compose too."""

from __future__ import annotations

import pytest

from gateway.composition import SubgraphSource, compose
from tests.gateway import harness as samples

from .harness import normalise

# Cases composed with @apollo/composition (case.json) print differently (join__directive, field
# sets without spaces); ours composes them with the same join data, but this compares text.
CASES = {case.name: case for case in samples.all_cases() if case.composer == "guild"}
# Samples @apollo/composition 2.14 refuses (The Guild's composer, which wrote their supergraphs,
# is laxer); we refuse them as Apollo does. `provides`: `reviews` provides `User.username` and
# `feed` provides `Book.title`/`Movie.title`, so those subgraphs resolve them too, and the
# owners do not mark them @shareable (Federation v2 field sharing).
REFUSED_BY_APOLLO = {"provides": "INVALID_FIELD_SHARING"}


@pytest.mark.parametrize("name", sorted(REFUSED_BY_APOLLO))
def test_sample_apollo_refuses_is_refused_for_the_same_rule(name: str) -> None:
    case = CASES[name]
    result = compose([SubgraphSource(n, samples.placeholder_url(n), case.sdl(n))
                      for n in case.subgraph_names])
    assert result.supergraph is None
    assert {e.code for e in result.errors} == {REFUSED_BY_APOLLO[name]}


@pytest.mark.parametrize("name", sorted(set(CASES) - set(REFUSED_BY_APOLLO)))
def test_sample_supergraph_is_reproduced(name: str) -> None:
    # given a sample whose supergraph.graphql came from @theguild/federation-composition
    case = CASES[name]
    sources = [SubgraphSource(n, samples.placeholder_url(n), case.sdl(n))
               for n in case.subgraph_names]
    # when we compose the same subgraph SDL
    result = compose(sources)
    # then the supergraphs are equal after normalisation
    assert result.supergraph is not None, "\n".join(map(str, result.errors))
    assert normalise(result.supergraph) == normalise(case.supergraph_path.read_text())
