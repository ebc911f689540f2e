"""Random mixes of subgraphs from different cases compose as the Guild composes them.

Mixing cases produces conflicts and odd combinations no hand-written case has; a fixed seed
keeps the run reproducible.
"""

from __future__ import annotations

import random

import pytest

from gateway.composition import SubgraphSource, compose

from .harness import CASES, case_sources, normalise, oracle_batch

pytestmark = pytest.mark.differential

_SEED, _MIXES = 2026, 80


def _mixes() -> list[list[SubgraphSource]]:
    rng = random.Random(_SEED)
    pool = [s for c in CASES if not c.startswith("error_") for s in case_sources(c)]
    mixes = []
    for _ in range(_MIXES):
        names: set[str] = set()
        mix = []
        for source in rng.sample(pool, rng.randint(2, 4)):
            name = source.name
            while name in names:
                name += "x"
            names.add(name)
            mix.append(SubgraphSource(name, source.url, source.sdl))
        mixes.append(mix)
    return mixes


def test_random_mixes_match_the_guild(js_oracle: None) -> None:
    # given random mixes of case subgraphs, when both composers run
    mixes = _mixes()
    theirs = oracle_batch(mixes)
    # then each mix fails in both, or composes to the same normalised supergraph
    differences = []
    for mix, their in zip(mixes, theirs, strict=True):
        ours = compose(mix).supergraph
        label = [s.name for s in mix]
        if "errors" in their or ours is None:
            if ("errors" in their) != (ours is None):
                differences.append((label, their.get("errors"), ours is None))
        elif normalise(ours) != normalise(their["supergraph"]):
            differences.append((label, "supergraphs differ", False))
    assert differences == []
