"""Counters and histograms for hot paths: plain additions, no lock and no file write per
observation, turned into Prometheus families only when scraped.

prometheus-client takes a lock per observation and, in multiprocess mode, writes an mmap'd
file each time (tests/bench/metrics_cost.py: ~3x the cost). A tally is updated from one event
loop thread (the gateway's workers are processes); with forked workers each worker writes its
snapshot to ``tally_<pid>.json`` in the run's metrics directory (``share``), and a scrape sums
every worker's file (``SharedTallies``)."""

from __future__ import annotations

import json
import os
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = ["TALLIES", "Counter", "Histogram", "SharedTallies", "share"]

_FILE = "tally_{pid}.json"


class _CounterChild:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0.0

    def inc(self, amount: float = 1.0) -> None:
        self.value += amount


class _HistogramChild:
    __slots__ = ("bounds", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # per bucket, not cumulative; the last is +Inf
        self.sum = 0.0

    def observe(self, value: float) -> None:
        # Prometheus buckets are inclusive ("le"): the first bound >= value
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value


class _Family:
    kind = ""

    def __init__(self, name: str, documentation: str, labelnames: list[str]) -> None:
        self.name, self.documentation, self.labelnames = name, documentation, list(labelnames)
        self.children: dict[tuple[str, ...], Any] = {}
        TALLIES.families.append(self)

    def labels(self, *values: str) -> Any:
        child = self.children.get(values)
        if child is None:
            child = self.children[values] = self._child()
        return child

    def _child(self) -> Any:
        raise NotImplementedError

    def snapshot(self) -> dict[str, Any]:
        return {"kind": self.kind, "documentation": self.documentation,
                "labelnames": self.labelnames, "bounds": list(getattr(self, "bounds", ())),
                "children": [[list(k), _value(c)] for k, c in self.children.items()]}


class Counter(_Family):
    """A counter family (exported as ``<name>_total``)."""

    kind = "counter"

    def _child(self) -> _CounterChild:
        return _CounterChild()


class Histogram(_Family):
    """A histogram family with fixed bucket bounds (seconds)."""

    kind = "histogram"

    def __init__(self, name: str, documentation: str, labelnames: list[str],
                 buckets: tuple[float, ...]) -> None:
        self.bounds = tuple(sorted(buckets))
        super().__init__(name, documentation, labelnames)

    def _child(self) -> _HistogramChild:
        return _HistogramChild(self.bounds)


def _value(child: Any) -> Any:
    return child.value if isinstance(child, _CounterChild) else [child.counts, child.sum]


class _Tallies(Collector):
    """Every family of this process, for the default registry."""

    def __init__(self) -> None:
        self.families: list[_Family] = []

    def collect(self) -> Iterator[Metric]:
        return _metrics({f.name: f.snapshot() for f in self.families})


TALLIES = _Tallies()


def share(directory: str) -> None:
    """Write this process's snapshot for the other workers' scrapes (atomically)."""
    snapshot = {f.name: f.snapshot() for f in TALLIES.families}
    path = Path(directory) / _FILE.format(pid=os.getpid())
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(snapshot))
    os.replace(temporary, path)


class SharedTallies(Collector):
    """The sum of every worker's snapshot in ``directory`` (a dead worker's counts stay in)."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, dict[str, Any]] = {}
        for path in sorted(self.directory.glob(_FILE.format(pid="*"))):
            try:
                snapshot = json.loads(path.read_text())
            except (OSError, ValueError):  # a worker replacing its file right now: next scrape
                continue
            for name, family in snapshot.items():
                _merge(merged.setdefault(name, {**family, "children": []}), family)
        return _metrics(merged)


def _merge(into: dict[str, Any], family: dict[str, Any]) -> None:
    index = {tuple(labels): n for n, (labels, _) in enumerate(into["children"])}
    for labels, value in family["children"]:
        n = index.get(tuple(labels))
        if n is None:
            into["children"].append([labels, value])
        elif family["kind"] == "counter":
            into["children"][n][1] += value
        else:
            counts, total = into["children"][n][1]
            into["children"][n][1] = [[a + b for a, b in zip(counts, value[0], strict=True)],
                                      total + value[1]]


def _metrics(families: dict[str, dict[str, Any]]) -> Iterator[Metric]:
    for name, family in families.items():
        if family["kind"] == "counter":
            metric: Any = CounterMetricFamily(name, family["documentation"],
                                              labels=family["labelnames"])
            for labels, value in family["children"]:
                metric.add_metric(labels, value)
        else:
            metric = HistogramMetricFamily(name, family["documentation"],
                                           labels=family["labelnames"])
            for labels, (counts, total) in family["children"]:
                metric.add_metric(labels, _cumulative(family["bounds"], counts), total)
        yield metric


def _cumulative(bounds: list[float], counts: list[int]) -> list[tuple[str, float]]:
    buckets, running = [], 0
    for bound, count in zip([*map(_float_text, bounds), "+Inf"], counts, strict=True):
        running += count
        buckets.append((bound, running))
    return buckets


def _float_text(bound: float) -> str:
    return repr(float(bound))


# A single process's scrape reads the tallies with everything else (registered last: the
# registry collects once right away, and the families are added to TALLIES as they are made).
REGISTRY.register(TALLIES)
