"""Random mixes of subgraphs from different cases compose as Apollo's and The Guild's
composers compose them (as Apollo's, where the two disagree).

Mixing cases produces conflicts and odd combinations no hand-written case has; a fixed seed
keeps the run reproducible.
"""

from __future__ import annotations

import random

import pytest

from gateway.composition import SubgraphSource, compose

from .gateway_view import gateway_view
from .harness import CASES, case_sources, oracles_batch
from .verdicts import composers_agree, judge

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
        if apollo.outcome == "supergraph" and ours.supergraph is not None and gateway_view(
                ours.supergraph) == gateway_view(answer["apollo"]["supergraph"]):
            continue  # printed differently (carried directives' local names), served alike
        if not apollo.agrees or (not guild.agrees and composers_agree(answer)):
            differences.append(([s.name for s in mix], apollo, guild))
    assert differences == []
