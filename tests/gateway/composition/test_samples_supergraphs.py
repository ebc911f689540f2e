"""The gateway samples' checked-in supergraphs (composed by The Guild) are what we compose too."""

from __future__ import annotations

import pytest

from gateway.composition import SubgraphSource, compose

from .harness import normalise

samples = pytest.importorskip("tests.gateway.harness", reason="gateway samples harness missing")
# Cases composed with @apollo/composition (case.json) print differently (join__directive, field
# sets without spaces); ours composes them with the same join data, but this compares text.
CASES = {case.name: case for case in samples.all_cases() if case.composer == "guild"}


@pytest.mark.parametrize("name", sorted(CASES))
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
