"""Tune Python's cyclic garbage collector for serving: fewer young-generation collections, and
the objects built at start-up (schemas, plans, modules) kept out of every collection."""

from __future__ import annotations

import gc

__all__ = ["tune_for_serving"]


def tune_for_serving(young_threshold: int) -> None:
    """Collect once, freeze what start-up left behind, then raise the young threshold.

    ``young_threshold`` 0 keeps Python's thresholds. Reference counting still frees almost
    everything a request builds at once; the collector is only needed for cycles, which the
    request path does not make on purpose, so collecting less often only delays freeing those.
    """
    gc.collect()
    gc.freeze()
    if young_threshold > 0:
        _, middle, old = gc.get_threshold()
        gc.set_threshold(young_threshold, middle, old)
