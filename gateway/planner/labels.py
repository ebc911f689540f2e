"""Progressive override labels: which labels a request enables.

Federation v2.7 `@override(label:)`: a `percent(N)` label is enabled for N% of requests, picked
by the router per request; any other label is enabled only when the caller (a plugin) says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from gateway.supergraph import Supergraph

__all__ = ["enabled_labels", "override_labels"]

_PERCENT = re.compile(r"^percent\((\d+(?:\.\d+)?)\)$")


def override_labels(supergraph: Supergraph) -> frozenset[str]:
    """Every progressive override label the supergraph uses."""
    return frozenset(
        join.override_label
        for info in supergraph.types.values()
        for spec in info.fields.values()
        for join in spec.joins
        if join.override_label
    )


def enabled_labels(
    labels: Iterable[str], draw: Callable[[], float], enabled: Iterable[str] = ()
) -> frozenset[str]:
    """The labels on for one request; `draw()` returns a number in [0, 1) (e.g. random.random)."""
    chosen = set(enabled)
    for label in labels:
        match = _PERCENT.match(label)
        if match and draw() * 100 < float(match.group(1)):
            chosen.add(label)
    return frozenset(chosen & set(labels))
