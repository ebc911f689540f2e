"""Every sample operation through our gateway returns exactly the expected response."""

from __future__ import annotations

import pytest

from gateway.app import create_app
from tests.gateway.harness import (
    Case,
    Operation,
    Samples,
    all_cases,
    all_operations,
    assert_matches_expected,
    compose_supergraphs,
    oracle_available,
    recorded_digest,
    sdl_digest,
)
from tests.strict import skip_or_fail

CASES = all_cases()
OPERATIONS = all_operations()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_supergraph_is_composed_from_current_subgraphs(case: Case) -> None:
    # Regenerate with: .venv/bin/python -m tests.gateway.compose_samples <case>
    assert recorded_digest(case) == sdl_digest(case), f"{case.name}/supergraph.graphql is stale"


@pytest.mark.differential
def test_supergraphs_recompose_to_the_checked_in_files() -> None:
    # The digest above can miss a change of composer version; this recomposes everything.
    if reason := oracle_available():
        skip_or_fail(f"composer unavailable: {reason}")
    composed = compose_supergraphs(list(CASES))
    stale = [c.name for c in CASES if composed[c.name] != c.supergraph]
    assert not stale, f"recompose with tests/gateway/compose_samples.py: {stale}"


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.id for op in OPERATIONS])
def test_operation_has_an_expected_response(op: Operation) -> None:
    assert op.response is not None, "record it: compose_samples --record, then check by hand"


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.id for op in OPERATIONS])
async def test_our_gateway_returns_the_expected_response(op: Operation, samples: Samples) -> None:
    # given our gateway over the case's supergraph, its subgraphs served on a real port
    # when the client sends the operation
    response = await samples.ask_ours(op, create_app)
    # then it gets exactly the expected response, with no more subgraph fetches than listed
    assert_matches_expected(response, op.response, op.unordered)
    samples.assert_requests(op)
