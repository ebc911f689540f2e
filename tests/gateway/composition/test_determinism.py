"""The same subgraphs always print the same supergraph bytes, whatever their input order."""

from __future__ import annotations

import pytest

from gateway.composition import compose

from .harness import CASES, case_sources

SUCCESSFUL = [c for c in CASES if not c.startswith("error_")]


@pytest.mark.parametrize("case", SUCCESSFUL)
def test_output_is_byte_identical_across_runs_and_input_order(case: str) -> None:
    sources = case_sources(case)
    first = compose(sources).supergraph
    assert first is not None
    assert compose(sources).supergraph == first
    assert compose(list(reversed(sources))).supergraph == first
