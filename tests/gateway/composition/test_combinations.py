"""Random mixes of subgraphs from different cases compose as Apollo's and The Guild's
composers compose them (as Apollo's, where the two disagree).

Mixing cases produces conflicts and odd combinations no hand-written case has; a fixed seed
keeps the run reproducible.
"""

from __future__ import annotations

import random

import pytest

from gateway.composition import SubgraphSource, compose

from .harness import CASES, case_sources, normalise, oracles_batch
from .verdicts import judge

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


@pytest.mark.timeout(300)
def test_random_mixes_compose_as_the_js_composers_do(js_oracle: None) -> None:
    # given random mixes of case subgraphs, when we and both JS composers compose them
    mixes = _mixes()
    answers = oracles_batch(mixes)
    # then we agree with Apollo's composer, and with The Guild's wherever it agrees with Apollo's
    differences = []
    for mix, answer in zip(mixes, answers, strict=True):
        ours = compose(mix)
        apollo, guild = judge(ours, answer["apollo"]), judge(ours, answer["guild"])
        if not apollo.agrees or (not guild.agrees and _same(answer)):
            differences.append(([s.name for s in mix], apollo, guild))
    assert differences == []


def _same(answer: dict[str, dict]) -> bool:
    """Both composers decide alike (and print the same supergraph, when composing)."""
    apollo, guild = answer["apollo"], answer["guild"]
    if "supergraph" in apollo and "supergraph" in guild:
        return normalise(apollo["supergraph"]) == normalise(guild["supergraph"])
    return ("errors" in apollo) == ("errors" in guild)
