"""The shop load generator (tests/bench/shop) keeps its arrival schedule, mix, Zipf products,
percentiles and stop rule right, and sends only operations the persisted manifest holds."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import pytest

from tests.bench.shop.load import (
    MIX,
    Sample,
    Targets,
    ZipfSampler,
    arrival_offsets,
    percentile,
    step_search,
    summarise,
    weighted,
)
from tests.bench.shop.run import MANIFEST
from tests.bench.shop.shop import Manifest, Shop, VirtualUser

pytestmark = pytest.mark.timeout(30)


def test_arrivals_are_evenly_spaced_at_the_offered_rate() -> None:
    offsets = arrival_offsets(40, 2.5)
    assert len(offsets) == 100
    assert offsets[0] == 0
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(offsets)}
    assert gaps == {0.025}


def test_arrivals_refuse_a_rate_or_duration_that_is_not_positive() -> None:
    with pytest.raises(ValueError):
        arrival_offsets(0, 10)
    with pytest.raises(ValueError):
        arrival_offsets(10, -1)


def test_zipf_makes_rank_k_one_over_k_as_likely_as_the_first() -> None:
    zipf = ZipfSampler(50)
    assert math.isclose(sum(zipf.probability(k) for k in range(50)), 1.0)
    assert math.isclose(zipf.probability(0) / zipf.probability(1), 2.0)
    assert math.isclose(zipf.probability(0) / zipf.probability(9), 10.0)
    rng = random.Random(1)
    drawn = Counter(zipf.sample(rng) for _ in range(40_000))
    assert set(drawn) <= set(range(50))
    for rank in (0, 1, 4):
        assert drawn[rank] / 40_000 == pytest.approx(zipf.probability(rank), rel=0.06)


def test_the_mix_is_drawn_in_the_shares_the_issue_asks_for() -> None:
    assert MIX == {"catalogue": 0.70, "cart": 0.15, "account": 0.10, "checkout": 0.05}
    rng, mix = random.Random(2), weighted(MIX)
    drawn = Counter(mix.pick(rng) for _ in range(40_000))
    for kind, share in MIX.items():
        assert drawn[kind] / 40_000 == pytest.approx(share, abs=0.01)


def test_percentiles_interpolate_between_closest_ranks() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert math.isnan(percentile([], 50))


def test_a_summary_counts_failures_and_their_waiting_time() -> None:
    samples = [Sample("cart", "CartView", 0.1, False)] * 3 + [Sample("cart", "CartView", 0.5, True)]
    summary = summarise(samples)
    assert summary["count"] == 4
    assert summary["errors"] == 1
    assert summary["error_rate"] == 0.25
    assert summary["avg_ms"] == pytest.approx(200.0)


def _overall(avg: float, p95: float, errors: int = 0, count: int = 1000) -> dict[str, float]:
    rate = errors / count if count else 0.0
    return {"count": count, "errors": errors, "error_rate": rate, "avg_ms": avg,
            "p95_ms": p95, "p50_ms": avg, "p99_ms": p95}


def test_the_targets_are_strict_bounds_and_allow_one_percent_of_errors() -> None:
    targets = Targets()
    assert targets.misses(_overall(199, 499, errors=10), 50, 50) == []
    assert targets.misses(_overall(200, 100), 50, 50) == ["avg 200 ms >= 200"]
    assert targets.misses(_overall(100, 500), 50, 50) == ["p95 500 ms >= 500"]
    assert targets.misses(_overall(100, 100, errors=11), 50, 50) == ["errors 1.1% > 1%"]
    assert targets.misses(_overall(100, 100), 50, 47) == ["achieved 47.0 RPS < 95% of 50"]
    assert targets.misses(_overall(0, 0, count=0), 50, 0) == ["no requests answered"]


async def test_the_step_search_stops_at_the_first_missed_target_and_keeps_the_last_met() -> None:
    offered = []

    async def server(rate: float) -> tuple[dict[str, float], float]:
        offered.append(rate)
        return _overall(avg=rate, p95=rate * 4), rate  # p95 reaches 500 ms at 125 RPS

    outcome = await step_search(server, start=50, increment=25, limit=1000)
    assert offered == [50, 75, 100, 125]
    assert outcome.best_rate == 100
    assert outcome.steps[-1]["missed"] == ["p95 500 ms >= 500"]


async def test_the_step_search_reports_zero_when_even_the_first_rate_misses() -> None:
    async def overloaded(rate: float) -> tuple[dict[str, float], float]:
        return _overall(avg=900, p95=2000), rate / 2

    outcome = await step_search(overloaded, start=10, increment=10, limit=100)
    assert outcome.best_rate == 0
    assert len(outcome.steps) == 1


async def test_the_generator_sends_only_persisted_operations_and_checks_out_full_carts() -> None:
    manifest = Manifest(MANIFEST)
    users = [VirtualUser(f"token-{i}") for i in range(20)]
    users[3].cart = {"p-1": 1}
    shop = Shop("http://127.0.0.1:1/graphql", manifest, users, [f"p-{i}" for i in range(30)],
                ["Books"])
    try:
        sent = Counter()
        for _ in range(3000):
            kind = shop.mix.pick(shop.rng)
            user = shop._idle_user(needs_cart=kind == "checkout")
            assert user is not None
            name, variables, _ = shop._action(kind, user)
            sent[name] += 1
            if kind == "checkout":
                assert user is users[3]
                assert variables == {"paymentMethod": "pm_card_visa"}
        assert set(sent) <= set(manifest.ids)
        assert {"ProductPage", "CatalogueProducts", "PlaceOrder", "CartView"} <= set(sent)
    finally:
        await shop.close()
