"""Our supergraph equals @theguild/federation-composition's after normalisation, case by case."""

from __future__ import annotations

import pytest

from .harness import CASES, HERE, case_sources, compose_case, normalise, oracle

pytestmark = pytest.mark.differential


@pytest.mark.parametrize("case", CASES)
def test_supergraph_matches_the_guild_composer(case: str, js_oracle: None) -> None:
    # given the case's subgraphs, when both composers run
    ours = compose_case(case)
    theirs = oracle(case_sources(case))
    # then both fail, or both succeed with the same normalised supergraph
    if "errors" in theirs:
        assert ours.supergraph is None, f"JS composer failed: {theirs['errors']}"
        return
    assert ours.supergraph is not None, "\n".join(map(str, ours.errors))
    divergence = HERE / "cases" / case / "DIVERGENCE.md"
    if divergence.exists():
        # a documented, deliberate difference: it must still be there
        assert normalise(ours.supergraph) != normalise(theirs["supergraph"])
        return
    assert normalise(ours.supergraph) == normalise(theirs["supergraph"])
