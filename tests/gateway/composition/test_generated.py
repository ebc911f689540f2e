"""Generated subgraph sets compose as Apollo's composer composes them, and as The Guild's
wherever it agrees with Apollo's: the same decision, the same rule, the same supergraph.

Hypothesis draws the sets (tests/gateway/composition/strategies: nullability and subtypes,
enums with @inaccessible values, nested @requires/@provides, @shareable/@external/@override/
@interfaceObject combinations, Federation 1 and 2 subgraphs mixed) from a fixed seed, so CI
replays the same sets; one node process answers for both JS composers, set by set, so a failing
set still shrinks to a small one. A disagreement found here becomes a hand-written case.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings

from gateway.composition import SubgraphSource, compose

from .harness import composer_process
from .oracles import ComposerProcess
from .strategies import subgraph_sets
from .verdicts import Verdict, composers_agree, judge

pytestmark = pytest.mark.differential

SETS = 1000  # distinct sets composed


@pytest.fixture(scope="module")
def composers(js_oracle: None) -> Iterator[ComposerProcess]:
    process = composer_process()
    yield process
    process.close()


def _shown(sources: list[SubgraphSource], verdict: Verdict, answer: dict) -> str:
    sdl = "\n".join(f"# {s.name}\n{s.sdl}" for s in sources)
    return f"{verdict} (apollo: {answer.get('errors', 'composed')})\n{sdl}"


@pytest.mark.timeout(600)
def test_generated_sets_compose_as_apollo_does(composers: ComposerProcess,
                                               record_property) -> None:
    tally: Counter[str] = Counter()
    seen: set[tuple[str, ...]] = set()
    known: list[str] = []

    @settings(max_examples=SETS, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(subgraph_sets())
    def check(sources: list[SubgraphSource]) -> None:
        # given a generated set not passed before (small draws repeat; repeats prove nothing;
        # a failing set is not remembered, so hypothesis can replay and shrink it)
        key = tuple(s.sdl for s in sources)
        assume(key not in seen)
        # when we and both JS composers compose it (node and we work side by side)
        composers.send(sources)
        ours = compose(sources)
        answer = composers.receive()
        apollo, guild = judge(ours, answer["apollo"]), judge(ours, answer["guild"])
        tally[f"apollo {'composed' if 'supergraph' in answer['apollo'] else 'refused'}"] += 1
        tally[f"apollo {apollo.outcome}"] += 1
        tally[f"guild {guild.outcome}"] += 1
        tally["guild and apollo agree"] += composers_agree(answer)
        # then we decide, name the rule and print the supergraph as Apollo's composer does,
        # and as The Guild's does wherever it agrees with Apollo's; a difference only in
        # SATISFIABILITY_ERROR is a known gap (left to the planner rework), counted and shown
        if apollo.satisfiability_only:
            known.append(_shown(sources, apollo, answer["apollo"]))
        else:
            assert apollo.agrees, _shown(sources, apollo, answer["apollo"])
            if composers_agree(answer):
                assert guild.agrees, _shown(sources, guild, answer["guild"])
        seen.add(key)

    check()
    record_property("tally", dict(tally))
    print(f"\n{len(seen)} distinct generated sets: {dict(sorted(tally.items()))}")
    print("".join(f"\nknown gap, satisfiability only: {k}" for k in known))
    assert len(seen) >= SETS
