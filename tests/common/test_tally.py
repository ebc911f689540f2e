"""Hot-path tallies read back as Prometheus text: inclusive cumulative buckets, and the sum of
every worker's shared snapshot (common/telemetry/tally.py)."""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest

from common.telemetry.tally import Counter, Histogram, SharedTallies, share
from tests.scrape import sample


def test_a_histogram_counts_each_value_in_the_first_bucket_whose_bound_holds_it() -> None:
    histogram = Histogram("tally_test_seconds", "test", ["op"], buckets=(0.1, 1.0))
    child = histogram.labels("A")
    for value in (0.1, 0.5, 1.0, 3.0):  # bounds are inclusive: 0.1 <= 0.1, 1.0 <= 1.0
        child.observe(value)
    text = _text()
    buckets = {le: sample(text, "tally_test_seconds_bucket", op="A", le=le)
               for le in ("0.1", "1.0", "+Inf")}
    assert buckets == {"0.1": 1, "1.0": 3, "+Inf": 4}
    assert sample(text, "tally_test_seconds_count", op="A") == 4
    assert sample(text, "tally_test_seconds_sum", op="A") == 4.6


def test_shared_snapshots_of_several_workers_are_summed(tmp_path: Path) -> None:
    counter = Counter("tally_shared_total", "test", ["op"])
    counter.labels("A").inc(2)
    share(str(tmp_path))  # this process, as one worker
    (tmp_path / f"tally_{os.getpid()}.json").rename(tmp_path / "tally_1.json")
    counter.labels("A").inc(3)
    counter.labels("B").inc()
    share(str(tmp_path))  # the same process again, now as a second worker with 5 and 1
    registry = CollectorRegistry()
    registry.register(SharedTallies(str(tmp_path)))
    text = generate_latest(registry).decode()
    assert sample(text, "tally_shared_total", op="A") == 2 + 5
    assert sample(text, "tally_shared_total", op="B") == 1


def _text() -> str:
    from common.telemetry.metrics import render

    return render().decode()
