"""Each case composes as The Guild's composer and Apollo's composer compose it: the same
accept/refuse decision, the same error code, and equal supergraphs after normalisation.

A case may document a deliberate difference from one composer in `DIVERGENCE-<composer>.md`
(where the composers disagree, we follow Apollo's); the test then proves the difference is
still there, so a stale note cannot hide, and that a difference from Apollo's supergraph is
harmless: our gateway loads both into the same API schema and planning model.
"""

from __future__ import annotations

import pytest

from .gateway_view import gateway_view
from .harness import CASES, COMPOSERS, HERE, case_sources, compose_case, normalise, oracles_batch

pytestmark = pytest.mark.differential


@pytest.fixture(scope="module")
def js_composers(js_oracle: None) -> dict[str, dict[str, dict]]:
    """Every case composed by both JS composers, in one node process."""
    return dict(zip(CASES, oracles_batch([case_sources(c) for c in CASES]), strict=True))


def _case(name: str):
    """Known gaps (KNOWN_GAP.md) are expected to differ until fixed, and must not pass."""
    if (HERE / "cases" / name / "KNOWN_GAP.md").exists():
        return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="KNOWN_GAP.md"))
    return name


@pytest.mark.timeout(120)
@pytest.mark.parametrize("composer", COMPOSERS)
@pytest.mark.parametrize("case", [_case(c) for c in CASES])
def test_case_composes_as_the_js_composer_does(case: str, composer: str,
                                               js_composers: dict[str, dict[str, dict]]) -> None:
    # given the case's subgraphs, when we and the JS composer compose them
    ours = compose_case(case)
    theirs = js_composers[case][composer]
    ours_text = "refused: " + ", ".join(sorted({e.code for e in ours.errors})) \
        if ours.supergraph is None else normalise(ours.supergraph)
    theirs_text = "refused: " + ", ".join(sorted(set(theirs["codes"]))) \
        if "errors" in theirs else normalise(theirs["supergraph"])
    divergence = HERE / "cases" / case / f"DIVERGENCE-{composer}.md"
    if divergence.exists():
        # then a documented, deliberate difference is still there
        assert ours_text != theirs_text
        if composer == "apollo":
            # and, both composing, it changes nothing our gateway serves
            assert ours.supergraph is not None and "supergraph" in theirs
            assert gateway_view(ours.supergraph) == gateway_view(theirs["supergraph"])
        return
    # then both refuse naming the same rule, or both compose the same supergraph
    if "errors" in theirs:
        assert ours.supergraph is None, f"{composer} refused: {theirs['errors']}"
        assert {e.code for e in ours.errors} <= set(theirs["codes"]), theirs["errors"]
        return
    assert ours.supergraph is not None, "\n".join(map(str, ours.errors))
    assert ours_text == theirs_text
