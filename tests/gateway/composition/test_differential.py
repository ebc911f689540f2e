"""Our supergraph equals @theguild/federation-composition's after normalisation, case by case."""

from __future__ import annotations

import pytest

from .harness import CASES, HERE, case_sources, compose_case, normalise, oracle_batch

pytestmark = pytest.mark.differential


@pytest.fixture(scope="module")
def guild(js_oracle: None) -> dict[str, dict]:
    """Every case composed by @theguild/federation-composition, in one node process."""
    return dict(zip(CASES, oracle_batch([case_sources(c) for c in CASES]), strict=True))


@pytest.mark.parametrize("case", CASES)
def test_supergraph_matches_the_guild_composer(case: str, guild: dict[str, dict]) -> None:
    # given the case's subgraphs, when both composers run
    ours = compose_case(case)
    theirs = guild[case]
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
